"""Whether a case has an overdue deadline, in SQL: lists filter, sort and count by it
without loading a case into Python.

The same rule as `trygg.calendar.deadlines.case_deadlines` (a deadline is overdue when
today is after its day), computed from the same facts (`trygg.cases.facts.facts_from`);
a property test holds the two together on both databases. It is computed at query time
rather than stored on the case because the facts move from many places: a document
finalised, a case marked serious or reopened, and a school entering a day off moves
every open deadline counted in its school days.

The deadlines counted in school days are turned into one date per school first: a
deadline `n` school days after its start is overdue exactly when the start is before the
`n`-th school day before today (deadlines only move later as their start does). So the
query compares columns with dates, per school. Evaluation dates are those kept on the
final plans and evaluations when they were finalised (trygg.cases.evaluation_dates).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Integer,
    and_,
    any_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session, aliased

from trygg.calendar.clock import utc_start_of
from trygg.calendar.deadlines import INVESTIGATE_SCHOOL_DAYS, PLAN_SCHOOL_DAYS
from trygg.calendar.school_days import SchoolCalendar
from trygg.models import Case, CaseDocument, ClosingDecision, SchoolDayOff
from trygg.models.cases import CLOSED, MERGED, OPEN
from trygg.models.closing import REOPENED
from trygg.models.documents import FINAL

# Days off are read this far back for the per-school dates, then further for a school
# in a long holiday (the summer's eight weeks); beyond that its whole calendar is read.
WINDOWS = (dt.timedelta(days=21), dt.timedelta(days=120))
# Every status but closed, named so the index on status finds the few such cases: the
# deadlines of trygg.calendar.deadlines apply to every case that is not closed.
NOT_CLOSED = (OPEN, MERGED)


def school_days_back(calendar: SchoolCalendar, today: dt.date, count: int) -> dt.date:
    """The `count`-th school day before `today`: a deadline `count` school days after a
    start is overdue today exactly when the start is before this day."""
    day = today
    for _ in range(count):
        day -= dt.timedelta(days=1)
        without_school = 0
        while not calendar.is_school_day(day):
            day -= dt.timedelta(days=1)
            without_school += 1
            if without_school > 366:
                raise ValueError(f"no school day for a year before {day.isoformat()}")
    return day


@dataclass(frozen=True)
class Bounds:
    """Per school, the day before which a report's investigation (and a plan clock's
    plan) is overdue today."""

    today: dt.date
    investigate: dict[int, dt.date]
    plan: dict[int, dt.date]


def bounds_for(session: Session, school_ids: Collection[int], today: dt.date) -> Bounds:
    """The dates of these schools, from their days off near today: one query for all
    of them, a second further back for those in a long holiday."""
    investigate: dict[int, dt.date] = {}
    plan: dict[int, dt.date] = {}
    left = set(school_ids)
    for window in WINDOWS:
        found = _bounds_within(session, left, today, window)
        for school_id, (first, second) in found.items():
            investigate[school_id], plan[school_id] = first, second
        left -= set(found)
    for school_id in left:
        investigate[school_id], plan[school_id] = _from_whole_calendar(session, school_id, today)
    return Bounds(today, investigate, plan)


def _bounds_within(
    session: Session, school_ids: Collection[int], today: dt.date, window: dt.timedelta
) -> dict[int, tuple[dt.date, dt.date]]:
    """The dates of the schools whose school days before today lie within `window`."""
    if not school_ids:
        return {}
    near: dict[int, set[dt.date]] = {school_id: set() for school_id in school_ids}
    for school_id, day in session.execute(
        select(SchoolDayOff.school_id, SchoolDayOff.day).where(
            ids_among(SchoolDayOff.school_id, near, session.get_bind().dialect.name),
            SchoolDayOff.day >= today - window,
            SchoolDayOff.day < today,
        )
    ):
        near[school_id].add(day)
    found: dict[int, tuple[dt.date, dt.date]] = {}
    # Schools with the same days off near today share their dates.
    computed: dict[frozenset[dt.date], tuple[dt.date, dt.date]] = {}
    for school_id, days in near.items():
        key = frozenset(days)
        if key not in computed:
            calendar = SchoolCalendar(key)
            computed[key] = (
                school_days_back(calendar, today, INVESTIGATE_SCHOOL_DAYS),
                school_days_back(calendar, today, PLAN_SCHOOL_DAYS),
            )
        # Counted back into days whose days off were not read: not this window's.
        if min(computed[key]) >= today - window:
            found[school_id] = computed[key]
    return found


def _from_whole_calendar(
    session: Session, school_id: int, today: dt.date
) -> tuple[dt.date, dt.date]:
    days = session.execute(select(SchoolDayOff.day).where(SchoolDayOff.school_id == school_id))
    calendar = SchoolCalendar(frozenset(days.scalars()))
    return (
        school_days_back(calendar, today, INVESTIGATE_SCHOOL_DAYS),
        school_days_back(calendar, today, PLAN_SCHOOL_DAYS),
    )


# The parts that do not depend on the day are built once: building them (aliases above
# all) costs SQLAlchemy more than running them costs the database.


def _per_school(values: dict[int, Any], as_type: Any) -> ColumnElement[Any]:
    """One value per school as a CASE on the school: the most common one as the ELSE."""
    schools: dict[Any, list[int]] = defaultdict(list)
    for school_id, value in values.items():
        schools[value].append(school_id)
    if not schools:
        # No school in the municipality: no case can match, any value will do.
        return literal(None, as_type)
    common = max(schools, key=lambda value: (len(schools[value]), value))
    others = [
        (Case.school_id.in_(ids), literal(value, as_type))
        for value, ids in sorted(schools.items())
        if value != common
    ]
    return case(*others, else_=literal(common, as_type)) if others else literal(common, as_type)


@cache
def _has_final(kind: str) -> ColumnElement[bool]:
    # An alias: a query that lists documents itself must not correlate this one with them.
    doc = aliased(CaseDocument)
    return exists(
        select(doc.id).where(doc.case_id == Case.id, doc.kind == kind, doc.status == FINAL)
    )


@cache
def _has_plan_in_force() -> ColumnElement[bool]:
    """A final plan not made before the case was last opened again (as facts_from says:
    with a reopening, a plan without its finalising time does not count)."""
    plan = aliased(CaseDocument)
    reopened = aliased(ClosingDecision)
    # Two levels down from the case: correlated by name, or it would be a case of its own.
    reopened_after = exists(
        select(reopened.id)
        .where(
            reopened.case_id == Case.id,
            reopened.follow_up_result == REOPENED,
            or_(plan.finalised_at.is_(None), reopened.followed_up_at > plan.finalised_at),
            reopened.followed_up_at.is_not(None),
        )
        .correlate(Case, plan)
    )
    return exists(
        select(plan.id).where(
            plan.case_id == Case.id,
            plan.kind == "aktivitetsplan",
            plan.status == FINAL,
            ~reopened_after,
        )
    )


@cache
def _first_report_at() -> ColumnElement[dt.datetime]:
    """When the case's first report was filed; the case's opening if it has none."""
    report = aliased(CaseDocument)
    first = (
        select(report.created_at)
        .where(report.case_id == Case.id, report.kind == "meldeskjema")
        .order_by(report.id)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(first, Case.opened_at)


def evaluation_due(plan_id: Any, plan_date: Any) -> ColumnElement[Any]:
    """When the plan `plan_id` (an expression) is next evaluated: the date its newest final
    evaluation set, or the plan's own (`plan_date`) until it has one, as kept on the final
    documents (trygg.cases.evaluation_dates). NULL when it sets none. The school owner's
    overview uses it too (trygg.overview.owner)."""
    evaluation = aliased(CaseDocument, name="evaluation")
    of_plan = and_(
        evaluation.parent_id == plan_id,
        evaluation.kind == "evaluering",
        evaluation.status == FINAL,
    )
    newest = (
        select(evaluation.next_evaluation_on)
        .where(of_plan)
        .order_by(evaluation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case((exists(select(evaluation.id).where(of_plan)), newest), else_=plan_date)


@cache
def _next_evaluation_on() -> ColumnElement[Any]:
    """The next evaluation date of the case's plan in force, its newest final plan."""
    plan = aliased(CaseDocument)
    # Read from two levels down: correlated by name, or it would be a case of its own.
    newest_plan = (
        select(func.max(plan.id))
        .where(plan.case_id == Case.id, plan.kind == "aktivitetsplan", plan.status == FINAL)
        .correlate(Case)
        .scalar_subquery()
    )
    newest = aliased(CaseDocument)
    set_by_plan = (
        select(newest.next_evaluation_on).where(newest.id == newest_plan).scalar_subquery()
    )
    return evaluation_due(newest_plan, set_by_plan)


