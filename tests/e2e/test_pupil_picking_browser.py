"""Issue 13 in a real Chromium: the reporter finds the pupil in the school's register from
the meldeskjema, with JavaScript (a combobox that searches as the reporter types, worked
with the keyboard) and without it (the "Søk" and "Velg" buttons); either way the case
belongs to the register pupil's id, and what was typed before the search is still there.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.e2e.journey_steps import log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER
from trygg.models import AuditEvent, Case, LoginSession, Pupil, utcnow
from trygg.pupils.import_csv import parse_register_csv
from trygg.pupils.register import apply_import

pytestmark = pytest.mark.browser

REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;;ja;\n"
    "Lea;Berg;02.05.2016;5A;;;;;\n"
    "Leo;Lie;01.02.2015;5A;;;;;\n"
)
ACCOUNT = "Eleven sa at de andre ikke lar henne være med."


def seed_register(session: Session) -> None:
    apply_import(session, school(session).id, parse_register_csv(REGISTER).pupils, BY, NOW, "csv")
    # Another school's Lea: never offered at Nordpolen.
    other = f"{HEADER}\nLea;Strand;01.01.2015;6B;;;;;\n"
    vestre = school(session, "Vestre Aker skole").id
    apply_import(session, vestre, parse_register_csv(other).pupils, BY, NOW, "csv")
    session.commit()


def pupil_id(session: Session, first: str, last: str) -> int:
    return session.execute(
        select(Pupil.id).where(Pupil.first_name == first, Pupil.last_name == last)
    ).scalar_one()


def fill_the_rest(page: Page) -> None:
    page.get_by_label("Friminutt", exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Utestenging", exact=True).check()


def send_and_read_case(page: Page, session: Session) -> Case:
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page).to_have_url(re.compile(r"/meldinger/\d+$"))
    session.expire_all()
    (case,) = session.execute(select(Case)).scalars()
    return case


def active_option(search: Locator) -> str:
    """The option the combobox points at (aria-activedescendant), as a reader hears it."""
    label: str = search.evaluate(
        "el => document.getElementById(el.getAttribute('aria-activedescendant')).textContent"
    )
    return label


def test_pick_a_pupil_as_you_type_with_the_keyboard(
    page: Page, live_server: str, session: Session, demo: dict[str, str], console_errors: list[str]
) -> None:
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    page.goto(live_server + "/meldinger/ny")
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(ACCOUNT)
    page.evaluate("window.notReloaded = true")

    search = page.get_by_role("combobox", name="Søk i elevregisteret")
    search.click()
    page.keyboard.type("l")  # one letter lists nobody
    expect(search).to_have_attribute("aria-expanded", "false")
    page.keyboard.type("ea")
    listbox = page.get_by_role("listbox", name="Elever som passer")
    expect(listbox.get_by_role("option")).to_have_text(["Lea Berg, 5A", "Lea Holm, 6B"])
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="passer")).to_have_text(
        "2 elever passer. Bruk pil ned og opp for å velge."
    )
    # Escape closes the list, ArrowDown opens it again; the focus never leaves the field.
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()
    assert active_option(search) == "Lea Berg, 5A"
    page.keyboard.press("ArrowDown")
    assert active_option(search) == "Lea Holm, 6B"
    expect(listbox.get_by_role("option", name="Lea Holm, 6B")).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("Enter")  # picks; does not send the form

    expect(listbox).to_be_hidden()
    expect(page.get_by_text("Fra elevregisteret: Lea Holm, 6B")).to_be_visible()
    expect(page.get_by_label("Elevens navn", exact=True)).to_have_value("Lea Holm")
    expect(page.get_by_label("Klasse", exact=True)).to_have_value("6B")
    assert page.evaluate("window.notReloaded") is True
    lea = pupil_id(session, "Lea", "Holm")
    expect(page.locator("input[name=pupil_id]")).to_have_value(str(lea))

    # Another pupil's row suggests the register's names too, and fills in the name only.
    other = page.locator("#others-0-name")
    other.click()
    page.keyboard.type("leo")
    expect(page.get_by_role("option", name="Leo Lie, 5A")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(other).to_have_value("Leo Lie")
    page.locator("#others-0-role").select_option(index=1)

    fill_the_rest(page)
    case = send_and_read_case(page, session)
    expect(page.get_by_text("Lea Holm, 6B")).to_be_visible()
    assert case.pupil_id == lea
    # Every answer that showed pupils is in the audit trail, with their ids only.
    shown = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "pupils.searched")
    ).scalars()
    assert any(str(lea) in str(details) for details in shown)
    assert "Strand" not in page.content()
    assert console_errors == []


def test_typing_a_name_after_the_pick_unties_the_register_pupil(
    page: Page, live_server: str, session: Session, demo: dict[str, str], console_errors: list[str]
) -> None:
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    page.goto(live_server + "/meldinger/ny")
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(ACCOUNT)
    search = page.get_by_role("combobox", name="Søk i elevregisteret")
    search.click()
    page.keyboard.type("holm")
    page.get_by_role("option", name="Lea Holm, 6B").click()
    expect(page.locator("input[name=pupil_id]")).not_to_have_value("")
    name = page.get_by_label("Elevens navn", exact=True)
    name.fill("Tina Berg")
    expect(page.locator("input[name=pupil_id]")).to_have_value("")
    expect(page.get_by_text("Eleven er ikke lenger knyttet til elevregisteret.")).to_be_visible()
    page.get_by_label("Klasse", exact=True).fill("5A")
    fill_the_rest(page)
    case = send_and_read_case(page, session)
    assert (case.pupil_id, case.pupil_name) == (None, "Tina Berg")
    assert console_errors == []


def test_pick_a_pupil_from_the_register_without_javascript(
    page_without_script: Page, live_server: str, session: Session, demo: dict[str, str]
) -> None:
    page = page_without_script
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    page.goto(live_server + "/meldinger/ny")
    account = page.get_by_label("Hva så du, eller hva ble du fortalt?")
    account.fill(ACCOUNT)
    expect(page.locator("input[role=combobox]")).to_have_count(0)  # the script did not run

    page.get_by_label("Søk i elevregisteret").fill("lea")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("button", name="Velg Leo Lie, 5A")).to_have_count(0)
    expect(page.get_by_role("button", name="Velg Lea Strand, 6B")).to_have_count(0)
    page.get_by_role("button", name="Velg Lea Holm, 6B").click()
    expect(page.get_by_text("Fra elevregisteret:")).to_be_visible()
    expect(account).to_have_value(ACCOUNT)

    fill_the_rest(page)
    case = send_and_read_case(page, session)
    expect(page.get_by_text("Lea Holm, 6B")).to_be_visible()
    assert case.pupil_id == pupil_id(session, "Lea", "Holm")


def test_a_session_that_ran_out_while_searching_keeps_what_was_typed(
    page: Page, live_server: str, session: Session, demo: dict[str, str]
) -> None:
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    page.goto(live_server + "/meldinger/ny")
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(ACCOUNT)
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(hours=2)))
    session.commit()

    page.get_by_role("combobox", name="Søk i elevregisteret").fill("lea")
    # The search found the session idle too long: the login page says the text is kept.
    expect(page.get_by_text("Det du skrev er tatt vare på.")).to_be_visible()
    page.get_by_label("E-postadresse").fill(demo["ansatt"])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(r"/meldinger/ny$"))
    expect(page.get_by_label("Hva så du, eller hva ble du fortalt?")).to_have_value(ACCOUNT)
    assert session.execute(select(Case.id)).first() is None
