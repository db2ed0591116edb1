"""Days without teaching that a school enters: planning days and the school holidays.

They differ between municipalities and years, so the deadline calendar
(trygg.calendar.school_days) only knows the statutory public holidays and reads the rest from
here. A school year runs from 1 August to 31 July, so every day belongs to exactly one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.calendar.school_days import SchoolCalendar
from trygg.errors import Refused
from trygg.models import School, SchoolDayOff

MAX_REASON_LENGTH = 200
# A range longer than a school year is a typing mistake, not a holiday.
MAX_RANGE_DAYS = 366
_WEEKEND = frozenset({5, 6})
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@dataclass(frozen=True)
class DayOff:
    id: int
    day: dt.date
    reason: str


@dataclass(frozen=True)
class Holiday:
    day: dt.date
    name: str


def school_year_of(day: dt.date) -> int:
    """The year the school year containing `day` started (2026 for 2026/27)."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_bounds(school_year_start: int) -> tuple[dt.date, dt.date]:
    return dt.date(school_year_start, 8, 1), dt.date(school_year_start + 1, 7, 31)


def days_off_for(session: Session, school_id: int, school_year_start: int) -> list[DayOff]:
    first, last = school_year_bounds(school_year_start)
    rows = session.execute(
        select(SchoolDayOff)
        .where(
            SchoolDayOff.school_id == school_id,
            SchoolDayOff.day >= first,
            SchoolDayOff.day <= last,
        )
        .order_by(SchoolDayOff.day)
    ).scalars()
    return [DayOff(row.id, row.day, row.reason) for row in rows]


def counts_by_school(session: Session, school_year_start: int) -> dict[int, int]:
    """How many days off each school has entered for the school year (absent: none)."""
    first, last = school_year_bounds(school_year_start)
    rows = session.execute(
        select(SchoolDayOff.school_id, func.count())
        .where(SchoolDayOff.day >= first, SchoolDayOff.day <= last)
        .group_by(SchoolDayOff.school_id)
    ).all()
    return {school_id: count for school_id, count in rows}


def public_holidays(school_year_start: int) -> list[Holiday]:
    """The Norwegian public holidays of the school year, shown beside the days off so
    nobody enters them: the calendar already counts them as days without school."""
    first, last = school_year_bounds(school_year_start)
    calendar = SchoolCalendar()
    found = []
    day = first
    while day <= last:
        name = calendar.holiday_name(day)
        if name is not None:
            found.append(Holiday(day, name))
        day += dt.timedelta(days=1)
    return found


def _check_school(session: Session, school_id: int) -> None:
    if session.get(School, school_id) is None:
        raise Refused("Skolen finnes ikke.")


def add_days_off(
    session: Session,
    school_id: int,
    start: dt.date,
    end: dt.date | None,
    reason: str,
    by: audit.Initiator,
    now: dt.datetime,
) -> int:
    """Enter start..end (end None: one day) as days off; returns how many were added.

    Weekends and public holidays in a range are skipped: they are days without school
    already. Days entered before are kept with their own reason, so a range can be laid
    over a planning day without losing what it was.
    """
    _check_school(session, school_id)
    reason = reason.strip()
    if not reason:
        raise Refused("Skriv hva slags fridag det er.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise Refused("Grunnen kan være høyst %(max)d tegn.", field="reason", max=MAX_REASON_LENGTH)
    end = end or start
    if end < start:
        raise Refused("Til-datoen kan ikke være før fra-datoen.", field="end")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Refused("En periode kan være høyst ett år.", field="end")
    calendar = SchoolCalendar()
    if start == end:
        holiday = calendar.holiday_name(start)
        if holiday is not None:
            raise Refused(
                "%(day)s er en helligdag (%(name)s) og er fri uansett.",
                field="start",
                day=start.strftime("%d.%m.%Y"),
                name=holiday,
            )
        if start.weekday() in _WEEKEND:
            raise Refused(
                "%(day)s er en %(weekday)s og er fri uansett.",
                field="start",
                day=start.strftime("%d.%m.%Y"),
                weekday=WEEKDAYS[start.weekday()],
            )
    existing = set(
        session.execute(
            select(SchoolDayOff.day).where(
                SchoolDayOff.school_id == school_id,
                SchoolDayOff.day >= start,
                SchoolDayOff.day <= end,
            )
        ).scalars()
    )
    added = 0
    day = start
    while day <= end:
        if calendar.is_school_day(day) and day not in existing:
            session.add(SchoolDayOff(school_id=school_id, day=day, reason=reason))
            added += 1
        day += dt.timedelta(days=1)
    session.flush()
    audit.record(
        session,
        by,
        "school_day_off.added",
        "school",
        school_id,
        {"start": start.isoformat(), "end": end.isoformat(), "added": added},
        now=now,
    )
    return added


def remove_day_off(
    session: Session, school_id: int, day_off_id: int, by: audit.Initiator, now: dt.datetime
) -> dt.date:
    """Delete one day off of the school; returns its date for the confirmation."""
    row = session.get(SchoolDayOff, day_off_id)
    if row is None or row.school_id != school_id:
        raise Refused("Fridagen finnes ikke lenger.")
    day = row.day
    session.delete(row)
    session.flush()
    audit.record(
        session,
        by,
        "school_day_off.removed",
        "school",
        school_id,
        {"day_off_id": day_off_id, "day": day.isoformat()},
        now=now,
    )
    return day
