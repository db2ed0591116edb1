"""The reporter's search in the school's register, with or without JavaScript: the
register's matches, and an audit event for every answer that showed pupils.

Names and classes of pupils are personal data read from the register, so a search that
showed any is recorded like a read of a case: who searched, at which school, and which
pupils were shown (their ids). What was typed is not recorded: it may be a name, and the
audit trail holds identifiers, counts and flags only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.models.pupils import Pupil
from trygg.pupils import register


def school_has_register(session: Session, school_id: int) -> bool:
    """Whether the school has pupils in its register: without any, a search as the
    reporter types has nothing to find and is not offered."""
    active = select(Pupil.id).where(Pupil.school_id == school_id, Pupil.active.is_(True))
    return session.execute(active.limit(1)).first() is not None


def find_for_report(
    session: Session, school_id: int, query: str, by: audit.Initiator, now: dt.datetime
) -> list[Pupil]:
    """Active pupils of the reporter's school that match every word typed (at most
    register.SEARCH_LIMIT; none for fewer than register.SEARCH_MIN characters)."""
    found = register.search(session, school_id, query)
    if found:
        audit.record(
            session,
            by,
            "pupils.searched",
            "school",
            school_id,
            {"shown": [p.id for p in found]},
            now=now,
        )
    return found
