"""What the school leadership records on a case: receipt, handler, school owner, closing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import find_staff, staff_actor
from trygg.cases.events import notify, owner_users, record_event
from trygg.errors import Refused
from trygg.models import Case, User
from trygg.models.cases import CLOSED, OPEN


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
    case.serious = receipt.serious
    record_event(session, case, "received", user.id, now)
    audit.record(session, by, "case.received", "case", str(case.id), now=now)


def assign_handler(
    session: Session, case: Case, reference: str, user: User, by: audit.Initiator, now: dt.datetime
) -> User:
    handler = find_staff(session, case.school_id, reference, "handler")
    if handler.role_code not in (KONTAKTLAERER, LEDELSE):
        raise Refused(
            "%(name)s har ikke rollen kontaktlærer/saksbehandler og kan ikke behandle saker. "
            "En administrator kan endre rollen.",
            field="handler",
            name=handler.name,
        )
    if case.leadership_suspected and handler.role_code == LEDELSE:
        # § 12-5: the school's leadership must not learn that this case exists, so no
        # leader can handle it (nor be notified of the assignment).
        raise Refused(
            "Saken gjelder mistanke mot skolens ledelse. Velg en kontaktlærer eller annen "
            "ansatt som ikke er i skoleledelsen.",
            field="handler",
        )
    if any(a.user_id == handler.id and a.suspected for a in case.actors):
        raise Refused(
            "%(name)s er mistenkt i saken og kan ikke være saksbehandler.",
            field="handler",
            name=handler.name,
        )
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
    case.serious = True
    record_event(session, case, "owner_reported", user.id, now)
    notify(session, owner_users(session, case), case, "owner_report", f"owner:{case.id}", now)
    audit.record(session, by, "case.owner_reported", "case", str(case.id), now=now)


def close_case(
    session: Session,
    case: Case,
    follow_up_on: dt.date,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> None:
    if case.status == CLOSED:
        raise Refused("Saken er allerede avsluttet.")
    if follow_up_on < oslo_time(now).date():
        raise Refused("Oppfølgingsdatoen kan ikke være passert.", field="follow_up_on")
    case.status = CLOSED
    case.closed_at = now
    case.follow_up_on = follow_up_on
    record_event(session, case, "case_closed", user.id, now)
    audit.record(session, by, "case.closed", "case", str(case.id), now=now)


def reopen_case(
    session: Session, case: Case, user: User, by: audit.Initiator, now: dt.datetime
) -> None:
    if case.status == OPEN:
        raise Refused("Saken er allerede åpen.")
    other = session.execute(
        select(Case.reference).where(
            Case.school_id == case.school_id,
            Case.pupil_key == case.pupil_key,
            Case.status == OPEN,
            Case.id != case.id,
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
    record_event(session, case, "case_reopened", user.id, now)
    audit.record(session, by, "case.reopened", "case", str(case.id), now=now)
