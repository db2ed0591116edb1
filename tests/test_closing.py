"""Closing a case as a documented decision (issue 10): a handler proposes and the
leadership is alerted; the leadership confirms (the decision is archived as «Avslutning av
saken») or declines; no closing without an investigation or a stated reason; an evaluation
that concludes «Avslutte» only proposes; the follow-up date is a deadline with reminders,
and the answer at the follow-up is recorded (still safe, or opened again for a new plan)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from sqlalchemy import select, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from tests.factories import principals as p
from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    UNFOUNDED,
    archive_for,
    case_at,
    file,
    sara_report,
)
from tests.factories.users import HANDLER, RECTOR, demo_email, user
from trygg.accounts.permissions import (
    CaseAccess,
    can_decide_closing,
    can_follow_up_closing,
    can_propose_closing,
)
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.deadlines import FOLLOW_UP, PLAN
from trygg.cases import reminders
from trygg.cases.closing import (
    ClosingGrounds,
    FollowUpAnswer,
    close_case,
    confirm_closing,
    decline_closing,
    pending_proposal,
    propose_closing,
    record_follow_up,
)
from trygg.cases.documents import archived_file, documents_of
from trygg.cases.events import chronology
from trygg.cases.overview import deadlines_of
from trygg.documents import InvalidInput, render_document, validate_input
from trygg.documents.contract import required_names, variable_names
from trygg.documents.guard import document_text
from trygg.documents.hostile import hostile_input
from trygg.documents.render import JINJA_ENV, template_path
from trygg.documents.service import build_context
from trygg.errors import Refused
from trygg.models import AuditEvent, Case, CaseDocument, Notification
from trygg.models.cases import CLOSED, OPEN
from trygg.models.closing import CONFIRMED, DECLINED, REOPENED, STILL_SAFE
from trygg.models.documents import FINAL

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FOLLOW_UP_DAY = dt.date(2026, 10, 12)
GROUNDS = ClosingGrounds(
    reason="Tiltakene virket, og Jonte holder ikke lenger Sara utenfor.",
    pupil_experience="Sara sier at hun er med i leken og ikke gruer seg lenger.",
    heard_how="Samtale med Sara 14. september.",
    follow_up_on=FOLLOW_UP_DAY,
    pupil_safe=True,
)


def word_text(session: Session, tmp_path: Path, doc: CaseDocument) -> str:
    stored = archived_file(session, doc, "docx")
    assert stored is not None
    content = archive_for(tmp_path).get(stored.sha256, "docx")
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def alerted(session: Session, code: str) -> set[int]:
    query = select(Notification.user_id).where(Notification.code == code)
    return set(session.execute(query).scalars())


def audit_actions(session: Session) -> list[str]:
    return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_a_handler_proposes_and_the_leadership_is_alerted(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    handler, rektor = user(session, HANDLER), user(session, RECTOR)
    decision = propose_closing(session, case, GROUNDS, handler, BY, NOW)
    session.commit()

    assert case.status == OPEN and pending_proposal(session, case) is decision
    assert rektor.id in alerted(session, "closing_proposed")
    assert handler.id not in alerted(session, "closing_proposed")
    assert "case.closing_proposed" in audit_actions(session)
    assert "closing_proposed" in [e.code for e in chronology(session, case)]


def test_the_rektor_confirms_and_the_decision_is_archived(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    handler, rektor = user(session, HANDLER), user(session, RECTOR)
    decision = propose_closing(session, case, GROUNDS, handler, BY, NOW)
    later = NOW + dt.timedelta(hours=2)
    doc = confirm_closing(session, archive_for(tmp_path), case, decision, rektor, BY, later)
    session.commit()

    assert case.status == CLOSED and case.follow_up_on == FOLLOW_UP_DAY
    assert decision.status == CONFIRMED and decision.decided_by == rektor.id
    assert decision.document_id == doc.id and doc.kind == "avslutning" and doc.status == FINAL
    text = word_text(session, tmp_path, doc)
    for expected in (
        "Avslutning av saken",
        "Skoleledelsen: Hilde Moe (rektor)",
        "Foreslått av\nPer Olsen (kontaktlærer 6B), 14.09.2026 kl. 14.40",
        "14.09.2026 kl. 16.40",  # decided: Oslo time of `later`
        GROUNDS.pupil_experience,
        "Samtale med Sara 14. september.",
        "12.10.2026",
        "undersøkelsen ble ferdigstilt 14.09.2026",
    ):
        assert expected in text, expected
    # The other pupil is labelled, here as in every document of the case.
    assert "Jonte" not in text and "Elev A holder ikke lenger Sara utenfor" in text
    assert {"case.closed", "document.finalised"} <= set(audit_actions(session))
    assert [e.code for e in chronology(session, case)][-2:] == ["document_finalised", "case_closed"]

    # Archived and frozen like every final document.
    with pytest.raises(DatabaseError):
        session.execute(
            update(CaseDocument).where(CaseDocument.id == doc.id).values(data={"reason": "x"})
        )
    session.rollback()


def test_no_closing_without_an_investigation_unless_the_decision_says_why(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    rektor = user(session, RECTOR)
    with pytest.raises(Refused) as refused:
        close_case(session, archive_for(tmp_path), case, GROUNDS, rektor, BY, NOW)
    assert refused.value.field == "no_investigation_reason"
    session.rollback()
    assert session.get(Case, case.id).status == OPEN  # type: ignore[union-attr]

    justified = replace(GROUNDS, no_investigation_reason="Meldingen viste seg å være grunnløs.")
    doc = close_case(session, archive_for(tmp_path), case, justified, rektor, BY, NOW)
    session.commit()
    text = word_text(session, tmp_path, doc)
    assert "uten ferdigstilt undersøkelse, fordi: Meldingen viste seg å være grunnløs." in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pupil_experience": "  "}, "pupil_experience"),
        ({"heard_how": ""}, "heard_how"),
        ({"pupil_safe": False}, "pupil_safe"),
        ({"reason": ""}, "reason"),
        ({"follow_up_on": None}, "follow_up_on"),
        ({"follow_up_on": NOW.date() - dt.timedelta(days=1)}, "follow_up_on"),
    ],
)
def test_each_rule_of_a_closing_is_refused_at_its_field(
    session: Session, demo: dict[str, str], tmp_path: Path, change: dict[str, object], field: str
) -> None:
    case = case_at(session, tmp_path, "investigated")
    with pytest.raises(Refused) as refused:
        propose_closing(session, case, replace(GROUNDS, **change), user(session, HANDLER), BY, NOW)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_leadership_declines_with_a_reason_and_the_proposer_is_told(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    handler, rektor = user(session, HANDLER), user(session, RECTOR)
    decision = propose_closing(session, case, GROUNDS, handler, BY, NOW)
    with pytest.raises(Refused) as refused:
        decline_closing(session, case, decision, " ", rektor, BY, NOW)
    assert refused.value.field == "decline_reason"
    decline_closing(session, case, decision, "Vi vil høre foresatte først.", rektor, BY, NOW)
    session.commit()

    assert decision.status == DECLINED and case.status == OPEN
    assert pending_proposal(session, case) is None
    assert alerted(session, "closing_declined") == {handler.id}
    assert "case.closing_declined" in audit_actions(session)
    with pytest.raises(Refused):
        confirm_closing(session, archive_for(tmp_path), case, decision, rektor, BY, NOW)


def test_an_evaluation_that_concludes_avslutte_only_proposes(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # case_at("closed") confirms the evaluation's proposal as the rektor.
    case = case_at(session, tmp_path, "closed")
    evaluation = documents_of(session, case, "evaluering")[-1]
    closing = documents_of(session, case, "avslutning")[-1]
    proposed = [e for e in chronology(session, case) if e.code == "closing_proposed"]
    assert len(proposed) == 1
    text = word_text(session, tmp_path, closing)
    assert "Evaluering nr. 1 konkluderte med å avslutte planen." in text
    assert f"Evaluering nr. {evaluation.number} av aktivitetsplanen" in text
    assert "Skoleledelsen: Hilde Moe (rektor)" in text and "Sara er trygg nå." in text


def test_the_follow_up_is_a_deadline_with_reminders_until_it_is_answered(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    handler, rektor = user(session, HANDLER), user(session, RECTOR)
    close_case(session, archive_for(tmp_path), case, GROUNDS, rektor, BY, NOW)
    session.commit()

    [deadline] = deadlines_of(session, case, NOW.date())
    assert (deadline.code, deadline.due, deadline.state) == (FOLLOW_UP, FOLLOW_UP_DAY, "ok")
    assert deadline.title == "Følg opp avsluttet sak"
    reminders.collect(session, FOLLOW_UP_DAY, NOW)
    session.commit()
    assert rektor.id in alerted(session, "deadline")
    assert handler.id not in alerted(session, "deadline")

    with pytest.raises(Refused) as refused:
        record_follow_up(session, case, FollowUpAnswer(True, "", "Samtale."), rektor, BY, NOW)
    assert refused.value.field == "pupil_experience"
    answer = FollowUpAnswer(True, "Sara har det fortsatt fint.", "Samtale med Sara 12. oktober.")
    decision = record_follow_up(session, case, answer, rektor, BY, NOW)
    session.commit()
    assert decision.follow_up_result == STILL_SAFE and case.status == CLOSED
    assert case.follow_up_on is None and deadlines_of(session, case, FOLLOW_UP_DAY) == []
    assert "case.followed_up" in audit_actions(session)
    with pytest.raises(Refused):
        record_follow_up(session, case, answer, rektor, BY, NOW)


def test_at_the_follow_up_the_case_is_opened_again_for_a_new_plan(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "closed")
    rektor = user(session, RECTOR)
    later = NOW + dt.timedelta(days=30)
    answer = FollowUpAnswer(False, "Sara sier det har startet igjen.", "Sara kom til rektor.")
    decision = record_follow_up(session, case, answer, rektor, BY, later)
    session.commit()

    assert decision.follow_up_result == REOPENED and case.status == OPEN
    assert case.unsafe_since == later.date()
    # A plan made before the reopening does not meet the new plan's deadline.
    assert PLAN in [d.code for d in deadlines_of(session, case, later.date())]
    codes = [e.code for e in chronology(session, case)]
    assert codes[-2:] == ["case_reopened", "follow_up_reopened"]


def test_the_school_owner_decides_in_a_case_hidden_from_the_leadership(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(**LEADERSHIP_CASE))
    owner = user(session, demo_email(SKOLEEIER, None))
    doc = close_case(session, archive_for(tmp_path), case, UNFOUNDED, owner, BY, NOW)
    session.commit()
    assert "Skoleeier: " in word_text(session, tmp_path, doc)
    # The suspected rektor never decides, even if handed the proposal.
    hilde = user(session, RECTOR)
    with pytest.raises(Refused):
        close_case(session, archive_for(tmp_path), case, UNFOUNDED, hilde, BY, NOW)


# The rules as pure functions: who proposes, who decides, who answers at the follow-up.
ORDINARY = CaseAccess(school_id=p.NORDPOLEN, municipality_id=p.OSLO, handler_id=p.HANDLER.id)
ROUTED = replace(ORDINARY, routed_to_school_owner=True)
HIDDEN = replace(ROUTED, leadership_suspected=True)
ELSEWHERE = replace(HIDDEN, handler_id=p.OTHER_RECTOR.id)


@pytest.mark.parametrize(
    ("who", "case", "propose", "decide"),
    [
        (p.HANDLER, ORDINARY, True, False),
        (p.RECTOR, ORDINARY, True, True),
        (p.OTHER_TEACHER, ORDINARY, False, False),
        (p.REPORTER, ORDINARY, False, False),
        (p.OWNER, ORDINARY, False, False),
        (p.OWNER, ROUTED, True, True),
        (p.RECTOR, HIDDEN, False, False),
        (p.OWNER, HIDDEN, True, True),
        # A leader of another school who handles a hidden case proposes only.
        (p.OTHER_RECTOR, ELSEWHERE, True, False),
        (p.ADMIN, ROUTED, False, False),
    ],
)
def test_who_proposes_and_who_decides(
    who: Principal, case: CaseAccess, propose: bool, decide: bool
) -> None:
    assert can_propose_closing(who, case) is propose
    assert can_decide_closing(who, case) is decide
    assert can_follow_up_closing(who, case) is decide


# The new document kind keeps the contract like the others (tests/test_documents_render.py).
def test_the_closing_template_and_context_keep_the_contract() -> None:
    used = DocxTemplate(template_path("avslutning")).get_undeclared_template_variables(JINJA_ENV)
    assert required_names("avslutning") <= used <= variable_names("avslutning")
    context = build_context("avslutning", validate_input("avslutning", hostile_input("avslutning")))
    assert set(context.variables) == variable_names("avslutning")


def test_the_example_renders_and_an_unjustified_closing_is_invalid() -> None:
    example = json.loads((EXAMPLES / "avslutning.json").read_text(encoding="utf-8"))
    text = document_text(render_document("avslutning", example).docx)
    assert "Skoleledelsen: Hilde Moe (rektor)" in text and "Jonte" not in text
    del example["closing"]["investigation_finalised_on"]
    with pytest.raises(InvalidInput) as invalid:
        validate_input("avslutning", example)
    assert "Hvorfor saken avsluttes uten ferdigstilt undersøkelse" in invalid.value.problems[0]
