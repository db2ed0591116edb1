"""Issue 13 in a real Chromium: "Legg til en person" on a case picks the pupil from the
school's register. Without JavaScript the case page's form searches on the "Legg til en
person" page, where the class tells two pupils of the same name apart; with it, choosing
a suggestion fills the form's hidden pupil_id. Either way the case's new person is the
picked register pupil, and that pupil's guardians come in labelled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import fresh
from tests.e2e.journey_steps import log_in
from tests.factories.cases import BY, NOW, file
from tests.factories.users import RECTOR, REPORTER, school
from tests.pupil_files import HEADER
from trygg.models import Case, CaseActor, Pupil
from trygg.pupils.import_csv import parse_register_csv
from trygg.pupils.register import apply_import

pytestmark = pytest.mark.browser

REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;;ja;\n"
    "Lea;Holm;02.05.2016;5A;Ola Holm;ola@example.no;;ja;\n"
    "Nora;Dahl;03.03.2015;6B;Siv Dahl;siv@example.no;;ja;\n"
)


def sara_case(session: Session, tmp_path: Path) -> Case:
    """Sara's case (Jonas Berg is Elev A, Emma Hansen Elev B) and the school's register."""
    apply_import(session, school(session).id, parse_register_csv(REGISTER).pupils, BY, NOW, "csv")
    session.commit()
    return file(session, tmp_path, REPORTER)[0]


def pupil_id(session: Session, first: str, klass: str) -> int:
    return session.execute(
        select(Pupil.id).where(Pupil.first_name == first, Pupil.class_name == klass)
    ).scalar_one()


def people(session: Session, case: Case) -> dict[str, CaseActor]:
    return {actor.name: actor for actor in fresh(session, case.id).actors}


def test_a_pupil_searched_and_picked_from_the_case_page_without_javascript(
    page_without_script: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
) -> None:
    page = page_without_script
    case = sara_case(session, tmp_path)
    log_in(page, live_server, RECTOR)
    page.goto(f"{live_server}/saker/{case.id}")

    page.locator("#person-name").fill("Lea Holm")
    page.locator("#person-role").select_option("vitne")
    page.locator("#person-nicknames").fill("LH")
    page.get_by_role("button", name="Søk i elevregisteret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legg til en person")
    # Two pupils called Lea Holm: the class tells them apart; what was typed is kept.
    expect(page.get_by_role("button", name="Velg Lea Holm, 6B")).to_be_visible()
    expect(page.locator("#person-nicknames")).to_have_value("LH")
    page.get_by_role("button", name="Velg Lea Holm, 5A").click()
    expect(page.get_by_text("Fra elevregisteret: Lea Holm, 5A")).to_be_visible()
    expect(page.locator("#person-role")).to_have_value("vitne")
    page.get_by_role("button", name="Legg til", exact=True).last.click()

    expect(page).to_have_url(re.compile(rf"/saker/{case.id}#personer$"))
    expect(page.get_by_text("Lea Holm er lagt til i saken og heter Elev C")).to_be_visible()
    found = people(session, case)
    lea = found["Lea Holm"]
    assert (lea.pupil_id, lea.label, lea.role) == (
        pupil_id(session, "Lea", "5A"),
        "Elev C",
        "vitne",
    )
    father = found["Ola Holm"]
    assert (father.label, father.guardian_of) == ("Foresatt til Elev C", lea.key)
    assert "Kari Holm" not in found


def test_choosing_a_suggestion_fills_the_pupil_id(
    page: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case = sara_case(session, tmp_path)
    nora = pupil_id(session, "Nora", "6B")
    log_in(page, live_server, RECTOR)
    page.goto(f"{live_server}/saker/{case.id}/personer/ny")

    name = page.get_by_role("combobox", name="Navn")
    name.click()
    page.keyboard.type("nora")
    page.get_by_role("option", name="Nora Dahl, 6B").click()
    expect(name).to_have_value("Nora Dahl")
    expect(page.locator("input[name=pupil_id]")).to_have_value(str(nora))
    page.locator("#role").select_option("medelev")
    page.get_by_role("button", name="Legg til", exact=True).last.click()

    expect(page).to_have_url(re.compile(rf"/saker/{case.id}#personer$"))
    found = people(session, case)
    assert (found["Nora Dahl"].pupil_id, found["Nora Dahl"].label) == (nora, "Elev C")
    assert found["Siv Dahl"].label == "Foresatt til Elev C"
    assert console_errors == []
