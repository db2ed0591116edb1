"""What the school leadership records on a case: receipt, handler, school owner, reopening.

Closing is a documented decision of its own: trygg.cases.closing.

In a case hidden from the leadership (§ 12-5) the school owner takes these steps, and may
pick a handler from any school of the municipality or handle the case itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import check_independent, find_staff, independence_problem, staff_actor
from trygg.cases.events import notify, owner_users, record_event
from trygg.cases.pupil_cases import lock_pupil
from trygg.errors import Refused
from trygg.models import Case, School, User
from trygg.models.cases import OPEN


@dataclass(frozen=True)
class Receipt:
    rektor_informed_at: dt.datetime
    raised_with_rektor_by_home: dt.date | None = None
    serious: bool = False


def receive(
    session: Session,
    case: Case,
    receipt: Receipt,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> None:
    """Record when the rektor personally learned of the case (§ 12-6 counts from it)."""
    # Typed times are Oslo wall-clock times; `now` is UTC.
    if receipt.rektor_informed_at > oslo_time(now) + dt.timedelta(minutes=5):
        raise Refused("Tidspunktet kan ikke være i fremtiden.", field="rektor_informed_at")
    if receipt.rektor_informed_at < case.opened_at - dt.timedelta(days=366):
        raise Refused("Tidspunktet er for langt tilbake i tid.", field="rektor_informed_at")
    case.received_at = case.received_at or now
    case.rektor_informed_at = receipt.rektor_informed_at
    case.raised_with_rektor_by_home = receipt.raised_with_rektor_by_home
    today = oslo_time(now).date()
    marked = mark_serious(case, receipt.serious, today)
    record_event(session, case, "received", user.id, now)
    details = {"serious_since": today.isoformat()} if marked else None
    audit.record(session, by, "case.received", "case", str(case.id), details, now=now)


def mark_serious(case: Case, serious: bool, on: dt.date) -> bool:
    """Mark the case serious ("Alvorlig sak") on the school day `on`, or unmark it.

    Returns whether it became serious now. A case already serious keeps its day: saving
    the receipt again must not move "Meld til skoleeier" later. Unmarked, it forgets the
    day, and a later marking starts a new one."""
    became = serious and not case.serious
    if became:
        case.serious_since = on
    elif not serious:
        case.serious_since = None
    case.serious = serious
    return became


def handler_candidates(session: Session, case: Case) -> list[User]:
    """Who can be made handler: the school's teachers and leaders; in a case hidden from
    the leadership (§ 12-5), no leader of the school, but teachers and leaders of every
    school of the municipality and the school owner's own users, who may handle it
    themselves. Never a suspect. The picker offers exactly these; assign_handler checks."""
    roles = (KONTAKTLAERER, LEDELSE)
    query = select(User).where(User.active.is_(True))
    if case.leadership_suspected:
        schools = select(School.id).where(School.municipality_id == case.school.municipality_id)
        query = query.where(
            or_(
                and_(User.role_code.in_(roles), User.school_id.in_(schools)),
                and_(
                    User.role_code == SKOLEEIER,
                    User.municipality_id == case.school.municipality_id,
                ),
            )
        )
    else:
        query = query.where(User.role_code.in_(roles), User.school_id == case.school_id)
    users = session.execute(query.order_by(User.name, User.id)).scalars()
    return [u for u in users if independence_problem(case, u, "handler") is None]


def _handler(session: Session, case: Case, reference: str) -> User:
    text = reference.strip()
    if text.startswith("u") and text[1:].isdigit():
        user = session.get(User, int(text[1:]))
        if user is not None and user in handler_candidates(session, case):
            return user
    handler = find_staff(session, case.school_id, reference, "handler")
    check_independent(case, handler, "handler")
    if handler.role_code not in (KONTAKTLAERER, LEDELSE):
        raise Refused(
            "%(name)s har ikke rollen kontaktlærer/saksbehandler og kan ikke behandle saker. "
            "En administrator kan endre rollen.",
            field="handler",
            name=handler.name,
        )
    return handler


def assign_handler(
    session: Session, case: Case, reference: str, user: User, by: audit.Initiator, now: dt.datetime
) -> User:
    # § 12-5: no suspect, and in a case hidden from the leadership no leader of the school
    # (the assignment notice alone would tell them the case exists).
    handler = _handler(session, case, reference)
    case.handler_id = handler.id
    case.handler = handler
    staff_actor(session, case, handler)
    record_event(session, case, "handler_assigned", user.id, now, handler=handler.id)
    notify(session, [handler.id], case, "assigned", f"assigned:{case.id}:{handler.id}", now)
    audit.record(
        session, by, "case.handler_assigned", "case", str(case.id), {"handler": handler.id}, now=now
    )
    return handler


def record_owner_report(
    session: Session,
    case: Case,
    reported_at: dt.datetime,
    recipient: str,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> None:
    """The rektor reported the case to the school owner (§ 12-4 serious, § 12-5)."""
    if not recipient.strip():
        raise Refused("Skriv hvem hos skoleeier saken ble meldt til.", field="recipient")
    if reported_at > oslo_time(now) + dt.timedelta(minutes=5):
        raise Refused("Tidspunktet kan ikke være i fremtiden.", field="reported_at")
    case.owner_reported_at = reported_at
    case.owner_reported_to = recipient.strip()
    # Reporting it to the owner marks the case serious, from the day it was reported.
    mark_serious(case, True, reported_at.date())
    record_event(session, case, "owner_reported", user.id, now)
    notify(session, owner_users(session, case), case, "owner_report", f"owner:{case.id}", now)
    audit.record(session, by, "case.owner_reported", "case", str(case.id), now=now)


def reopen_case(
    session: Session, case: Case, user: User, by: audit.Initiator, now: dt.datetime
) -> None:
    if case.status == OPEN:
        raise Refused("Saken er allerede åpen.")
    # A report about the pupil filed at this instant waits, then joins this case, instead
    # of opening one beside it (trygg.cases.pupil_cases.lock_pupil).
    lock_pupil(session, case.school_id, case.pupil_key)
    # A pupil has one open ordinary case and one open case hidden from the leadership;
    # only a case of the same kind stands in the way, and the reference shown is one the
    # user may see (a hidden case's never reaches the leadership).
    other = session.execute(
        select(Case.reference).where(
            Case.school_id == case.school_id,
            Case.pupil_key == case.pupil_key,
            Case.status == OPEN,
            Case.id != case.id,
            Case.leadership_suspected.is_(case.leadership_suspected),
        )
    ).scalar()
    if other is not None:
        # One open case per pupil: new reports already joined the other one.
        raise Refused(
            "Eleven har allerede en åpen sak (%(reference)s). Arbeid videre i den.",
            reference=other,
        )
    case.status = OPEN
    case.closed_at = None
    # Closing is a decision with its own follow-up (trygg.cases.closing); an open case
    # has none pending.
    case.follow_up_on = None
    record_event(session, case, "case_reopened", user.id, now)
    audit.record(session, by, "case.reopened", "case", str(case.id), now=now)
