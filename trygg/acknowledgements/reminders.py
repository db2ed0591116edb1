"""Reminders to employees who have not yet acknowledged their school's current plan.

`flask send-reminders` (trygg.cases.reminders.run) calls `collect`; the alerts it makes
are e-mailed by the same path as case alerts, as a fixed sentence and a link only.
At most one reminder per employee and plan version in any seven days, however often
the command runs; signing stops them (and marks them read).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.acknowledgements.plans import current_plan
from trygg.acknowledgements.register import unsigned_user_ids
from trygg.acknowledgements.signing import NOTICE_CODE
from trygg.models import Notification, SchoolPlan

# Where the e-mail's link goes: the employee's own plan page, never a register.
NOTICE_PATH = "/skolens-plan"
REMIND_EVERY = dt.timedelta(days=7)


def _recently_reminded(session: Session, plan: SchoolPlan, since: dt.datetime) -> set[int]:
    return set(
        session.execute(
            select(Notification.user_id).where(
                Notification.code == NOTICE_CODE,
                Notification.dedupe_key.startswith(f"{NOTICE_CODE}:{plan.id}:"),
                Notification.created_at > since,
            )
        ).scalars()
    )


def collect(session: Session, now: dt.datetime) -> list[Notification]:
    """Create the in-app reminders due now for every school's current plan."""
    created: list[Notification] = []
    school_ids = session.execute(select(SchoolPlan.school_id).distinct()).scalars().all()
    for school_id in sorted(school_ids):
        plan = current_plan(session, school_id)
        if plan is None:
            continue
        reminded = _recently_reminded(session, plan, now - REMIND_EVERY)
        for user_id in sorted(set(unsigned_user_ids(session, plan)) - reminded):
            # The date in the key lets the unique constraint stop a second reminder the
            # same day even if two runs overlap; the seven-day rule is the check above.
            note = Notification(
                user_id=user_id,
                case_id=None,
                code=NOTICE_CODE,
                dedupe_key=f"{NOTICE_CODE}:{plan.id}:{now.date().isoformat()}",
                created_at=now,
            )
            session.add(note)
            created.append(note)
    session.flush()
    return created


__all__ = ["NOTICE_CODE", "NOTICE_PATH", "REMIND_EVERY", "collect"]
