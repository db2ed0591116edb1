"""Issue 13 in a real Chromium: the leadership ties a case whose pupil was typed to the
school's register on "Knytt saken til elevregisteret", with JavaScript (the meldeskjema's
combobox, static/js/pupil_search.js, worked with the keyboard only) and without it (the
"Søk" button and the radio buttons); either way the case belongs to the register pupil."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pages import fresh
from tests.e2e.journey_steps import log_in
from tests.factories.cases import file, sara_report
from tests.factories.users import RECTOR, REPORTER, VESTRE_AKER, school
from tests.pupil_register import sara_with_guardians
from trygg.models import AuditEvent, Case, Pupil

pytestmark = pytest.mark.browser


def _register(session: Session, tmp_path: Path) -> tuple[Case, Pupil]:
    """A case typed as "Sara Nilsenn"; the register's Sara and Emil Nilsen at the school,
    and another Sara Nilsen at Vestre Aker (never offered)."""
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    sara = sara_with_guardians(session)
    for school_id, first, class_name in (
        (case.school_id, "Emil", "5A"),
        (school(session, VESTRE_AKER).id, "Sara", "7C"),
    ):
        session.add(
            Pupil(
                school_id=school_id,
                first_name=first,
                last_name="Nilsen",
                name_key=f"{first.casefold()} nilsen",
                class_name=class_name,
            )
        )
    session.commit()
    return case, sara


def _active_option(search: Locator) -> str:
    """The option the combobox points at (aria-activedescendant), as a reader hears it."""
    label: str = search.evaluate(
        "el => document.getElementById(el.getAttribute('aria-activedescendant')).textContent"
    )
    return label


def test_the_leadership_picks_the_register_pupil_with_the_keyboard(
    page: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case, sara = _register(session, tmp_path)
    log_in(page, live_server, RECTOR)
    page.goto(f"{live_server}/saker/{case.id}/elevregisteret")
    link = page.locator("form.search").get_by_role("button", name="Knytt til eleven")
    expect(page.locator("form.search button.register-picked")).to_be_hidden()  # no pick yet

    search = page.get_by_role("combobox", name="Søk etter navn eller klasse")
    search.focus()
    page.keyboard.type("nilsen")
    listbox = page.get_by_role("listbox", name="Elever som passer")
    expect(listbox.get_by_role("option")).to_have_text(["Emil Nilsen, 5A", "Sara Nilsen, 6B"])
    expect(page.get_by_role("status").filter(has_text="passer")).to_have_text(
        "2 elever passer. Bruk pil ned og opp for å velge."
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _active_option(search) == "Sara Nilsen, 6B"
    page.keyboard.press("Enter")  # picks; does not send the form

    expect(listbox).to_be_hidden()
    expect(page.get_by_text("Valgt fra elevregisteret: Sara Nilsen, 6B")).to_be_visible()
    expect(search).to_have_value("Sara Nilsen")
    expect(page.locator("form.search input[name=pupil_id]")).to_have_value(str(sara.id))
    assert fresh(session, case.id).pupil_id is None  # a pick alone links nothing
    # The button beside the search is next after "Søk", and sends the pick.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Søk", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/saker/{case.id}$"))
    expect(page.get_by_text("Saken er knyttet til Sara Nilsen i elevregisteret.")).to_be_visible()
    assert fresh(session, case.id).pupil_id == sara.id
    # The answers that showed pupils are audited, with the ids of this school's only.
    shown = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "pupils.searched")
    ).scalars()
    assert any(str(sara.id) in str(details) for details in shown)
    assert console_errors == []


def test_without_javascript_the_page_searches_and_chooses_as_before(
    page_without_script: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
) -> None:
    page = page_without_script
    case, sara = _register(session, tmp_path)
    log_in(page, live_server, RECTOR)
    page.goto(f"{live_server}/saker/{case.id}/elevregisteret")
    expect(page.locator("input[role=combobox]")).to_have_count(0)  # the script did not run
    # The search form's own "Knytt til eleven" is for the script's pick: not shown.
    expect(page.locator("form.search button.register-picked")).to_be_hidden()

    page.get_by_label("Søk etter navn eller klasse").fill("nilsen")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_label("Sara Nilsen, 7C")).to_have_count(0)
    # The search without the script is audited too: it showed pupils' names.
    searched = select(AuditEvent.id).where(AuditEvent.action == "pupils.searched")
    assert len(session.execute(searched).all()) == 1
    page.get_by_label("Sara Nilsen, 6B").check()
    page.get_by_role("button", name="Knytt til eleven").click()

    expect(page).to_have_url(re.compile(rf"/saker/{case.id}$"))
    assert fresh(session, case.id).pupil_id == sara.id
