"""The closing part of the case page as plain values: a proposal waiting for the
leadership, the last one it declined, the decision a closed case rests on and its
follow-up, and which buttons this user gets (trygg.accounts.permissions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from database import db
from forms.base import BaseForm
from forms.closing import (
    CLOSE,
    CONFIRM,
    DECLINE,
    FOLLOW_UP,
    ClosingForm,
    ConfirmClosingForm,
    DeclineClosingForm,
    FollowUpForm,
)
from trygg.accounts.permissions import (
    can_decide_closing,
    can_follow_up_closing,
    can_propose_closing,
)
from trygg.accounts.principal import Principal
from trygg.calendar.formats import date_text, timestamp_text
from trygg.cases.access import case_access
from trygg.cases.closing import closing_decision, decisions_of, pending_proposal
from trygg.models import Case, CaseDocument, ClosingDecision
from trygg.models.cases import CLOSED
from trygg.models.closing import DECLINED, STILL_SAFE


def _who(decision: ClosingDecision) -> str:
    return decision.proposer.name if decision.proposer else ""


def _grounds(decision: ClosingDecision) -> dict[str, Any]:
    evaluation = (
        db.session.get(CaseDocument, decision.evaluation_id) if decision.evaluation_id else None
    )
    return {
        "id": decision.id,
        "proposed_by": _who(decision),
        "proposed_at": timestamp_text(decision.proposed_at),
        "evaluation": evaluation.number if evaluation is not None else None,
        "reason": decision.reason,
        "pupil_experience": decision.pupil_experience,
        "heard_how": decision.heard_how,
        "no_investigation_reason": decision.no_investigation_reason,
        "follow_up_on": date_text(decision.follow_up_on),
    }


def _decision(decision: ClosingDecision) -> dict[str, Any]:
    followed = decision.followed_up_at is not None
    return {
        **_grounds(decision),
        "decided_by": decision.decider.name if decision.decider else "",
        "decided_at": timestamp_text(decision.decided_at),
        "followed_up": followed,
        "followed_up_at": timestamp_text(decision.followed_up_at) if followed else "",
        "followed_up_by": decision.follow_up_user.name if decision.follow_up_user else "",
        "still_safe": decision.follow_up_result == STILL_SAFE,
        "follow_up_experience": decision.follow_up_experience,
        "follow_up_heard_how": decision.follow_up_heard_how,
    }


def closing_state(case: Case, user: Principal) -> dict[str, Any]:
    access = case_access(case)
    closed = case.status == CLOSED
    pending = None if closed else pending_proposal(db.session, case)
    decision = closing_decision(db.session, case)
    decisions = decisions_of(db.session, case)
    last = decisions[-1] if decisions else None
    declined = last if last is not None and last.status == DECLINED and not closed else None
    return {
        "pending": _grounds(pending) if pending is not None else None,
        "decision": _decision(decision) if decision is not None else None,
        "declined": {
            "by": declined.decider.name if declined.decider else "",
            "at": timestamp_text(declined.decided_at),
            "reason": declined.decline_reason,
        }
        if declined is not None
        else None,
        # Closed before closing was a recorded decision (migration 0009).
        "undocumented": closed and decision is None,
        "can_propose": not closed and can_propose_closing(user, access),
        "can_decide": not closed and can_decide_closing(user, access),
        "can_follow_up": closed
        and decision is not None
        and decision.followed_up_at is None
        and can_follow_up_closing(user, access),
    }


def closing_forms(bound: Mapping[str, BaseForm]) -> dict[str, BaseForm]:
    """The closing forms of the case page; a refused one comes back as typed."""
    return {
        "close": bound.get("close") or ClosingForm(formdata=None, prefix=CLOSE),
        "confirm": bound.get("confirm") or ConfirmClosingForm(formdata=None, prefix=CONFIRM),
        "decline": bound.get("decline") or DeclineClosingForm(formdata=None, prefix=DECLINE),
        "follow_up": bound.get("follow_up") or FollowUpForm(formdata=None, prefix=FOLLOW_UP),
    }
