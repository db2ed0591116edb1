"""Login with Feide in a real Chromium: the button on Trygg's login page, the local
OpenID Connect provider's own page (devtools/oidc_provider.py), and back to Trygg's front
page, logged in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from devtools.oidc_provider import OidcProvider
from trygg.config import FeideSettings

pytestmark = pytest.mark.browser

CLIENT_ID = "trygg-browser"
SECRET = "trygg-browser-secret"


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    # No automatic approval: the provider shows its login page, as Feide does.
    with OidcProvider(client_id=CLIENT_ID, client_secret=SECRET) as running:
        yield running


@pytest.fixture
def settings_overrides(provider: OidcProvider) -> dict[str, object]:
    return {
        "feide": FeideSettings(client_id=CLIENT_ID, client_secret=SECRET, issuer=provider.issuer)
    }


def test_log_in_with_feide_and_out_again(
    page: Page,
    live_server: str,
    provider: OidcProvider,
    demo: dict[str, str],
    console_errors: list[str],
) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_url(re.compile(r"/logg-inn"))
    feide_button = page.get_by_role("link", name="Logg inn med Feide")
    expect(feide_button).to_be_visible()
    feide_button.click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/authorize\?"))
    page.get_by_label("E-postadresse i Feide").fill(demo["ledelse"])
    page.get_by_role("button", name="Logg inn").click()

    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Hilde")
    expect(page.locator("header.site-header .user-name")).to_contain_text("Hilde Moe")

    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"/logg-inn"))
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    assert len(provider.logouts) == 1
    assert console_errors == []
