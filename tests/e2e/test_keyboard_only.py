"""With no mouse: an employee logs in and files a meldeskjema, and a handler writes and
finalises an investigation through its warnings, with Tab, Shift+Tab, Enter, Space, the
arrow keys and typing alone (WCAG 2.1.1); the skip link is the first Tab stop of every
page, the login page included (2.4.1). Nothing here clicks or calls focus(): the test
moves the focus with the keyboard and only reads where it is."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.e2e.journey_steps import today
from tests.factories.cases import case_at
from trygg.models import CaseDocument

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


# Whether the focused element shows it (WCAG 2.4.7): it draws an outline or a ring
# (trygg.css gives every control both). A date field's calendar button has the focus
# inside the field, where only :focus-within reaches the field.
_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return true;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  return (el.matches(":focus-visible") || el.matches(":focus-within")) && ring;
}"""


def focused(page: Page) -> str:
    description: str = page.evaluate(_DESCRIBE)
    return description


def focused_and_seen(page: Page) -> str:
    """The focused element, as focused() says it; an element that does not show its
    focus fails the test there."""
    now = focused(page)
    assert page.evaluate(_SEEN), f"the focus on {now!r} is not visible"
    return now


def tab_to(page: Page, wanted: str | re.Pattern[str]) -> None:
    """Press Tab until the focus is on `wanted` (role:name, or a pattern of it); every
    stop on the way must show its focus."""
    pattern = wanted if isinstance(wanted, re.Pattern) else re.compile(re.escape(wanted))
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused_and_seen(page)
        if pattern.fullmatch(now):
            return
        seen.append(now)
    raise AssertionError(f"{wanted!r} not reached with Tab; stops: {seen}")


def shift_tab_to(page: Page, wanted: str | re.Pattern[str]) -> None:
    """Press Shift+Tab until the focus is on `wanted`, going back up the page."""
    pattern = wanted if isinstance(wanted, re.Pattern) else re.compile(re.escape(wanted))
    seen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab")
        now = focused_and_seen(page)
        if pattern.fullmatch(now):
            return
        seen.append(now)
    raise AssertionError(f"{wanted!r} not reached with Shift+Tab; stops: {seen}")


def log_in_with_the_keyboard(page: Page, live_server: str, email: str) -> None:
    page.goto(live_server + "/logg-inn")
    tab_to(page, "field:E-postadresse")
    page.keyboard.type(email)
    tab_to(page, "field:Passord")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hei, ")


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


def typed_date(on_or_before: dt.date) -> str:
    """The digits to type into a date field for the latest date on or before the given
    one whose day and month are the same number (11.11.2026). A date field takes its
    parts in the order of the browser's own language (Chromium headless is en-US,
    mm/dd/åååå, whatever the page's; a Norwegian's is dd.mm.åååå); such a date is the
    same typed either way."""
    dates = [dt.date(on_or_before.year - back, m, m) for back in (0, 1) for m in range(1, 13)]
    day = max(d for d in dates if d <= on_or_before)
    return day.strftime("%d%m%Y")


def enter_to_next_page(page: Page) -> None:
    """Enter on a link or a submit button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page: Page, wanted: str | re.Pattern[str], text: str) -> None:
    tab_to(page, wanted)
    page.keyboard.type(text)


def test_a_handler_finishes_an_investigation_through_its_warnings_with_the_keyboard_alone(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    # Sara's case, received; Per Olsen handles it. Jonas Berg is pointed out (utøvende).
    case = case_at(session, tmp_path, "received")
    day = typed_date(today())
    log_in_with_the_keyboard(page, live_server, demo["kontaktlaerer"])
    tab_to(page, "link:Mine saker")
    enter_to_next_page(page)
    tab_to(page, re.compile(rf"link:{re.escape(case.reference)}.*"))
    enter_to_next_page(page)
    tab_to(page, "link:Start/fortsett undersøkelse")
    enter_to_next_page(page)
    tab_to(page, "button:Start undersøkelsen")
    enter_to_next_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Undersøkelse")

    type_into(page, "field:Følge med", "Ekstra voksen ute i storefri fra dagen etter meldingen.")
    type_into(page, "field:Gripe inn", "Per stoppet Jonas og Emma i garderoben samme dag.")
    type_into(page, "field:Melde fra", "Mona Ruud meldte fra til rektor samme dag.")
    # The first conversation: with Sara. A closed list takes the first letters typed.
    type_into(page, "field:Dato", day)
    type_into(page, "field:Samtale med", "Sara")
    type_into(page, "field:Samtalen holdt av", "Per")
    type_into(page, "field:Hva som kom fram", "Sara forteller at hun står alene i storefri.")
    # "Legg til samtale" puts the focus in the new row (static/js/rows.js).
    tab_to(page, "button:Legg til samtale")
    page.keyboard.press("Enter")
    assert focused(page) == "field:Dato"
    page.keyboard.type(day)
    type_into(page, "field:Samtale med", "Jonas")
    type_into(page, "field:Samtalen holdt av", "Per")
    # Jonas's own version is left unmarked: the warnings below ask about it.
    type_into(page, "field:Hva som kom fram", "Jonas sier at det bare var tull.")
    type_into(page, "field:Elevens stemme", "Sara vil ha en voksen ute og vil ikke bytte klasse.")
    type_into(page, "field:Analyse", "Sara holdes utenfor over tid, både ute og på Snap.")
    type_into(page, "field:Vurdering av elevens beste", "Saras trygghet veier tyngst her.")
    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, "radio[pupil_safe]:Ja")
    page.keyboard.press("ArrowRight")
    assert focused(page) == "radio[pupil_safe]:Nei"
    tab_to(page, "radio[plan_needed]:Ja")
    page.keyboard.press("Space")
    type_into(page, "field:Foresatte informert om rettighetene og Statsforvalteren", day)
    tab_to(page, "button:Ferdigstill og arkiver")
    enter_to_next_page(page)

    # The warnings: the draft is saved; each warning links to its field.
    expect(page.get_by_role("heading", name="Se over dette før du ferdigstiller")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page) == SKIP_LINK
    tab_to(page, re.compile(r"link:Samtale 2 er med Jonas Berg.*"))
    page.keyboard.press("Enter")
    assert focused(page).startswith("checkbox[conversations-1-kontradiksjon]:")
    page.keyboard.press("Space")
    expect(page.locator("#conversations-1-kontradiksjon")).to_be_checked()
    # Back up the page to the warnings' own button, which finishes with the box checked.
    shift_tab_to(page, "button:Ferdigstill likevel")
    enter_to_next_page(page)

    expect(page.locator(".flashes")).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    session.expire_all()
    investigation = session.execute(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.kind == "undersokelse"
        )
    ).scalar_one()
    assert investigation.finalised_at is not None
    talks = investigation.data["conversations"]
    assert [t["account"] for t in talks] == [
        "Sara forteller at hun står alene i storefri.",
        "Jonas sier at det bare var tull.",
    ]
    assert [bool(t.get("kontradiksjon")) for t in talks] == [False, True]
    assert investigation.data["conclusion"] == {"pupil_safe": False, "plan_needed": True}
    assert console_errors == []
