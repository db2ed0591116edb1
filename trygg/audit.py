"""Writing and verifying the audit trail.

Every event stores the SHA-256 of its predecessor, so altering, removing or reordering
any row breaks the chain from that row on. Events are written in the caller's
transaction: the change and its audit event commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trygg.models import AuditEvent, AuditHead, utcnow
from trygg.models.audit import GENESIS_HASH

# Detail values are identifiers, counts and flags; long strings would invite case content.
MAX_DETAIL_LENGTH = 200


@dataclass(frozen=True)
class Initiator:
    """Who did it, as the audit trail records it."""

    user_id: int | None
    email: str
    ip: str = ""


def _canonical_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def event_hash(event: AuditEvent) -> str:
    payload = json.dumps(
        {
            "id": event.id,
            "occurred_at": _canonical_time(event.occurred_at),
            "actor_user_id": event.actor_user_id,
            "actor_email": event.actor_email,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "ip": event.ip,
            "details": event.details,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _clean_details(details: Mapping[str, object] | None) -> str:
    cleaned: dict[str, object] = {}
    for key, value in (details or {}).items():
        if isinstance(value, str) and len(value) > MAX_DETAIL_LENGTH:
            raise ValueError(f"audit detail {key!r} is too long to be an identifier")
        if not isinstance(value, str | int | bool | float | type(None) | list):
            raise TypeError(f"audit detail {key!r} must be plain data")
        cleaned[key] = value
    return json.dumps(cleaned, sort_keys=True, ensure_ascii=False)


def record(
    session: Session,
    initiator: Initiator,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    details: Mapping[str, object] | None = None,
    *,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. Adds and flushes; the caller commits with its change."""
    # Touch the head row first: it takes the row lock (PostgreSQL) or the database write
    # lock (SQLite) before we read the previous hash, so two writers never chain to the
    # same predecessor.
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id))
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    session.refresh(head)
    occurred_at = (now or utcnow()).replace(tzinfo=None)
    event = AuditEvent(
        id=head.last_id + 1,
        occurred_at=occurred_at,
        actor_user_id=initiator.user_id,
        actor_email=initiator.email[:254],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=initiator.ip[:45],
        details=_clean_details(details),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    head.last_id = event.id
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_id: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None and self.problem is None


def _events(session: Session, batch: int = 1000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole chain and name the first event that does not fit."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    for event in _events(session):
        checked += 1
        if event.id != expected_id:
            return ChainReport(checked, expected_id, f"event {expected_id} is missing")
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "prev_hash does not match the event before")
        if event_hash(event) != event.hash:
            return ChainReport(checked, event.id, "contents do not match the stored hash")
        expected_prev = event.hash
        expected_id += 1
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    if head is None:
        return ChainReport(checked, None, "the chain head row is missing")
    if head.last_id != expected_id - 1 or head.last_hash != expected_prev:
        return ChainReport(
            checked,
            expected_id,
            f"events after {expected_id - 1} are missing (head says {head.last_id})",
        )
    return ChainReport(checked, None, None)


# --- reading ------------------------------------------------------------------------------

EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class EventRow:
    """One event as the audit trail page lists it; the details stay out of the list."""

    id: int
    occurred_at: datetime
    actor_email: str
    action: str
    object: str
    ip: str


@dataclass(frozen=True)
class EventPage:
    events: tuple[EventRow, ...]
    page: int
    has_next: bool


def page_of_events(session: Session, page: int) -> EventPage:
    """Newest first; page 1 is the latest EVENTS_PER_PAGE events."""
    page = max(1, page)
    rows = (
        session.execute(
            select(AuditEvent)
            .order_by(AuditEvent.id.desc())
            .offset((page - 1) * EVENTS_PER_PAGE)
            # One row past the page tells whether there is an older one, without a count.
            .limit(EVENTS_PER_PAGE + 1)
        )
        .scalars()
        .all()
    )
    return EventPage(
        tuple(
            EventRow(
                id=event.id,
                occurred_at=event.occurred_at,
                actor_email=event.actor_email,
                action=event.action,
                object=f"{event.object_type} {event.object_id}".strip(),
                ip=event.ip,
            )
            for event in rows[:EVENTS_PER_PAGE]
        ),
        page,
        has_next=len(rows) > EVENTS_PER_PAGE,
    )
