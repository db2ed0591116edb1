"""Case references: each school numbers its own cases per year ("2026/0007"), and cases
hidden from a school's leadership are numbered in the school owner's series
("SE-2026/0001"), so the school's series has no gaps that betray a case someone cannot
see. Ids are not used: they would count every school's cases and betray hidden ones.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.calendar.clock import oslo_time
from trygg.models import Case, School
from trygg.models.cases import CaseSeries

OWNER_PREFIX = "SE-"  # SE: skoleeier, the school owner's own series


def _bump(session: Session, series: str) -> int:
    """The next number of a series, counted in this transaction: a concurrent filing
    waits for the row (PostgreSQL) or the write lock (SQLite), and a rollback gives the
    number back, so a series has no gaps."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(CaseSeries)
        .values(name=series, last_number=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    bumped = session.execute(
        update(CaseSeries)
        .where(CaseSeries.name == series)
        .values(last_number=CaseSeries.last_number + 1)
        .returning(CaseSeries.last_number)
    )
    return int(bumped.scalar_one())


def next_reference(session: Session, school: School, hidden: bool, now: dt.datetime) -> str:
    year = oslo_time(now).year
    if hidden:
        series, prefix = f"skoleeier:{school.municipality_id}:{year}", f"{OWNER_PREFIX}{year}/"
    else:
        series, prefix = f"skole:{school.id}:{year}", f"{year}/"
    while True:
        reference = f"{prefix}{_bump(session, series):04d}"
        # References given before the series existed (the case's id) are not given twice.
        taken = session.execute(
            select(Case.id).where(Case.school_id == school.id, Case.reference == reference)
        ).first()
        if taken is None:
            return reference
