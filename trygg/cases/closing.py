"""Closing a case as a documented decision, and the follow-up after it.

§ 12-4 ends a school's duties only when the pupil has a safe and good school environment,
in the pupil's own experience. So a case closes by a decision of the leadership (or of
the school owner in the cases routed to it): who decided, when, why, what the pupil says
now and how the school learned it, and when the school follows up. The decision is
archived as "Avslutning av saken", like every other document of the case.

A handler proposes, and so does an evaluation that concludes "Avslutte": the leadership
is alerted and confirms or declines. A leader may close directly; that is a proposal
confirmed at once. The follow-up date is a deadline (trygg.calendar.deadlines) until the
answer is recorded: the pupil still has it safe, or the case is opened again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.roles import SKOLEEIER
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import independence_problem, staff_actor
from trygg.cases.documents import documents_of, finalise, jsonable, new_document
from trygg.cases.events import notify, record_event, report_recipients
from trygg.cases.leadership import reopen_case
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, ClosingDecision, User
from trygg.models.cases import CLOSED, OPEN
from trygg.models.closing import (
    CONFIRMED,
    DECLINED,
    PROPOSED,
    REOPENED,
    STILL_SAFE,
    SUPERSEDED,
)
from trygg.models.documents import FINAL

KIND = "avslutning"


@dataclass(frozen=True)
class ClosingGrounds:
    """What a proposal or a decision to close states."""

    reason: str
    pupil_experience: str
    heard_how: str
    follow_up_on: dt.date | None
    # The one who proposes confirms that the pupil, in their own experience, is safe now.
    pupil_safe: bool
    # Why the case closes without a finalised investigation (e.g. the report turned out
    # unfounded at the first inquiry); needed only when there is none.
    no_investigation_reason: str = ""


@dataclass(frozen=True)
class FollowUpAnswer:
    still_safe: bool
    pupil_experience: str
    heard_how: str


def decisions_of(session: Session, case: Case) -> list[ClosingDecision]:
    query = select(ClosingDecision).where(ClosingDecision.case_id == case.id)
    return list(session.execute(query.order_by(ClosingDecision.id)).scalars())


def pending_proposal(session: Session, case: Case) -> ClosingDecision | None:
    found = [d for d in decisions_of(session, case) if d.status == PROPOSED]
    return found[-1] if found else None


def closing_decision(session: Session, case: Case) -> ClosingDecision | None:
    """The decision the case is closed by, while it is closed."""
    if case.status != CLOSED:
        return None
    found = [d for d in decisions_of(session, case) if d.status == CONFIRMED]
    return found[-1] if found else None


def _final(session: Session, case: Case, kind: str) -> CaseDocument | None:
    finals = [d for d in documents_of(session, case, kind) if d.status == FINAL]
    return finals[-1] if finals else None


def _check(session: Session, case: Case, grounds: ClosingGrounds, now: dt.datetime) -> None:
    """The rules of a closing, each refused at its field, in the form's order."""
    if case.status == CLOSED:
        raise Refused("Saken er allerede avsluttet.")
    if case.status != OPEN:
        raise Refused("Saken er slått sammen med en annen sak. Avslutt den i stedet.")
    if not grounds.pupil_experience.strip():
        raise Refused("Skriv hva eleven selv sier om skolemiljøet nå.", field="pupil_experience")
    if not grounds.heard_how.strip():
        raise Refused(
            "Skriv hvordan skolen vet hva eleven opplever, for eksempel en samtale med "
            "eleven og når den var.",
            field="heard_how",
        )
    if not grounds.pupil_safe:
        raise Refused(
            "Saken kan ikke avsluttes så lenge eleven ikke selv opplever skolemiljøet som "
            "trygt og godt (§ 12-4).",
            field="pupil_safe",
        )
    if not grounds.reason.strip():
        raise Refused("Skriv hvorfor saken kan avsluttes.", field="reason")
    if (
        _final(session, case, "undersokelse") is None
        and not grounds.no_investigation_reason.strip()
    ):
        raise Refused(
            "Saken har ingen ferdigstilt undersøkelse. Skolen har plikt til å undersøke "
            "(§ 12-4); skriv hvorfor saken likevel kan avsluttes, for eksempel at meldingen "
            "viste seg å være grunnløs etter de første samtalene.",
            field="no_investigation_reason",
        )
    if grounds.follow_up_on is None:
        raise Refused("Velg en dato for oppfølging.", field="follow_up_on")
    if grounds.follow_up_on < oslo_time(now).date():
        raise Refused("Oppfølgingsdatoen kan ikke være passert.", field="follow_up_on")


