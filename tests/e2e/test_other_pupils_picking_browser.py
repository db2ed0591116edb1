"""Issue 13 in a real Chromium: the other pupils of a meldeskjema picked from the school's
register, per row. Without JavaScript the row's own buttons search and pick (two pupils
with the same name told apart by class); with it, choosing a suggestion fills the row's
hidden pupil_id, in a row the page had and in one the script added. Either way the case's
person is the picked register pupil, and that pupil's guardians come in labelled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER
from trygg.models import Case, CaseActor, Pupil
from trygg.pupils.import_csv import parse_register_csv
from trygg.pupils.register import apply_import

pytestmark = pytest.mark.browser

REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;;ja;\n"
    "Lea;Holm;02.05.2016;5A;Ola Holm;ola@example.no;;ja;\n"
    "Leo;Lie;01.02.2015;5A;Anne Lie;anne@example.no;;ja;\n"
    "Nora;Dahl;03.03.2015;6B;Siv Dahl;siv@example.no;;ja;\n"
)
ACCOUNT = "Eleven sa at de andre ikke lar henne være med."


def seed_register(session: Session) -> None:
    apply_import(session, school(session).id, parse_register_csv(REGISTER).pupils, BY, NOW, "csv")
    session.commit()


def pupil_id(session: Session, first: str, klass: str) -> int:
    return session.execute(
        select(Pupil.id).where(Pupil.first_name == first, Pupil.class_name == klass)
    ).scalar_one()


def start_report(page: Page, live_server: str) -> None:
    page.goto(live_server + "/meldinger/ny")
    page.get_by_label("Elevens navn", exact=True).fill("Tina Berg")
    page.get_by_label("Klasse", exact=True).fill("6A")
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(ACCOUNT)


def send_and_read_people(page: Page, session: Session) -> dict[str, CaseActor]:
    page.get_by_label("Friminutt", exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Utestenging", exact=True).check()
    page.get_by_role("button", name="Send melding til rektor").last.click()
    expect(page).to_have_url(re.compile(r"/meldinger/\d+$"))
    session.expire_all()
    (case,) = session.execute(select(Case)).scalars()
    return {actor.name: actor for actor in case.actors}


def test_another_pupil_searched_and_picked_without_javascript(
    page_without_script: Page, live_server: str, session: Session, demo: dict[str, str]
) -> None:
    page = page_without_script
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    start_report(page, live_server)
    expect(page.locator("input[role=combobox]")).to_have_count(0)  # the script did not run

    page.locator("#others-0-name").fill("Lea Holm")
    page.locator("#others-0-role").select_option("medelev")
    page.get_by_role("button", name="Søk i elevregisteret – Annen elev 1").click()
    # Two pupils called Lea Holm: the class tells them apart.
    expect(page.get_by_role("button", name="Velg Lea Holm, 6B")).to_be_visible()
    page.get_by_role("button", name="Velg Lea Holm, 5A").click()
    expect(page.get_by_text("Fra elevregisteret: Lea Holm, 5A")).to_be_visible()
    expect(page.locator("#others-0-role")).to_have_value("medelev")
    expect(page.get_by_label("Hva så du, eller hva ble du fortalt?")).to_have_value(ACCOUNT)

    # A second row: nobody in the register, so the name stays as typed.
    page.locator("#others-1-name").fill("Mons Ukjent")
    page.locator("#others-1-role").select_option("vitne")
    page.get_by_role("button", name="Søk i elevregisteret – Annen elev 2").click()
    expect(page.get_by_text("Ingen elever i registeret passer.")).to_be_visible()
    expect(page.locator("#others-1-name")).to_have_value("Mons Ukjent")

    people = send_and_read_people(page, session)
    lea = people["Lea Holm"]
    assert (lea.pupil_id, lea.label) == (pupil_id(session, "Lea", "5A"), "Elev A")
    assert people["Mons Ukjent"].pupil_id is None
    father = people["Ola Holm"]
    assert (father.label, father.guardian_of) == ("Foresatt til Elev A", lea.key)
    assert "Kari Holm" not in people


def test_choosing_a_suggestion_fills_the_rows_pupil_id(
    page: Page, live_server: str, session: Session, demo: dict[str, str], console_errors: list[str]
) -> None:
    seed_register(session)
    log_in(page, live_server, demo["ansatt"])
    start_report(page, live_server)
    nora = pupil_id(session, "Nora", "6B")
    leo = pupil_id(session, "Leo", "5A")

    name = page.locator("#others-0-name")
    name.click()
    page.keyboard.type("nora")
    page.get_by_role("option", name="Nora Dahl, 6B").click()
    expect(name).to_have_value("Nora Dahl")
    expect(page.locator("input[name=others-0-pupil_id]")).to_have_value(str(nora))
    # A name typed after the choice is another pupil than the register's.
    name.press("End")
    page.keyboard.type("l")
    expect(page.locator("input[name=others-0-pupil_id]")).to_have_value("")
    name.fill("")
    page.keyboard.type("nora")
    page.get_by_role("option", name="Nora Dahl, 6B").click()
    expect(page.locator("input[name=others-0-pupil_id]")).to_have_value(str(nora))
    page.locator("#others-0-role").select_option("utøvende")

    # A row the script adds from the page's <template> works the same way.
    page.get_by_role("button", name="Legg til flere rader").click()
    added = page.locator("[data-rows-list] [data-row]").last.locator("input[name$='-name']")
    expect(added).to_be_focused()
    page.keyboard.type("leo")
    page.get_by_role("option", name="Leo Lie, 5A").click()
    index = added.get_attribute("name").split("-")[1]  # type: ignore[union-attr]
    expect(page.locator(f"input[name=others-{index}-pupil_id]")).to_have_value(str(leo))
    page.locator(f"#others-{index}-role").select_option("vitne")

    people = send_and_read_people(page, session)
    assert people["Nora Dahl"].pupil_id == nora
    assert people["Leo Lie"].pupil_id == leo
    guardians = {people[n].guardian_of: people[n].label for n in ("Siv Dahl", "Anne Lie")}
    assert guardians == {
        people["Nora Dahl"].key: f"Foresatt til {people['Nora Dahl'].label}",
        people["Leo Lie"].key: f"Foresatt til {people['Leo Lie'].label}",
    }
    assert console_errors == []
