"""«Mine tiltak»: the measures an employee carries out, and their reminders.

An owner who does not handle the case sees only what they need to carry the measure
out: the pupil's name, what the measure says, and when the plan is next evaluated;
nothing else of the case (least privilege). The plan in force is the newest final
version of an open case; a measure its latest evaluation ended is no longer listed, nor
is any measure of a plan that evaluation closed. Every look is audited.

Before each evaluation every owner with an account is reminded (in the app and by an
e-mail that carries only a link), OWNER_REMINDER_SCHOOL_DAYS school days ahead, once per
evaluation date. A suspect, or a leader in a case hidden from the leadership (§ 12-5),
is neither shown the measure nor reminded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trygg import audit
from trygg.accounts.permissions import SCHOOL_STAFF
from trygg.cases.actors import independence_problem
from trygg.cases.plans_in_force import (
    PlanInForce,
    final_plan_documents,
    pending_evaluation,
    plan_in_force,
)
from trygg.cases.reminder_batch import (
    NO_DAYS_OFF,
    NewAlert,
    calendars_after,
    chunked,
    create_alerts,
)
from trygg.models import Case, CaseActor, CaseDocument, User
from trygg.models.cases import OPEN
from trygg.models.documents import FINAL

# The in-app alert's code (trygg.cases.events.NOTICE_TEXTS, trygg.mail.KINDS) and the page
# its e-mail links to: the owner may not open the case page itself.
NOTICE_CODE = "measure_evaluation"
NOTICE_PATH = "/mine-tiltak"
# Three school days: time to carry out what is left and gather what the pupil says.
OWNER_REMINDER_SCHOOL_DAYS = 3


@dataclass(frozen=True)
class MyMeasure:
    """One measure as its owner sees it; nothing else of the case."""

    pupil_name: str
    description: str
    next_evaluation: dt.date | None


def _may_own(case: Case, user: User) -> bool:
    """An owner is shown and reminded of the measure while § 12-5 allows them to own it:
    someone suspected after the plan was made is not."""
    return (
        user.active
        and user.role_code in SCHOOL_STAFF
        and independence_problem(case, user, "") is None
    )


def _owned(
    session: Session, user: User
) -> Iterator[tuple[Case, PlanInForce, list[dict[str, Any]], dt.date | None]]:
    """The cases where `user` owns a running measure of the plan in force: each case with
    that plan, the user's measures and the plan's next evaluation date. The plans are read
    in one query for all the user's cases."""
    cases = [
        (key, case)
        for key, case in session.execute(
            select(CaseActor.key, Case)
            .join(Case, Case.id == CaseActor.case_id)
            .where(CaseActor.user_id == user.id, CaseActor.kind == "staff", Case.status == OPEN)
            .order_by(Case.id)
            # The actors tell who is suspected (_may_own), for every case in one query.
            .options(selectinload(Case.actors))
        )
        if _may_own(case, user)
    ]
    if not cases:
        return
    finals = final_plan_documents(session, sorted({case.id for _, case in cases}))
    for key, case in cases:
        docs = finals.get(case.id, [])
        in_force = plan_in_force(docs)
        if in_force is None:
            continue
        rows = [row for _, row in in_force.measures if row.get("by") == key]
        if rows:
            yield case, in_force, rows, pending_evaluation(docs)


def my_measures(
    session: Session, user: User, by: audit.Initiator, now: dt.datetime
) -> list[MyMeasure]:
    """The measures `user` carries out in plans in force; each case read is audited."""
    found: list[MyMeasure] = []
    for case, in_force, rows, when in _owned(session, user):
        audit.record(
            session,
            by,
            "measures.viewed",
            "case",
            str(case.id),
            {"plan": in_force.plan.id, "measures": len(rows)},
            now=now,
        )
        found += [MyMeasure(case.pupil_name, str(r.get("description") or ""), when) for r in rows]
    if not found:
        # The look itself is recorded, even when it found nothing.
        audit.record(session, by, "measures.viewed", "user", str(user.id), {"count": 0}, now=now)
    return sorted(found, key=lambda m: (m.next_evaluation or dt.date.max, m.pupil_name))


def _owners(case: Case, in_force: PlanInForce, accounts: dict[int, User]) -> set[int]:
    keys = {str(row.get("by") or "") for _, row in in_force.measures}
    owners: set[int] = set()
    for actor in case.actors:
        if actor.key in keys and actor.kind == "staff" and actor.user_id is not None:
            account = accounts.get(actor.user_id)
            if account is not None and _may_own(case, account):
                owners.add(account.id)
    return owners


def collect_reminders(session: Session, today: dt.date, now: dt.datetime) -> list[NewAlert]:
    """Remind every measure owner with an account before the plan's next evaluation;
    once per owner and evaluation date, however often the run is repeated.

    One query per step for all open cases with a plan, not per case: their final plans
    and evaluations, the school days ahead, then the few cases due and their owners."""
    with_plan = select(CaseDocument.case_id).where(
        CaseDocument.kind == "aktivitetsplan", CaseDocument.status == FINAL
    )
    candidates = select(Case.id).where(Case.status == OPEN, Case.id.in_(with_plan))
    finals = final_plan_documents(session, candidates)
    school_of = {
        case_id: school_id
        for case_id, school_id in session.execute(
            select(Case.id, Case.school_id).where(Case.id.in_(candidates))
        )
    }
    # school_days_after(today, …) reads no day before tomorrow.
    calendars = calendars_after(session, today)
    due_on: dict[int, dt.date] = {}
    for case_id in sorted(finals):
        due = pending_evaluation(finals[case_id])
        if due is None or due < today:
            continue
        calendar = calendars.get(school_of[case_id], NO_DAYS_OFF)
        if calendar.school_days_after(today, due) <= OWNER_REMINDER_SCHOOL_DAYS:
            due_on[case_id] = due
    in_force = {
        case_id: plan for case_id in due_on if (plan := plan_in_force(finals[case_id])) is not None
    }
    cases = _load_cases(session, sorted(in_force))
    accounts = _accounts(session, {a.user_id for c in cases for a in c.actors if a.user_id})
    wanted = []
    for case in cases:
        plan = in_force[case.id]
        # Alerts about no case the owner may open: the case page is not theirs to see,
        # so the alert points at "Mine tiltak" (trygg.cases.reminders.link_for).
        key = f"measure:{plan.plan.id}:{due_on[case.id].isoformat()}"
        wanted += [
            NewAlert(user_id, None, NOTICE_CODE, key)
            for user_id in sorted(_owners(case, plan, accounts))
        ]
    return create_alerts(session, wanted, now)


def _load_cases(session: Session, ids: list[int]) -> list[Case]:
    found: list[Case] = []
    for chunk in chunked(ids):
        query = select(Case).where(Case.id.in_(chunk)).options(selectinload(Case.actors))
        found += session.execute(query.order_by(Case.id)).scalars()
    return found


def _accounts(session: Session, ids: set[int]) -> dict[int, User]:
    found: dict[int, User] = {}
    for chunk in chunked(sorted(ids)):
        found.update(
            (u.id, u) for u in session.execute(select(User).where(User.id.in_(chunk))).scalars()
        )
    return found