def open_case_overdue(bounds: Bounds) -> ColumnElement[bool]:
    """True for a case that is not closed and has an overdue deadline today (NULL or
    false otherwise: use it in a WHERE)."""
    today = bounds.today
    start_of_today = utc_start_of(today)
    reported_at = _first_report_at()
    investigate_before = _per_school(
        {school: utc_start_of(day) for school, day in bounds.investigate.items()}, DateTime
    )
    plan_before = _per_school(bounds.plan, Date)
    # "Straks": due the day the reason arose, so overdue from the next day. A serious
    # case counts from the day it was marked; one marked before that day was stored
    # falls back to its first receipt (trygg.cases.facts._serious_since).
    serious_before_today = case(
        (Case.serious_since.is_not(None), Case.serious_since < today),
        else_=func.coalesce(Case.received_at, Case.opened_at) < start_of_today,
    )
    owner_not_told = and_(Case.owner_reported_at.is_(None), Case.leadership_suspected.is_(False))
    # The report's own day decides two deadlines: "Meld til skoleeier" when a staff
    # member is suspected (due that day) and the investigation (due two school days
    # later, so never before the first): one comparison, so the first report is read once.
    reported_before = case(
        (and_(owner_not_told, Case.staff_suspected.is_(True)), start_of_today),
        (~_has_final("undersokelse"), investigate_before),
        else_=None,
    )
    from_report = reported_at < reported_before
    serious = and_(owner_not_told, Case.serious.is_(True), serious_before_today)
    plan = and_(
        Case.unsafe_since.is_not(None), Case.unsafe_since < plan_before, ~_has_plan_in_force()
    )
    evaluation = _next_evaluation_on() < today
    return and_(Case.status.in_(NOT_CLOSED), or_(from_report, serious, plan, evaluation))


