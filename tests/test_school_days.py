"""Days off in the domain: ranges skip weekends and public holidays, keep what was there,
belong to one school and one school year, and are audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg import audit
from trygg.calendar.days_off import (
    add_days_off,
    days_off_for,
    public_holidays,
    remove_day_off,
    school_year_of,
)
from trygg.calendar.deadlines import INVESTIGATE, CaseFacts, case_deadlines
from trygg.cases.overview import calendar_for
from trygg.errors import DomainError

NOW = dt.datetime(2026, 9, 1, 10, 0)
BY = audit.Initiator(user_id=None, email="admin@demo.trygg.no")
D = dt.date


def add(session: Session, school: int, start: dt.date, end: dt.date | None, reason: str) -> int:
    added = add_days_off(session, school, start, end, reason, BY, NOW)
    session.commit()
    return added


def test_a_range_skips_weekends_and_keeps_days_entered_before(
    session: Session, demo: dict[str, str]
) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    assert add(session, nordpolen, D(2026, 10, 5), None, "Planleggingsdag") == 1

    # Friday 2 October to Tuesday 13 October: two weekends inside, 5 October already there.
    assert add(session, nordpolen, D(2026, 10, 2), D(2026, 10, 13), "Høstferie") == 7

    days = {d.day: d.reason for d in days_off_for(session, nordpolen, 2026)}
    assert sorted(days) == [
        D(2026, 10, 2),
        D(2026, 10, 5),
        D(2026, 10, 6),
        D(2026, 10, 7),
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 12),
        D(2026, 10, 13),
    ]
    assert days[D(2026, 10, 5)] == "Planleggingsdag"
    assert days[D(2026, 10, 6)] == "Høstferie"
    assert days_off_for(session, school_id(session, VESTRE_AKER), 2026) == []
    # Entering the same period again adds nothing.
    assert add(session, nordpolen, D(2026, 10, 2), D(2026, 10, 13), "Høstferie") == 0

    added = audit_events(session, "school_day_off.added")
    assert [e.object_id for e in added] == [str(nordpolen)] * 3
    assert json.loads(added[1].details) == {"start": "2026-10-02", "end": "2026-10-13", "added": 7}


def test_public_holidays_in_a_range_are_not_stored(session: Session, demo: dict[str, str]) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    # 25 December and 1 January are public holidays; 24 and 31 December are not.
    assert add(session, nordpolen, D(2026, 12, 21), D(2027, 1, 1), "Juleferie") == 8
    days = [d.day for d in days_off_for(session, nordpolen, 2026)]
    assert D(2026, 12, 24) in days and D(2026, 12, 31) in days
    assert D(2026, 12, 25) not in days and D(2027, 1, 1) not in days


@pytest.mark.parametrize(
    ("start", "end", "reason", "message", "field"),
    [
        (D(2026, 10, 3), None, "Høstferie", "er en lørdag", "start"),
        (D(2027, 3, 26), None, "Påskeferie", r"helligdag \(Langfredag\)", "start"),
        (D(2026, 10, 9), D(2026, 10, 5), "Høstferie", "før fra-datoen", "end"),
        (D(2026, 8, 3), D(2027, 8, 10), "Sommerferie", "høyst ett år", "end"),
        (D(2026, 10, 5), None, "   ", "hva slags fridag", "reason"),
        (D(2026, 10, 5), None, "x" * 201, "høyst 200 tegn", "reason"),
    ],
)
def test_mistakes_are_named_beside_their_field(
    session: Session,
    demo: dict[str, str],
    start: dt.date,
    end: dt.date | None,
    reason: str,
    message: str,
    field: str,
) -> None:
    with pytest.raises(DomainError, match=message) as raised:
        add(session, school_id(session, NORDPOLEN), start, end, reason)
    assert raised.value.field == field
    session.rollback()
    assert days_off_for(session, school_id(session, NORDPOLEN), 2026) == []


def test_the_school_year_runs_from_august_to_july(session: Session, demo: dict[str, str]) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    add(session, nordpolen, D(2026, 7, 31), None, "Sommerferie")
    add(session, nordpolen, D(2026, 8, 3), None, "Sommerferie")
    add(session, nordpolen, D(2027, 6, 21), D(2027, 6, 25), "Sommerferie")
    assert [d.day for d in days_off_for(session, nordpolen, 2025)] == [D(2026, 7, 31)]
    assert len(days_off_for(session, nordpolen, 2026)) == 6
    assert (school_year_of(D(2026, 7, 31)), school_year_of(D(2026, 8, 1))) == (2025, 2026)
    holidays = {h.day: h.name for h in public_holidays(2026)}
    assert holidays[D(2027, 5, 17)] == "Andre pinsedag; Grunnlovsdag"
    assert min(holidays) >= D(2026, 8, 1) and max(holidays) <= D(2027, 7, 31)


def test_removing_a_day_is_per_school_and_audited(session: Session, demo: dict[str, str]) -> None:
    nordpolen, vestre = school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)
    add(session, nordpolen, D(2026, 11, 16), None, "Planleggingsdag")
    (day,) = days_off_for(session, nordpolen, 2026)
    with pytest.raises(DomainError, match="finnes ikke"):
        remove_day_off(session, vestre, day.id, BY, NOW)
    assert remove_day_off(session, nordpolen, day.id, BY, NOW) == D(2026, 11, 16)
    session.commit()
    assert days_off_for(session, nordpolen, 2026) == []
    removed = audit_events(session, "school_day_off.removed")
    assert json.loads(removed[0].details) == {"day_off_id": day.id, "day": "2026-11-16"}


def test_a_day_off_moves_the_investigation_deadline(session: Session, demo: dict[str, str]) -> None:
    nordpolen = school_id(session, NORDPOLEN)
    facts = CaseFacts(
        reported_on=D(2026, 10, 2),  # a Friday
        investigation_finalised=False,
        unsafe_since=None,
        plan_finalised=False,
        rektor_informed_on=None,
        raised_with_rektor_by_home=None,
        evaluation_dates=(),
        staff_suspected=False,
        owner_report_recorded=False,
        closed=False,
    )

    def investigate_due() -> dt.date:
        deadlines = case_deadlines(facts, calendar_for(session, nordpolen), D(2026, 10, 2))
        return next(d.due for d in deadlines if d.code == INVESTIGATE)

    # Two school days after a Friday: Tuesday.
    assert investigate_due() == D(2026, 10, 6)
    add(session, nordpolen, D(2026, 10, 5), D(2026, 10, 9), "Høstferie")
    # The autumn holiday week does not count: Tuesday the week after.
    assert investigate_due() == D(2026, 10, 13)
