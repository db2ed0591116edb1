"""Issue 15: "has an overdue deadline" in SQL (trygg.cases.overdue) says exactly what the
deadlines computed in Python say (trygg.cases.facts, trygg.calendar.deadlines), for any
case, on any day, at schools with any days off; and what a list page loads for its rows
in one batch is what the case page computes case by case.

Each example writes its cases as rows (tests/factories/case_rows.py) in a transaction
that is rolled back, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.case_rows import (
    FIRST_DAY,
    SPAN_DAYS,
    CaseRows,
    PlanRow,
    add_case,
    add_days_off,
    case_rows,
)
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg.calendar.clock import oslo_time
from trygg.cases.facts import calendar_for, deadlines_of, page_facts, stage_of
from trygg.cases.overdue import WINDOWS, bounds_for, overdue_for, school_days_back
from trygg.models import Case

spans = st.lists(st.tuples(st.integers(0, SPAN_DAYS + 40), st.integers(1, 60)), max_size=3)


def _days(found: list[tuple[int, int]]) -> list[dt.date]:
    return [
        FIRST_DAY + dt.timedelta(days=start + n) for start, length in found for n in range(length)
    ]


def _overdue_in_sql(session: Session, today: dt.date) -> set[int]:
    clause = overdue_for(session, today, [])
    return set(session.execute(select(Case.id).where(clause)).scalars())


def _overdue_in_python(session: Session, cases: list[Case], today: dt.date) -> set[int]:
    return {
        case.id
        for case in cases
        if any(d.state == "overdue" for d in deadlines_of(session, case, today))
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(case_rows, min_size=4, max_size=16),
    days_off=st.tuples(spans, spans),
    todays=st.lists(st.integers(1, SPAN_DAYS + 90), min_size=1, max_size=4),
)
def test_sql_and_python_agree_on_overdue(
    session: Session,
    demo: dict[str, str],
    rows: list[CaseRows],
    days_off: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    todays: list[int],
) -> None:
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    try:
        for school, found in zip(schools, days_off, strict=True):
            add_days_off(session, school, _days(found))
        cases = [add_case(session, row, schools, n) for n, row in enumerate(rows, start=1)]
        for offset in todays:
            today = FIRST_DAY + dt.timedelta(days=offset)
            python = _overdue_in_python(session, cases, today)
            assert _overdue_in_sql(session, today) == python, (today, rows)
            for shown in page_facts(session, cases, today):
                case = shown.case
                assert shown.deadlines == tuple(deadlines_of(session, case, today)), case.id
                assert shown.stage == stage_of(session, case)
                calendar = calendar_for(session, case.school_id)
                opened_on = oslo_time(case.opened_at).date()
                assert shown.school_days_since_report == calendar.school_days_after(
                    opened_on, today
                )
    finally:
        session.rollback()


def test_each_kind_of_deadline_is_overdue_the_day_after_it_is_due(
    session: Session, demo: dict[str, str]
) -> None:
    """Examples that make each rule fail alone (the property above covers their mixes)."""
    schools = [school_id(session, NORDPOLEN)]
    plan = PlanRow(final=True, finalised_after_days=5, measure_dates=("2026-06-15",))
    examples = {
        # Reported Monday 25 May 2026; two school days later is Wednesday 27 May.
        "investigate": CaseRows(school=0),
        "report_to_owner": CaseRows(school=0, investigation="final", staff_suspected=True),
        "plan": CaseRows(school=0, investigation="final", unsafe_after_days=0),
        "evaluation": CaseRows(school=0, investigation="final", unsafe_after_days=0, plans=(plan,)),
        "follow_up": CaseRows(school=0, status="closed", follow_up_after_days=30),
        "none": CaseRows(school=0, investigation="final"),
    }
    cases = {
        name: add_case(session, row, schools, n)
        for n, (name, row) in enumerate(examples.items(), start=1)
    }
    due = {
        "investigate": dt.date(2026, 5, 27),
        "report_to_owner": dt.date(2026, 5, 25),
        "plan": dt.date(2026, 6, 1),
        "evaluation": dt.date(2026, 6, 15),
        "follow_up": dt.date(2026, 6, 24),
    }
    for name, day in due.items():
        case = cases[name]
        assert case.id not in _overdue_in_sql(session, day), name
        assert case.id in _overdue_in_sql(session, day + dt.timedelta(days=1)), name
        assert case.id in _overdue_in_python(session, [case], day + dt.timedelta(days=1))
    assert cases["none"].id not in _overdue_in_sql(session, dt.date(2026, 12, 1))


def test_a_long_holiday_reads_the_whole_calendar(session: Session, demo: dict[str, str]) -> None:
    """Days off are read near today only; a school whose school days before today lie
    further back than that is counted from its whole calendar, as the case page does."""
    school = school_id(session, NORDPOLEN)
    today = dt.date(2026, 12, 1)
    # No school from 1 June to 30 November: the last school days are in May.
    off = today - dt.timedelta(days=183)
    add_days_off(session, school, [off + dt.timedelta(days=n) for n in range(183)])
    bounds = bounds_for(session, [school], today)
    assert bounds.investigate[school] < today - WINDOWS[-1]
    assert bounds.investigate[school] == school_days_back(calendar_for(session, school), today, 2)
    assert bounds.investigate[school] == dt.date(2026, 5, 28)  # Friday 29 May, Thursday 28
    case = add_case(session, CaseRows(school=0, opened_day=2), [school], 1)  # 27 May
    assert _overdue_in_sql(session, today) == _overdue_in_python(session, [case], today)
    assert case.id in _overdue_in_sql(session, today)
