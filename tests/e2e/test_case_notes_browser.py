"""Issue 10, notes and attachments in a real Chromium: the handler writes down a phone call
and attaches a screenshot from the case page; both stand in the case's section and its
chronology, and the screenshot opens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.attachment_files import png
from tests.e2e.journey_steps import flash, log_in, open_case_from_list, shown, today
from tests.factories.cases import case_at

pytestmark = pytest.mark.browser

CALL = "Mor ringte: Sara gruer seg til storefri og vil bli hentet tidlig."


def test_handler_adds_a_phone_call_and_a_screenshot(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "received")
    yesterday = today() - dt.timedelta(days=1)
    screenshot = tmp_path / "skjermbilde fra chatten.png"
    screenshot.write_bytes(png((320, 200)))

    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    section = page.get_by_role("region", name="Notater og vedlegg")
    section.get_by_role("link", name="Nytt notat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt notat")
    page.get_by_label("Hva gjelder notatet?").select_option(label="Telefonsamtale")
    page.get_by_label("Når skjedde det?").fill(f"{yesterday.isoformat()}T15:30")
    page.get_by_label("Notat", exact=True).fill(CALL)
    page.get_by_role("button", name="Lagre notatet").click()
    expect(flash(page)).to_contain_text("Notatet er lagret i saken.")
    expect(section).to_contain_text(CALL)
    expect(section).to_contain_text(f"{shown(yesterday)} kl. 15.30")
    chronology = page.get_by_role("region", name="Kronologi")
    expect(chronology).to_contain_text("Notat – Telefonsamtale: Mor ringte")

    section.get_by_role("link", name="Nytt vedlegg").click()
    page.get_by_label("Fil (PDF, PNG eller JPEG)").set_input_files(str(screenshot))
    page.get_by_label("Hva viser vedlegget? (valgfritt)").fill("Meldinger i klassechatten.")
    page.get_by_role("button", name="Legg ved filen").click()
    expect(flash(page)).to_contain_text("Vedlegget er lagret i saken.")
    expect(section).to_contain_text("skjermbilde fra chatten.png")
    expect(chronology).to_contain_text("Vedlegg lagt til: skjermbilde fra chatten.png")

    with page.expect_download() as download:
        section.get_by_role("link", name="Last ned").click()
    assert download.value.suggested_filename == "skjermbilde fra chatten.png"
    section.get_by_role("link", name="Vis").click()
    image = page.get_by_role("img", name="Meldinger i klassechatten.")
    expect(image).to_be_visible()
    # Visible is not loaded: the element shows before its bytes arrive (CI once read 0).
    # decode() waits for them and rejects a picture the browser cannot show.
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 320
    assert console_errors == []
