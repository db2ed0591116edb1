"""With no mouse: an employee logs in and files a meldeskjema with Tab, Enter, Space and
typing alone (WCAG 2.1.1), and the skip link is the first Tab stop of every page, the
login page included (2.4.1). Nothing here clicks: the test moves the focus with Tab and
only reads where it is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Enough for the longest form (the meldeskjema has about 40 stops); a page where the
# wanted control is not among them is a failure, not a long wait.
MAX_TABS = 120
SKIP_LINK = "link:Hopp til innholdet"

# What the focused element is, as a keyboard user meets it: its role, then its name.
_DESCRIBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body:";
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute("type") || "").toLowerCase();
  const role = tag === "a" ? "link" : tag === "button" ? "button"
    : tag === "input" && (type === "radio" || type === "checkbox") ? type + "[" + el.name + "]"
    : tag === "input" || tag === "textarea" || tag === "select" ? "field" : tag;
  const label = el.labels && el.labels.length ? el.labels[0].innerText
    : el.getAttribute("aria-label") || el.innerText || "";
  return role + ":" + label.trim().replace(/\\s+/g, " ");
}"""


def focused(page: Page) -> str:
    description: str = page.evaluate(_DESCRIBE)
    return description


def tab_to(page: Page, wanted: str | re.Pattern[str]) -> None:
    """Press Tab until the focus is on `wanted` (role:name, or a pattern of it)."""
    pattern = wanted if isinstance(wanted, re.Pattern) else re.compile(re.escape(wanted))
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if pattern.fullmatch(now):
            return
        seen.append(now)
    raise AssertionError(f"{wanted!r} not reached with Tab; stops: {seen}")


def test_the_skip_link_is_the_first_tab_stop_of_the_login_page(
    page: Page, live_server: str
) -> None:
    page.goto(live_server + "/logg-inn")
    page.keyboard.press("Tab")
    assert focused(page) == SKIP_LINK
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # Past the header: the first stop inside the main content.
    assert focused(page) == "field:E-postadresse"


def test_an_employee_files_a_report_with_the_keyboard_alone(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    page.goto(live_server + "/logg-inn")
    tab_to(page, "field:E-postadresse")
    page.keyboard.type(demo["ansatt"])
    tab_to(page, "field:Passord")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, ")

    page.keyboard.press("Tab")
    assert focused(page) == SKIP_LINK
    tab_to(page, "link:Ny melding")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Elevens navn", exact=True)).to_be_visible()

    tab_to(page, "field:Elevens navn")
    page.keyboard.type("Tina Berg")
    tab_to(page, "field:Klasse")
    page.keyboard.type("5A")
    tab_to(page, re.compile(r"radio\[arena\]:.*"))  # the group's first place; Space picks it
    page.keyboard.press("Space")
    tab_to(page, "radio[pupil_said_so]:Ja")
    page.keyboard.press("Space")
    tab_to(page, "field:Hva så du, eller hva ble du fortalt?")
    page.keyboard.type("Tina sa at de andre ikke lot henne være med i friminuttet.")
    tab_to(page, re.compile(r"checkbox\[kinds\]:.*"))
    page.keyboard.press("Space")
    tab_to(page, "button:Send melding til rektor")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen er sendt")
    expect(page.get_by_text("Tina Berg")).not_to_have_count(0)
    assert console_errors == []


def test_a_form_with_errors_sends_the_keyboard_to_the_field_that_needs_it(
    page: Page, live_server: str, demo: dict[str, str]
) -> None:
    page.goto(live_server + "/logg-inn")
    tab_to(page, "field:E-postadresse")
    page.keyboard.type(demo["ansatt"])
    tab_to(page, "field:Passord")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, ")
    tab_to(page, "link:Ny melding")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Elevens navn", exact=True)).to_be_visible()
    tab_to(page, "button:Send melding til rektor")
    page.keyboard.press("Enter")
    # The error summary's links lead to the fields; Enter on one puts the focus there.
    expect(page.locator(".error-summary")).to_be_visible()
    tab_to(page, re.compile(r"link:.*klasse.*", re.IGNORECASE))
    page.keyboard.press("Enter")
    page.keyboard.type("5A")
    assert focused(page) == "field:Klasse"
    expect(page.get_by_label("Klasse", exact=True)).to_have_value("5A")
