"""Issue 15/16: the school owner's counts (trygg.overview.owner) read only the open cases
and the follow-ups overdue, with each school's dates from the days off near today, and
still say what the case page's deadlines say case by case: for any case on any day at
schools with any days off (long holidays reach past the days read near today).

Each example writes its cases as rows (tests/factories/case_rows.py) in a transaction
that is rolled back, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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
from tests.factories.users import NORDPOLEN, VESTRE_AKER, demo_user, school_id
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.deadlines import EVALUATION
from trygg.cases.events import suspected_user_ids
from trygg.cases.facts import calendar_for, case_facts, deadlines_of
from trygg.models import Case
from trygg.models.cases import CLOSED, OPEN
from trygg.overview import owner

spans = st.lists(st.tuples(st.integers(0, SPAN_DAYS + 40), st.integers(1, 90)), max_size=3)
COUNTS = ("open", "overdue", "stale", "section_12_5", "evaluations")


def _days(found: list[tuple[int, int]]) -> list[dt.date]:
    return [
        FIRST_DAY + dt.timedelta(days=start + n) for start, length in found for n in range(length)
    ]


def case_by_case(session: Session, viewer: Principal, today: dt.date) -> dict[int, tuple[int, ...]]:
    """Per school, the owner's figures from the deadlines the case page shows."""
    found: dict[int, list[int]] = {}
    for case in session.execute(select(Case).order_by(Case.id)).scalars():
        if case.status not in (OPEN, CLOSED) or viewer.id in suspected_user_ids(case):
            continue
        counts = found.setdefault(case.school_id, [0] * len(COUNTS))
        overdue = [d for d in deadlines_of(session, case, today) if d.state == "overdue"]
        counts[1] += len(overdue)
        counts[4] += sum(1 for d in overdue if d.code == EVALUATION)
        if case.status != OPEN:
            continue
        facts = case_facts(session, case)
        calendar = calendar_for(session, case.school_id)
        counts[0] += 1
        counts[2] += (
            calendar.school_days_after(facts.reported_on, today) > owner.STALE_SCHOOL_DAYS
            and not facts.plan_finalised
        )
        counts[3] += case.staff_suspected
    return {school: tuple(counts) for school, counts in found.items() if any(counts)}


def in_sql(session: Session, viewer: Principal, today: dt.date) -> dict[int, tuple[int, ...]]:
    found = {
        s.school_id: (
            s.open,
            s.overdue,
            s.stale_without_plan,
            s.section_12_5,
            s.evaluations_not_held,
        )
        for s in owner.school_statuses(session, viewer, today)
    }
    return {school: counts for school, counts in found.items() if any(counts)}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # The case opens with its report (as filing does): the owner's SQL counts from the
    # opening, the case page from the first report.
    rows=st.lists(case_rows.map(lambda row: replace(row, reports=(0,))), min_size=3, max_size=14),
    days_off=st.tuples(spans, spans),
    todays=st.lists(st.integers(1, SPAN_DAYS + 90), min_size=1, max_size=3),
    suspected=st.lists(st.booleans(), min_size=14, max_size=14),
)
def test_the_owners_counts_agree_with_the_deadlines_case_by_case(
    session: Session,
    demo: dict[str, str],
    rows: list[CaseRows],
    days_off: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    todays: list[int],
    suspected: list[bool],
) -> None:
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    viewer = Principal.of(demo_user(session, SKOLEEIER, None))
    try:
        for school, found in zip(schools, days_off, strict=True):
            add_days_off(session, school, _days(found))
        for number, (row, suspect) in enumerate(zip(rows, suspected, strict=False), start=1):
            # Cases the owner is suspected in are hidden from the owner's counts.
            add_case(
                session, replace(row, suspects=(viewer.id,) if suspect else ()), schools, number
            )
        for offset in todays:
            today = FIRST_DAY + dt.timedelta(days=offset)
            assert in_sql(session, viewer, today) == case_by_case(session, viewer, today), today
    finally:
        session.rollback()


def test_a_case_opened_again_elsewhere_leaves_this_plan_in_force(
    session: Session, demo: dict[str, str]
) -> None:
    """A plan counts as made unless its own case was opened again after it; a reopening
    of another case (here at another school) says nothing about it."""
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    viewer = Principal.of(demo_user(session, SKOLEEIER, None))
    plan = PlanRow(final=True, finalised_after_days=4, measure_dates=("2026-08-20",))
    planned = CaseRows(school=0, investigation="final", unsafe_after_days=0, plans=(plan,))
    # Opened the day before, closed, and opened again at the follow-up after that plan.
    reopened = CaseRows(
        school=1, opened_day=0, investigation="final", follow_ups=((10, "reopened"),)
    )
    try:
        add_case(session, planned, schools, 1)
        add_case(session, reopened, schools, 2)
        today = FIRST_DAY + dt.timedelta(days=40)
        [nordpolen] = [
            s for s in owner.school_statuses(session, viewer, today) if s.school_id == schools[0]
        ]
        assert (nordpolen.open, nordpolen.overdue, nordpolen.stale_without_plan) == (1, 0, 0)
        assert in_sql(session, viewer, today) == case_by_case(session, viewer, today)
    finally:
        session.rollback()
