"""Issue 10, the small duty details: the day a case was marked serious is stored and sets
"Meld til skoleeier"; documents sent home name the school's contact person and
Statsforvalteren; a case about the leadership speaks of the school owner in its documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    archive_for,
    file,
    finish_step,
    receive_and_assign,
    sara_report,
)
from tests.factories.content import INVESTIGATION
from tests.factories.users import (
    HANDLER,
    RECTOR,
    REPORTER,
    demo_email,
    demo_user,
    oslo,
    school,
    user,
)
from trygg.accounts.permissions import can_set_statsforvalteren
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.accounts.school_settings import (
    CaseContact,
    Statsforvalteren,
    set_case_contact,
    set_statsforvalteren,
)
from trygg.cases.documents import archived_file
from trygg.cases.home_cover import cover_facts, cover_text
from trygg.cases.leadership import Receipt, receive, record_owner_report
from trygg.cases.overview import deadlines_of
from trygg.documents.guard import document_text
from trygg.errors import Refused
from trygg.models import AuditEvent, Case, CaseDocument

MONDAY = NOW  # 2026-09-14 12:40 UTC
WEDNESDAY = NOW + dt.timedelta(days=2)
FRIDAY = NOW + dt.timedelta(days=4)


def audit_actions(session: Session, action: str) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return int(session.execute(query).scalar_one())


def owner_deadline(session: Session, case: Case, today: dt.date) -> tuple[dt.date, str] | None:
    found = [d for d in deadlines_of(session, case, today) if d.code == "report_to_owner"]
    return (found[0].due, found[0].state) if found else None


def _receive(session: Session, case: Case, at: dt.datetime, *, serious: bool) -> None:
    rektor = user(session, RECTOR)
    receive(session, case, Receipt(rektor_informed_at=MONDAY, serious=serious), rektor, BY, at)
    session.commit()


# --- the day a case was marked serious --------------------------------------------------


def test_a_case_received_monday_and_marked_serious_wednesday_is_due_wednesday(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, now=MONDAY)
    _receive(session, case, MONDAY, serious=False)
    assert case.serious_since is None
    assert owner_deadline(session, case, MONDAY.date()) is None

    _receive(session, case, WEDNESDAY, serious=True)
    assert case.serious_since == WEDNESDAY.date()
    # Due the day it was marked, not the Monday it was received: not overdue on Wednesday.
    assert owner_deadline(session, case, WEDNESDAY.date()) == (WEDNESDAY.date(), "today")
    assert owner_deadline(session, case, FRIDAY.date()) == (WEDNESDAY.date(), "overdue")


def test_saving_the_receipt_again_keeps_the_day_it_was_marked(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, now=MONDAY)
    _receive(session, case, MONDAY, serious=True)
    _receive(session, case, FRIDAY, serious=True)
    assert case.serious_since == MONDAY.date()
    assert owner_deadline(session, case, FRIDAY.date()) == (MONDAY.date(), "overdue")


def test_unmarking_forgets_the_day_and_marking_again_starts_a_new_one(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, now=MONDAY)
    _receive(session, case, MONDAY, serious=True)
    _receive(session, case, WEDNESDAY, serious=False)
    assert (case.serious, case.serious_since) == (False, None)
    assert owner_deadline(session, case, WEDNESDAY.date()) is None
    _receive(session, case, FRIDAY, serious=True)
    assert case.serious_since == FRIDAY.date()


def test_the_day_is_the_oslo_school_day_not_the_utc_one(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """Marked at 00:30 in Oslo on Thursday, which is still Wednesday in UTC."""
    case, _ = file(session, tmp_path, REPORTER, now=MONDAY)
    late_wednesday_utc = dt.datetime(2026, 9, 16, 22, 30)
    _receive(session, case, late_wednesday_utc, serious=True)
    assert case.serious_since == dt.date(2026, 9, 17)


def test_reporting_to_the_owner_marks_it_serious_from_that_day_and_ends_the_deadline(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, now=MONDAY)
    rektor = user(session, RECTOR)
    record_owner_report(session, case, WEDNESDAY, "Oppvekstetaten", rektor, BY, WEDNESDAY)
    session.commit()
    assert (case.serious, case.serious_since) == (True, WEDNESDAY.date())
    assert owner_deadline(session, case, FRIDAY.date()) is None


def test_a_leadership_case_owes_no_report_to_the_owner_however_serious(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE), now=MONDAY)
    owner = demo_user(session, SKOLEEIER, None)
    receive(session, case, Receipt(rektor_informed_at=MONDAY, serious=True), owner, BY, WEDNESDAY)
    session.commit()
    assert case.serious_since == WEDNESDAY.date()
    assert owner_deadline(session, case, FRIDAY.date()) is None


# --- words follow the route in the documents --------------------------------------------

OWNER = demo_email(SKOLEEIER, None)
# What a document of a case about the leadership must never say (§ 12-5).
RECTOR_WORDS = (
    "Mottatt av rektor",
    "Melding til rektor",
    "rektor ble kjent",
    "Rektor ble kjent",
    "Rektor kjent med saken",
    "tatt opp med rektor 1",  # the date the case was raised, "… med rektor 14.09.2026"
)


def word_text(session: Session, tmp_path: Path, doc: CaseDocument) -> str:
    stored = archived_file(session, doc, "docx")
    assert stored is not None
    return document_text(archive_for(tmp_path).get(stored.sha256, "docx"))


def signers(text: str) -> str:
    return text.split("Underskrift", 1)[1]


def test_a_leadership_case_s_documents_speak_of_the_school_owner(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, report = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    text = word_text(session, tmp_path, report)
    assert "Melding til skoleeier om mistanke" in text
    assert "Mottatt av skoleeier" in signers(text)
    receive_and_assign(session, case, OWNER, HANDLER)
    # The suspected rektor is heard by the school owner's own investigator, not here.
    content = {**INVESTIGATION, "not_heard_reason": "Skoleeier snakker selv med den ansatte."}
    investigation = finish_step(session, tmp_path, case, "undersokelse", content)
    text = word_text(session, tmp_path, investigation)
    assert "Skoleeier kjent med saken" in text
    assert "skoleeier ble kjent med saken" in text
    assert "Saken ble tatt opp med skoleeier" in text
    assert "Skoleeier" in signers(text)
    for said in RECTOR_WORDS:
        assert said not in text, said
    assert "Rektor" not in signers(text)


def test_an_ordinary_case_s_documents_still_speak_of_the_rektor(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, report = file(session, tmp_path, REPORTER)
    text = word_text(session, tmp_path, report)
    assert "Melding til rektor om mistanke" in text
    assert "Mottatt av rektor" in signers(text)
    assert "skoleeier" not in signers(text).lower()
    receive_and_assign(session, case, RECTOR, HANDLER)
    investigation = finish_step(session, tmp_path, case, "undersokelse", INVESTIGATION)
    text = word_text(session, tmp_path, investigation)
    assert "Rektor kjent med saken" in text
    assert "Rektor" in signers(text) and "Skoleeier" not in signers(text)


# --- documents sent home: the school's contact person and Statsforvalteren -------------


def cover(session: Session, case: Case) -> str:
    facts = cover_facts(session, case, "Aktivitetsplan, versjon 1")
    return "\n".join(line for _, line in cover_text(facts))


def test_the_cover_names_the_rektor_by_default_and_the_demo_statsforvalteren(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    text = cover(session, case)
    assert "Kontaktperson ved skolen\nHilde Moe (rektor)\nE-post: " in text
    assert "opplæringslova § 12-6" in text
    assert "Statsforvalteren i Oslo og Viken" in text
    assert "Telefon: 22 00 35 00" in text
    assert "Nettside: statsforvalteren.no/oslo-viken" in text


def test_the_cover_names_the_contact_person_the_school_set(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    contact = CaseContact("Ingrid Berg", "sosiallærer", "22 11 33 44", "ingrid@skole.no")
    assert set_case_contact(session, school(session).id, contact, BY, NOW) is True
    assert set_case_contact(session, school(session).id, contact, BY, NOW) is False
    session.commit()
    text = cover(session, case)
    assert "Ingrid Berg (sosiallærer)\nTelefon: 22 11 33 44\nE-post: ingrid@skole.no" in text
    assert "Hilde Moe" not in text
    assert audit_actions(session, "school.case_contact_changed") == 1


def test_a_leadership_case_s_cover_points_to_the_school_owner_not_the_suspected_rektor(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    text = cover(session, case)
    assert "Kontakt hos skoleeier\nUtdanningsetaten" in text
    assert "Hilde Moe" not in text
    assert "tatt opp med rektor – i denne saken med skoleeier –" in text


def test_a_suspected_contact_person_is_never_the_one_named(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """§ 12-5 about an ordinary employee who is also the school's contact person."""
    contact = CaseContact("Per Olsen", "kontaktlærer")
    set_case_contact(session, school(session).id, contact, BY, NOW)
    suspect = {"staff_suspected": True, "suspected_name": "Per Olsen"}
    case, _ = file(session, tmp_path, REPORTER, sara_report(**suspect))
    text = cover(session, case)
    assert "Per Olsen" not in text and "Kontakt hos skoleeier" in text


