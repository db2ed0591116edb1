"""A user's in-app alerts: the list, the unread count in the menu, marking them read.

An alert outlives access: a handler or leader may later be suspected (§ 12-5). Such an
alert is left out, not shown as "no access", which would tell the suspect about it; the
list is filtered with the same SQL rule as the case lists (`visible_to`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import can_view_case
from trygg.accounts.principal import Principal
from trygg.acknowledgements.signing import NOTICE_CODE as PLAN_NOTICE
from trygg.cases.access import case_access, visible_to
from trygg.cases.measures import NOTICE_CODE as MEASURE_NOTICE
from trygg.models import Case, Notification

# The newest alerts a page lists; older ones stay in the database.
LIST_LIMIT = 200


@dataclass(frozen=True)
class Alert:
    code: str  # a key of trygg.cases.events.NOTICE_TEXTS
    created_at: dt.datetime  # UTC
    unread: bool
    # The case, only while the user may see it; a link must never point at another.
    case_id: int | None
    case_reference: str
    # A reminder to acknowledge the school's plan, which is about no case.
    school_plan: bool
    # A measure owner's reminder: about a case the owner may not open, so it points at
    # «Mine tiltak» (trygg.cases.measures), as its e-mail does.
    my_measures: bool = False


def _mine(user: Principal) -> Select[Notification]:
    """The user's alerts about cases they may see now, and alerts about no case."""
    return (
        select(Notification)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(
            Notification.user_id == user.id,
            or_(Notification.case_id.is_(None), visible_to(user)),
        )
    )


def unread_count(session: Session, user: Principal) -> int:
    unread = _mine(user).where(Notification.read_at.is_(None)).subquery()
    return int(session.execute(select(func.count()).select_from(unread)).scalar_one())


def alerts_for(session: Session, user: Principal, limit: int = LIST_LIMIT) -> list[Alert]:
    """The user's alerts, newest first."""
    notes = session.execute(
        _mine(user).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).scalars()
    alerts = []
    for note in notes:
        case = session.get(Case, note.case_id) if note.case_id else None
        # visible_to agrees with can_view_case (tests/test_case_visibility.py); checked
        # again because a link must never point at a case the user may not see.
        visible = case is not None and can_view_case(user, case_access(case))
        alerts.append(
            Alert(
                code=note.code,
                created_at=note.created_at,
                unread=note.read_at is None,
                case_id=case.id if visible and case else None,
                case_reference=case.reference if visible and case else "",
                school_plan=note.code == PLAN_NOTICE,
                my_measures=note.code == MEASURE_NOTICE,
            )
        )
    return alerts


def mark_all_read(session: Session, user: Principal, by: audit.Initiator, now: dt.datetime) -> int:
    """Mark every unread alert of the user as read; returns how many. Audited with the
    count, so the trail shows when the user acknowledged their alerts."""
    unread = list(
        session.execute(
            select(Notification.id).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        ).scalars()
    )
    if unread:
        session.execute(update(Notification).where(Notification.id.in_(unread)).values(read_at=now))
    audit.record(
        session, by, "notifications.read", "user", str(user.id), {"count": len(unread)}, now=now
    )
    return len(unread)