def propose_closing(
    session: Session,
    case: Case,
    grounds: ClosingGrounds,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
    *,
    evaluation: CaseDocument | None = None,
) -> ClosingDecision:
    """Record a proposal to close and alert those who decide. A newer proposal replaces
    one still waiting (a later evaluation knows more)."""
    _check(session, case, grounds, now)
    assert grounds.follow_up_on is not None  # _check
    for waiting in decisions_of(session, case):
        if waiting.status == PROPOSED:
            waiting.status = SUPERSEDED
    decision = ClosingDecision(
        case_id=case.id,
        status=PROPOSED,
        proposed_at=now,
        proposed_by=user.id,
        evaluation_id=evaluation.id if evaluation is not None else None,
        reason=grounds.reason.strip(),
        pupil_experience=grounds.pupil_experience.strip(),
        heard_how=grounds.heard_how.strip(),
        no_investigation_reason=grounds.no_investigation_reason.strip(),
        follow_up_on=grounds.follow_up_on,
        decline_reason="",
        follow_up_result="",
        follow_up_experience="",
        follow_up_heard_how="",
    )
    session.add(decision)
    session.flush()
    record_event(session, case, "closing_proposed", user.id, now, decision=decision.id)
    deciders = [uid for uid in report_recipients(session, case)[0] if uid != user.id]
    notify(session, deciders, case, "closing_proposed", f"closing:{decision.id}", now)
    audit.record(
        session,
        by,
        "case.closing_proposed",
        "case",
        str(case.id),
        {"decision": decision.id, "evaluation": decision.evaluation_id},
        now=now,
    )
    return decision