def test_without_a_statsforvalteren_the_cover_still_says_where_to_find_it(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER)
    set_statsforvalteren(session, case.school.municipality_id, Statsforvalteren(""), BY, NOW)
    assert "statsforvalteren.no" in cover(session, case)


def test_contact_details_are_checked_at_their_field(session: Session, demo: dict[str, str]) -> None:
    school_id, municipality_id = school(session).id, oslo(session)
    refusals = [
        (CaseContact("Ingrid Berg", phone="ring meg"), "contact_phone"),
        (CaseContact("Ingrid Berg", email="ingrid.skole.no"), "contact_email"),
        (CaseContact("", role="sosiallærer"), "contact_name"),
        (CaseContact("x" * 201), "contact_name"),
    ]
    for contact, field in refusals:
        with pytest.raises(Refused) as refused:
            set_case_contact(session, school_id, contact, BY, NOW)
        assert refused.value.field == field
    for office, field in (
        (Statsforvalteren("", phone="22 00 35 00"), "statsforvalteren_name"),
        (Statsforvalteren("Statsforvalteren", web="stats forvalteren.no"), "statsforvalteren_web"),
    ):
        with pytest.raises(Refused) as refused:
            set_statsforvalteren(session, municipality_id, office, BY, NOW)
        assert refused.value.field == field


def test_only_a_municipality_admin_sets_the_statsforvalteren(
    session: Session, demo: dict[str, str]
) -> None:
    allowed = {
        key: can_set_statsforvalteren(Principal.of(user(session, email)))
        for key, email in demo.items()
    }
    assert [key for key, yes in allowed.items() if yes] == ["admin"]
