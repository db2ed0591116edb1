"""Reminders to employees who have not yet acknowledged their school's current plan.

`flask send-reminders` (trygg.cases.reminders.run) calls `collect`; the alerts it makes
are e-mailed by the same path as case alerts, as a fixed sentence and a link only.
At most one reminder per employee and plan version in any seven days, however often
the command runs; signing stops them (and marks them read).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from trygg.acknowledgements.signing import NOTICE_CODE
from trygg.cases.reminder_batch import NewAlert, create_alerts
from trygg.models import Acknowledgement, Notification, SchoolPlan, User

# Where the e-mail's link goes: the employee's own plan page, never a register.
NOTICE_PATH = "/skolens-plan"
REMIND_EVERY = dt.timedelta(days=7)


def _current_plans(session: Session) -> dict[int, int]:
    """Every school's current plan (trygg.acknowledgements.plans.current_plan), by school:
    the newest school year's highest version."""
    current: dict[int, int] = {}
    rows = session.execute(
        select(SchoolPlan.school_id, SchoolPlan.id).order_by(
            SchoolPlan.school_id, SchoolPlan.school_year.desc(), SchoolPlan.number.desc()
        )
    )
    for school_id, plan_id in rows:
        current.setdefault(school_id, plan_id)
    return current


def _recently_reminded(
    session: Session, plan_ids: set[int], since: dt.datetime
) -> set[tuple[int, int]]:
    """(plan, user) of the reminders about these plans made after `since`."""
    plan_of = {f"{NOTICE_CODE}:{plan_id}:": plan_id for plan_id in plan_ids}
    rows = session.execute(
        select(Notification.user_id, Notification.dedupe_key).where(
            Notification.code == NOTICE_CODE, Notification.created_at > since
        )
    )
    found = set()
    for user_id, key in rows:
        # The key is "school_plan:<plan>:<day>" (collect).
        plan_id = plan_of.get(key.rpartition(":")[0] + ":")
        if plan_id is not None:
            found.add((plan_id, user_id))
    return found


def _unsigned(session: Session, plan_ids: set[int]) -> list[tuple[int, int]]:
    """(plan, user) for each active employee of the plan's school without a kvittering
    for it (trygg.acknowledgements.register.unsigned_user_ids, for every plan at once)."""
    signed = exists(
        select(Acknowledgement.id).where(
            Acknowledgement.plan_id == SchoolPlan.id, Acknowledgement.user_id == User.id
        )
    )
    rows = session.execute(
        select(SchoolPlan.id, User.id)
        .join(User, User.school_id == SchoolPlan.school_id)
        .where(SchoolPlan.id.in_(plan_ids), User.active.is_(True), ~signed)
        .order_by(SchoolPlan.school_id, User.id)
    )
    return [(plan_id, user_id) for plan_id, user_id in rows]


def collect(session: Session, now: dt.datetime) -> list[NewAlert]:
    """Create the in-app reminders due now for every school's current plan: three queries
    for all schools, not three per school."""
    plan_ids = set(_current_plans(session).values())
    if not plan_ids:
        return []
    reminded = _recently_reminded(session, plan_ids, now - REMIND_EVERY)
    # The date in the key lets the unique constraint stop a second reminder the same day
    # even if two runs overlap; the seven-day rule is the check above.
    wanted = [
        NewAlert(user_id, None, NOTICE_CODE, f"{NOTICE_CODE}:{plan_id}:{now.date().isoformat()}")
        for plan_id, user_id in _unsigned(session, plan_ids)
        if (plan_id, user_id) not in reminded
    ]
    return create_alerts(session, wanted, now)


__all__ = ["NOTICE_CODE", "NOTICE_PATH", "REMIND_EVERY", "collect"]