def propose_from_evaluation(
    session: Session,
    case: Case,
    evaluation: CaseDocument,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> ClosingDecision:
    """An evaluation that concludes "Avslutte" proposes closing; it never closes."""
    data = evaluation.data
    effects = [str(m.get("effect_pupil", "")).strip() for m in data.get("measures", [])]
    step = data.get("next", {})
    follow_up = step.get("follow_up_on")
    held = data.get("date") or oslo_time(now).date().isoformat()
    grounds = ClosingGrounds(
        reason=str(data.get("overall", "")),
        pupil_experience="\n".join(dict.fromkeys(e for e in effects if e)),
        heard_how=f"Evaluering nr. {evaluation.number} av aktivitetsplanen, "
        f"{dt.date.fromisoformat(held).strftime('%d.%m.%Y')}.",
        follow_up_on=dt.date.fromisoformat(follow_up) if follow_up else None,
        pupil_safe=bool(data.get("pupil_safe_now")),
    )
    return propose_closing(session, case, grounds, user, by, now, evaluation=evaluation)


def _document_data(
    session: Session, case: Case, decision: ClosingDecision, user: User, now: dt.datetime
) -> dict[str, Any]:
    proposer = decision.proposer or user
    investigation = _final(session, case, "undersokelse")
    plan = _final(session, case, "aktivitetsplan")
    evaluation = (
        session.get(CaseDocument, decision.evaluation_id) if decision.evaluation_id else None
    )
    data: dict[str, Any] = {
        "proposed_by": staff_actor(session, case, proposer).key,
        "proposed_at": oslo_time(decision.proposed_at),
        "decided_by": staff_actor(session, case, user).key,
        "decided_at": oslo_time(now),
        "decided_as": "skoleeier" if user.role_code == SKOLEEIER else "ledelse",
        "reason": decision.reason,
        "pupil_experience": decision.pupil_experience,
        "heard_how": decision.heard_how,
        "follow_up_on": decision.follow_up_on,
    }
    if investigation is not None and investigation.finalised_at is not None:
        data["investigation_finalised_on"] = oslo_time(investigation.finalised_at).date()
    else:
        data["no_investigation_reason"] = decision.no_investigation_reason or None
    if plan is not None:
        data["plan_version"] = plan.number
    if evaluation is not None:
        data["evaluation_number"] = evaluation.number
    stored: dict[str, Any] = jsonable(data)
    return stored


def confirm_closing(
    session: Session,
    archive: Archive,
    case: Case,
    decision: ClosingDecision,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseDocument:
    """The leadership's decision: archive "Avslutning av saken" and close the case."""
    if decision.case_id != case.id or decision.status != PROPOSED:
        raise Refused("Forslaget er allerede behandlet.")
    problem = independence_problem(case, user, "decided_by")
    if problem is not None:
        raise problem
    # The rules again: the case may have changed since it was proposed.
    _check(
        session,
        case,
        ClosingGrounds(
            reason=decision.reason,
            pupil_experience=decision.pupil_experience,
            heard_how=decision.heard_how,
            follow_up_on=decision.follow_up_on,
            pupil_safe=True,
            no_investigation_reason=decision.no_investigation_reason,
        ),
        now,
    )
    doc = new_document(
        session, case, KIND, user, now, _document_data(session, case, decision, user, now)
    )
    finalise(session, archive, case, doc, user, now)
    audit.record(
        session,
        by,
        "document.finalised",
        "case_document",
        str(doc.id),
        {"case": case.id, "kind": doc.kind, "number": doc.number},
        now=now,
    )
    decision.status = CONFIRMED
    decision.decided_at = now
    decision.decided_by = user.id
    decision.document_id = doc.id
    case.status = CLOSED
    case.closed_at = now
    # Pending until the answer at the follow-up is recorded (the deadline runs on it).
    case.follow_up_on = decision.follow_up_on
    record_event(session, case, "case_closed", user.id, now, decision=decision.id)
    audit.record(
        session,
        by,
        "case.closed",
        "case",
        str(case.id),
        {"decision": decision.id, "document": doc.id},
        now=now,
    )
    return doc


def close_case(
    session: Session,
    archive: Archive,
    case: Case,
    grounds: ClosingGrounds,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseDocument:
    """The leadership closes directly: its own proposal, confirmed at once."""
    decision = propose_closing(session, case, grounds, user, by, now)
    return confirm_closing(session, archive, case, decision, user, by, now)


def decline_closing(
    session: Session,
    case: Case,
    decision: ClosingDecision,
    reason: str,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> None:
    """The leadership declines; the case stays open and the proposer is told."""
    if decision.case_id != case.id or decision.status != PROPOSED:
        raise Refused("Forslaget er allerede behandlet.")
    if not reason.strip():
        raise Refused("Skriv hvorfor saken ikke kan avsluttes ennå.", field="decline_reason")
    decision.status = DECLINED
    decision.decided_at = now
    decision.decided_by = user.id
    decision.decline_reason = reason.strip()
    record_event(session, case, "closing_declined", user.id, now, decision=decision.id)
    proposer = decision.proposed_by
    told = [proposer] if proposer is not None and proposer != user.id else []
    notify(session, told, case, "closing_declined", f"declined:{decision.id}", now)
    audit.record(
        session,
        by,
        "case.closing_declined",
        "case",
        str(case.id),
        {"decision": decision.id},
        now=now,
    )


def record_follow_up(
    session: Session,
    case: Case,
    answer: FollowUpAnswer,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> ClosingDecision:
    """The answer at the follow-up: the pupil still has it safe, or the case is opened
    again so a new plan can be made."""
    decision = closing_decision(session, case)
    if decision is None or decision.followed_up_at is not None:
        raise Refused("Saken har ingen oppfølging som venter.")
    if not answer.pupil_experience.strip():
        raise Refused("Skriv hva eleven selv sier om skolemiljøet nå.", field="pupil_experience")
    if not answer.heard_how.strip():
        raise Refused("Skriv hvordan skolen vet hva eleven opplever.", field="heard_how")
    if not answer.still_safe:
        # Refuses (another open case) before anything below is changed. It takes the
        # pupil's filing lock before it looks, so a report about the pupil filed at this
        # instant either joins this case or opened one first and this answer is refused:
        # never two open cases (trygg.cases.reports.lock_pupil).
        reopen_case(session, case, user, by, now)
        # The pupil says they are not safe: the clock for a new plan starts today
        # (trygg.cases.overview counts only plans finalised after this answer).
        case.unsafe_since = oslo_time(now).date()
    decision.followed_up_at = now
    decision.followed_up_by = user.id
    decision.follow_up_result = STILL_SAFE if answer.still_safe else REOPENED
    decision.follow_up_experience = answer.pupil_experience.strip()
    decision.follow_up_heard_how = answer.heard_how.strip()
    case.follow_up_on = None
    code = "follow_up_confirmed" if answer.still_safe else "follow_up_reopened"
    record_event(session, case, code, user.id, now, decision=decision.id)
    audit.record(
        session,
        by,
        "case.followed_up",
        "case",
        str(case.id),
        {"decision": decision.id, "result": decision.follow_up_result},
        now=now,
    )
    return decision
