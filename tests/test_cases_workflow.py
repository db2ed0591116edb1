"""The case workflow through the domain: report → investigation → plan → evaluation,
stable labels, immutability, optimistic locking, and the leak gate before archiving."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import content
from tests.factories.cases import (
    BY,
    NOW,
    archive_for,
    case_at,
    close_directly,
    file,
    sara_report,
)
from tests.factories.users import HANDLER, user
from trygg.cases.actors import PersonInput, add_person
from trygg.cases.closing import confirm_closing, pending_proposal
from trygg.cases.documents import (
    DocumentProblems,
    EditConflict,
    archived_file,
    render_case_document,
    save_draft,
)
from trygg.cases.workflow import finalise_step, start_document, start_evaluation
from trygg.errors import DomainError
from trygg.models import ArchivedFile, Case, CaseDocument, DocumentTemplate, Notification
from trygg.models.cases import CLOSED

# Sara's plan with one measure, evaluated in October.
MEASURE = {**content.MEASURE, "evaluate_on": "2026-10-20"}
PLAN = {**content.PLAN, "measures": [MEASURE]}


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def save(session: Session, case: Case, doc: CaseDocument, changes: dict[str, object]) -> None:
    handler = user(session, HANDLER)
    save_draft(session, case, doc, {**doc.data, **changes}, doc.revision, handler, NOW)
    session.commit()


def finish(session: Session, tmp_path: Path, case: Case, doc: CaseDocument) -> CaseDocument | None:
    handler = user(session, HANDLER)
    result = finalise_step(session, archive_for(tmp_path), case, doc, handler, BY, NOW)
    session.commit()
    return result


def test_report_opens_case_labels_others_and_archives_the_receipt(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, doc = file(session, tmp_path, demo["ansatt"])
    assert case.reference == f"2026/{case.id:04d}"
    labels = {a.name: a.label for a in case.actors}
    assert labels == {"Mona Ruud": "", "Jonas Berg": "Elev A", "Emma Hansen": "Elev B"}
    assert case.unsafe_since == NOW.date()  # the pupil said so: the plan clock runs
    stored = archived_file(session, doc, "docx")
    assert stored is not None
    content = archive_for(tmp_path).get(stored.sha256, "docx")
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    text = text_of(content)
    assert "Elev A" in text and "Elev B" in text
    assert "Jonas" not in text and "Jonte" not in text and "Emma" not in text
    assert "Sara Nilsen" in text and "Mona Ruud" in text
    rektor = user(session, demo["ledelse"])
    alerts = session.execute(select(Notification).where(Notification.user_id == rektor.id))
    assert [n.code for n in alerts.scalars()] == ["new_report"]


def test_second_report_for_the_same_pupil_joins_the_open_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    first, _ = file(session, tmp_path, demo["ansatt"])
    second, doc = file(
        session,
        tmp_path,
        demo["kontaktlaerer"],
        sara_report(pupil_name="sara  nilsen", others=(PersonInput("Jonas Berg", "pupil"),)),
    )
    assert second.id == first.id
    assert doc.number == 2
    assert session.execute(select(func.count(Case.id))).scalar_one() == 1
    # The same person keeps the same label.
    assert [a.label for a in second.actors if a.name == "Jonas Berg"] == ["Elev A"]


def test_labels_stay_stable_when_people_are_added_later(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=PLAN)
    # A new pupil whose name sorts first must not take "Elev A" from Jonas.
    add_person(session, case, PersonInput("Aksel Aas", "pupil", role="vitne"))
    session.commit()
    labels = {a.name: a.label for a in case.actors if a.kind == "pupil"}
    assert labels == {"Jonas Berg": "Elev A", "Emma Hansen": "Elev B", "Aksel Aas": "Elev C"}
    plan = session.execute(
        select(CaseDocument).where(CaseDocument.kind == "aktivitetsplan")
    ).scalar_one()
    text = text_of(render_case_document(session, case, plan).docx)
    assert "Elev A" in text and "Jonas" not in text


def test_staff_suspected_routes_and_leadership_suspected_goes_to_owner(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(staff_suspected=True, leadership_suspected=True, suspected_name="Hilde Moe"),
    )
    suspect = [a for a in case.actors if a.suspected]
    assert [(a.name, a.label) for a in suspect] == [("Hilde Moe", "Ansatt A")]
    codes = {(n.user_id, n.code) for n in session.execute(select(Notification)).scalars()}
    owner = user(session, demo["skoleeier"]).id
    assert codes == {(owner, "section_12_5")}


def test_a_final_document_never_changes(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=PLAN)
    plan = session.execute(
        select(CaseDocument).where(CaseDocument.kind == "aktivitetsplan")
    ).scalar_one()
    before = dict(plan.data)
    with pytest.raises(DomainError, match="ferdigstilt"):
        save(session, case, plan, {"problem": "Endret"})
    session.rollback()
    assert plan.data == before
    # A change is a new version, pre-filled, and says what changed.
    handler = user(session, demo["kontaktlaerer"])
    version_2 = start_document(session, case, "aktivitetsplan", handler, NOW)
    assert version_2.number == 2
    changed = {**MEASURE, "by": "Hilde Moe"}
    save(session, case, version_2, {"measures": [changed, MEASURE]})
    finish(session, tmp_path, case, version_2)
    assert version_2.change_summary == ["Tiltak 1: ny ansvarlig", "Tiltak 2: nytt tiltak"]
    assert session.execute(select(func.count(ArchivedFile.id))).scalar_one() == 4


def test_a_stale_save_is_a_conflict_with_both_texts(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    handler = user(session, demo["ledelse"])
    draft = start_document(session, case, "undersokelse", handler, NOW)
    session.commit()
    opened_at = draft.revision
    save_draft(
        session, case, draft, {**draft.data, "analysis": "Første tekst"}, opened_at, handler, NOW
    )
    session.commit()
    with pytest.raises(EditConflict) as conflict:
        save_draft(
            session, case, draft, {**draft.data, "analysis": "Andre tekst"}, opened_at, handler, NOW
        )
    assert conflict.value.theirs["analysis"] == "Første tekst"
    assert conflict.value.mine["analysis"] == "Andre tekst"
    session.rollback()
    assert draft.data["analysis"] == "Første tekst"


def test_plan_cannot_be_finalised_without_the_five_elements(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    handler = user(session, demo["kontaktlaerer"])
    plan = start_document(session, case, "aktivitetsplan", handler, NOW)
    without_date = {k: v for k, v in MEASURE.items() if k != "evaluate_on"}
    save(session, case, plan, {**PLAN, "measures": [without_date], "pupil_voice": ""})
    with pytest.raises(DocumentProblems) as problems:
        finish(session, tmp_path, case, plan)
    text = "\n".join(problems.value.problems)
    assert "Tiltak 1" in text and "evaluer" in text.lower()
    assert "Elevens stemme" in text
    session.rollback()
    with pytest.raises(DomainError, match="alle ansatte"):
        save(session, case, plan, {**PLAN, "measures": [{**MEASURE, "by": "alle ansatte"}]})


def test_evaluation_starts_the_next_version_or_closes_the_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned", plan=PLAN)
    handler = user(session, demo["kontaktlaerer"])
    evaluation = start_evaluation(session, case, handler, NOW)
    assert evaluation.data["planned_date"] == "2026-10-20"
    row = {
        **evaluation.data["measures"][0],
        "carried_out": True,
        "effect_pupil": "Bedre.",
        "decision": "justere",
    }
    save(
        session,
        case,
        evaluation,
        {
            "date": "2026-10-20",
            "participants": ["Sara", "Per Olsen"],
            "measures": [row],
            "pupil_safe_now": False,
            "overall": "Bedre, men ikke trygt ennå.",
            "next": {"action": "ny_versjon", "evaluate_on": "2026-11-17"},
        },
    )
    new_plan = finish(session, tmp_path, case, evaluation)
    assert new_plan is not None and new_plan.number == 2
    assert [m["evaluate_on"] for m in new_plan.data["measures"]] == ["2026-11-17"]
    # «Justere»: the measure changes in the new version (trygg.cases.plan_rules).
    adjusted = {**new_plan.data["measures"][0], "frequency": "hver skoledag, også i storefri"}
    save(session, case, new_plan, {"measures": [adjusted]})
    finish(session, tmp_path, case, new_plan)
    second = start_evaluation(session, case, handler, NOW)
    row = {
        **second.data["measures"][0],
        "carried_out": True,
        "effect_pupil": "Trygg nå.",
        "decision": "avslutte",
    }
    save(
        session,
        case,
        second,
        {
            "date": "2026-11-17",
            "participants": ["Sara"],
            "measures": [row],
            "pupil_safe_now": True,
            "overall": "Sara er trygg.",
            "next": {"action": "avslutte", "follow_up_on": "2026-12-15"},
        },
    )
    finish(session, tmp_path, case, second)
    # "Avslutte" proposes closing to the leadership; it never closes (trygg.cases.closing).
    proposal = pending_proposal(session, case)
    assert case.status != CLOSED and proposal is not None
    assert proposal.follow_up_on == dt.date(2026, 12, 15)
    confirm_closing(
        session, archive_for(tmp_path), case, proposal, user(session, demo["ledelse"]), BY, NOW
    )
    assert case.status == CLOSED and case.follow_up_on == dt.date(2026, 12, 15)


def test_a_name_in_a_municipal_template_blocks_archiving(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    default = Path("doc_templates/meldeskjema.docx").read_bytes()
    template = docx.Document(io.BytesIO(default))
    # A school typed a pupil's name into its own header: the scan must catch it.
    template.sections[0].header.add_paragraph("Kontakt: Jonas Berg")
    out = io.BytesIO()
    template.save(out)
    school = user(session, demo["ansatt"]).school
    assert school is not None
    session.add(
        DocumentTemplate(
            municipality_id=school.municipality_id,
            school_id=school.id,
            kind="meldeskjema",
            version=1,
            filename="m.docx",
            content=out.getvalue(),
            sha256="x" * 64,
            active=True,
        )
    )
    session.commit()
    with pytest.raises(DocumentProblems) as problems:
        file(session, tmp_path, demo["ansatt"])
    assert "Jonas Berg" in problems.value.problems[0]
    assert "Topptekst" in problems.value.problems[0]
    session.rollback()
    assert session.execute(select(func.count(Case.id))).scalar_one() == 0
    assert session.execute(select(func.count(ArchivedFile.id))).scalar_one() == 0


def test_a_closed_case_cannot_be_reopened_beside_a_newer_open_one(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    from trygg.cases.leadership import reopen_case

    first, _ = file(session, tmp_path, demo["ansatt"])
    rektor = user(session, demo["ledelse"])
    close_directly(session, tmp_path, first, rektor)
    second, _ = file(session, tmp_path, demo["ansatt"])
    assert second.id != first.id
    with pytest.raises(DomainError, match=second.reference):
        reopen_case(session, first, rektor, BY, NOW)


def test_two_staff_with_the_same_name_must_be_picked_from_the_list(
    session: Session, demo: dict[str, str], tmp_path: Path, app: object
) -> None:
    from trygg.cases.actors import find_staff
    from trygg.models import User

    per = user(session, demo["kontaktlaerer"])
    session.add(
        User(
            email="per.olsen2@demo.trygg.no",
            name="Per Olsen",
            role_code="ansatt",
            municipality_id=per.municipality_id,
            school_id=per.school_id,
        )
    )
    session.commit()
    assert per.school_id is not None
    with pytest.raises(DomainError, match="Flere ansatte"):
        find_staff(session, per.school_id, "per olsen", "by")
    assert find_staff(session, per.school_id, f"u{per.id}", "by").id == per.id