@dataclass(frozen=True)
class OpenCase:
    """A case that is not closed, as a list needs it before its deadlines are known."""

    id: int
    school_id: int
    opened_at: dt.datetime


def open_cases(session: Session, candidates: Sequence[ColumnElement[bool]]) -> list[OpenCase]:
    """The cases that meet `candidates` and are not closed."""
    rows = session.execute(
        select(Case.id, Case.school_id, Case.opened_at).where(
            *candidates, Case.status.in_(NOT_CLOSED)
        )
    )
    return [OpenCase(row.id, row.school_id, row.opened_at) for row in rows]


def overdue_among(session: Session, today: dt.date, cases: Sequence[OpenCase]) -> set[int]:
    """Which of these cases (not closed) have an overdue deadline today.

    The rules that read documents run over those cases only, named by id: a few dozen
    or hundred (a school's open cases, the owner's open inbox), however many closed cases
    the years have brought. Named by id, the database also knows how few they are and
    plans them row by row, rather than reading every document of every case or compiling
    the query (PostgreSQL's JIT) for a run of milliseconds.
    """
    if not cases:
        return set()
    bounds = bounds_for(session, {c.school_id for c in cases}, today)
    dialect = session.get_bind().dialect.name
    query = select(Case.id).where(
        ids_among(Case.id, [c.id for c in cases], dialect), open_case_overdue(bounds)
    )
    return set(session.execute(query).scalars())


def open_overdue_ids(
    session: Session, today: dt.date, candidates: Sequence[ColumnElement[bool]]
) -> set[int]:
    """The cases that meet `candidates`, are not closed and have an overdue deadline today."""
    return overdue_among(session, today, open_cases(session, candidates))


def ids_among(
    column: QueryableAttribute[int], ids: Collection[int], dialect: str
) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL as one array parameter: hundreds of ids, one
    parameter each, cost SQLAlchemy and the driver more to write than the database to
    read."""
    if dialect == "postgresql":
        return column == any_(literal(sorted(ids), ARRAY(Integer)))
    return column.in_(sorted(ids))


def overdue_clause(
    today: dt.date, open_overdue: Collection[int], dialect: str
) -> ColumnElement[bool]:
    """True for a case with an overdue deadline today, false otherwise (never NULL: its
    negation is the cases without one), given the cases among the list's that are not
    closed and overdue (`overdue_among`): a closed case can only be overdue with its
    follow-up, a date on the row."""
    follow_up = and_(Case.follow_up_on.is_not(None), Case.follow_up_on < today)
    # The ids are compared only for the cases that are not closed: a few among thousands.
    return case((Case.status == CLOSED, follow_up), else_=ids_among(Case.id, open_overdue, dialect))


def overdue_for(
    session: Session, today: dt.date, candidates: Sequence[ColumnElement[bool]]
) -> ColumnElement[bool]:
    """`overdue_clause` for the cases that meet `candidates`."""
    dialect = session.get_bind().dialect.name
    return overdue_clause(today, open_overdue_ids(session, today, candidates), dialect)
