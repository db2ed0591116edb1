"""Issue 10, measure owners: any employee of the school may own a measure (the AKS worker
as much as the contact teacher); someone outside the staff (helsesykepleier, PPT) is named
with their role, as staff are named in documents; the suspect of a § 12-5 case, and every
leader when the leadership is suspected, is never offered and is refused.

Domain, without HTTP (the pages: tests/test_views_my_measures.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    archive_for,
    case_at,
    file,
    sara_report,
)
from tests.factories.content import MEASURE
from tests.factories.principals import ADMIN, OWNER, SCHOOL_ADMIN, person
from tests.factories.principals import HANDLER as HANDLER_P
from tests.factories.principals import RECTOR as RECTOR_P
from tests.factories.principals import REPORTER as REPORTER_P
from tests.factories.users import HANDLER, REPORTER, user
from tests.measure_pages import EVA, HILDE, MONA, PER, second_leader
from trygg.accounts.permissions import can_see_own_measures
from trygg.cases.documents import render_case_document, save_draft
from trygg.cases.leadership import assign_handler
from trygg.cases.measure_owners import EXTERNAL, barred_user_ids, is_external
from trygg.cases.workflow import finalise_step, start_document
from trygg.documents.guard import document_text
from trygg.errors import Refused
from trygg.models import Case, CaseActor, CaseDocument


def plan_draft(session: Session, case: Case) -> CaseDocument:
    doc = start_document(session, case, "aktivitetsplan", user(session, HANDLER), NOW)
    session.commit()
    return doc


def save_measures(
    session: Session, case: Case, doc: CaseDocument, *rows: dict[str, Any], **more: Any
) -> CaseDocument:
    section = {
        **doc.data,
        "problem": "Sara holdes utenfor i storefri.",
        "pupil_voice": "Sara vil ha en voksen ute.",
        "best_interest": "Saras trygghet veier tyngst.",
        "measures": [{**MEASURE, **row} for row in rows],
        **more,
    }
    return save_draft(session, case, doc, section, doc.revision, user(session, HANDLER), NOW)


def actor(case: Case, key: str) -> CaseActor:
    return next(a for a in case.actors if a.key == key)


def refusal(session: Session, case: Case, doc: CaseDocument, **row: Any) -> Refused:
    with pytest.raises(Refused) as refused:
        save_measures(session, case, doc, row)
    session.rollback()
    return refused.value


def test_an_aks_worker_owns_a_measure_and_is_named_in_the_plan(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    doc = save_measures(session, case, plan_draft(session, case), {"by": "Mona Ruud"})
    mona = actor(case, doc.data["measures"][0]["by"])
    assert (mona.user_id, mona.title) == (user(session, MONA).id, "miljøarbeider AKS")
    finalise_step(session, archive_for(tmp_path), case, doc, user(session, HANDLER), BY, NOW)
    text = document_text(render_case_document(session, case, doc).docx)
    assert "Mona Ruud (miljøarbeider AKS)" in text


def test_someone_outside_the_staff_is_named_with_their_role(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    doc = plan_draft(session, case)
    doc = save_measures(
        session,
        case,
        doc,
        {"by": "Kari Nordmann", "by_role": "helsesykepleier"},
        {"by": "Per Olsen", "description": "Klassemøte"},
    )
    key = doc.data["measures"][0]["by"]
    kari = actor(case, key)
    assert is_external(kari) and kari.role == EXTERNAL
    assert (kari.kind, kari.title, kari.user_id, kari.label) == (
        "staff",
        "helsesykepleier",
        None,
        "",
    )
    assert "by_role" not in doc.data["measures"][0]  # the role lives with the person
    # Saved again with the name from the list: the same person, not a second one.
    doc = save_measures(session, case, doc, {"by": key}, {"by": "Per Olsen"})
    assert doc.data["measures"][0]["by"] == key
    assert sum(a.name == "Kari Nordmann" for a in case.actors) == 1
    finalise_step(session, archive_for(tmp_path), case, doc, user(session, HANDLER), BY, NOW)
    text = document_text(render_case_document(session, case, doc).docx)
    # An adult professional acting in their role is named, like staff, never labelled.
    assert "Kari Nordmann (helsesykepleier)" in text


def test_an_external_owner_must_be_someone_outside_the_staff_with_a_name(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    doc = plan_draft(session, case)

    employee = refusal(session, case, doc, by="Mona Ruud", by_role="helsesykepleier")
    assert employee.field == "measures-0-by_role"
    assert "er ansatt ved skolen" in str(employee)

    nameless = refusal(session, case, doc, by="", by_role="PPT")
    assert nameless.field == "measures-0-by"
    everyone = refusal(session, case, doc, by="alle ansatte", by_role="PPT")
    assert everyone.field == "measures-0-by"


def test_an_unknown_name_without_a_role_is_refused_with_the_way_to_name_an_outsider(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    refused = refusal(session, case, plan_draft(session, case), by="Kari Nordmann")
    assert refused.field == "measures-0-by"
    assert "skriv rollen" in refused.message


def test_an_external_owner_is_never_the_responsible_leader(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    doc = plan_draft(session, case)
    doc = save_measures(session, case, doc, {"by": "Kari Nordmann", "by_role": "PPT"})
    key = doc.data["measures"][0]["by"]
    with pytest.raises(Refused) as refused:
        save_measures(session, case, doc, {"by": key}, responsible=key)
    assert refused.value.field == "responsible"


def test_the_suspect_and_the_leadership_of_a_hidden_case_are_barred(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    lars = second_leader(app, session)
    hidden, _ = file(session, tmp_path, MONA, sara_report(**LEADERSHIP_CASE))
    per, hilde, eva = user(session, PER), user(session, HILDE), user(session, EVA)
    assert barred_user_ids(session, hidden) == {hilde.id, lars.id}
    assign_handler(session, hidden, f"u{per.id}", eva, BY, NOW)
    doc = start_document(session, hidden, "aktivitetsplan", per, NOW)
    session.commit()
    for name in ("Hilde Moe", "Lars Vik"):
        # Named as an outsider with a role is no way around § 12-5 either.
        for row in ({"by": name}, {"by": name, "by_role": "PPT"}):
            with pytest.raises(Refused):
                save_draft(
                    session,
                    hidden,
                    doc,
                    {**doc.data, "measures": [{**MEASURE, **row}]},
                    doc.revision,
                    per,
                    NOW,
                )
            session.rollback()

    staff_case, _ = file(
        session,
        tmp_path,
        REPORTER,
        sara_report(
            pupil_name="Ola Dahl", staff_suspected=True, suspected_name="Per Olsen", others=()
        ),
    )
    assert barred_user_ids(session, staff_case) == {per.id}


def test_every_employee_of_a_school_sees_their_own_measures_and_no_one_else() -> None:
    for staff in (REPORTER_P, HANDLER_P, RECTOR_P):
        assert can_see_own_measures(staff)
    for other in (SCHOOL_ADMIN, ADMIN, OWNER, person(11, "ansatt", school_id=None)):
        assert not can_see_own_measures(other)
