"""The school owner's view: every school of the municipality, what needs attention first.

Counted in SQL, grouped by school, in one query: at the scale of issue 15 (hundreds of
thousands of cases) no case is loaded into Python to be counted, and only the open cases
and the follow-ups overdue are read, with their documents grouped once per case (never
the closed cases of ten years). The deadlines that depend on the school's calendar are
turned into one date per school first (the latest report day whose investigation is
overdue today, and so on), from the days off near today, so the query only compares
columns with those dates. The evaluation dates are those kept on the final plans and
evaluations when they were finalised (trygg.cases.evaluation_dates): no document's JSON
is read.

The counts cover every case in the municipality except those the school owner is
suspected in (they are hidden from that person everywhere). No pupil name is read.
Which cases the owner may open is a separate question, answered by `visible_to`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from trygg.accounts.principal import Principal
from trygg.calendar.clock import utc_start_of
from trygg.calendar.deadlines import INVESTIGATE_SCHOOL_DAYS, PLAN_SCHOOL_DAYS
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.overdue import evaluation_due
from trygg.cases.overview import calendar_for
from trygg.models import Case, CaseActor, CaseDocument, ClosingDecision, School, SchoolDayOff
from trygg.models.cases import CLOSED, OPEN
from trygg.models.closing import REOPENED
from trygg.models.documents import FINAL

# A case this many school days old without a plan is one the owner asks about.
STALE_SCHOOL_DAYS = 20
# The days off read for every school to find its dates: 20 school days and the longest
# holiday (summer, about eight weeks) fit in it.
WINDOW = dt.timedelta(days=120)


@dataclass(frozen=True)
class SchoolStatus:
    school_id: int
    school: str
    open: int
    overdue: int  # open deadlines past their day, every kind
    stale_without_plan: int  # open, older than STALE_SCHOOL_DAYS school days, no plan
    section_12_5: int  # open cases where a staff member is suspected
    evaluations_not_held: int  # evaluation dates passed without a final evaluation

    @property
    def attention(self) -> tuple[int, ...]:
        """Sort key, most urgent first (negated: sorted ascending)."""
        return (
            -self.overdue,
            -self.stale_without_plan,
            -self.evaluations_not_held,
            -self.section_12_5,
            -self.open,
        )


def latest_start_overdue(calendar: SchoolCalendar, today: dt.date, school_days: int) -> dt.date:
    """The latest start day whose deadline `school_days` school days later is past today.

    Deadlines only move later as the start moves later, so every earlier start is
    overdue too: one date stands for the whole rule in a query.
    """
    day = today - dt.timedelta(days=1)
    while calendar.add_school_days(day, school_days) >= today:
        day -= dt.timedelta(days=1)
    return day


def latest_start_older_than(calendar: SchoolCalendar, today: dt.date, school_days: int) -> dt.date:
    """The latest day with more than `school_days` school days between it and today."""
    day = today
    while calendar.school_days_after(day, today) <= school_days:
        day -= dt.timedelta(days=1)
    return day


def _per_school(values: dict[int, Any]) -> ColumnElement[Any]:
    """One value per school as an expression on the case's school: the value most schools
    share is the ELSE, so a municipality with one holiday plan compares with a constant."""
    schools: dict[Any, list[int]] = defaultdict(list)
    for school_id, value in values.items():
        schools[value].append(school_id)
    common, *others = sorted(schools, key=lambda value: (-len(schools[value]), value))
    if not others:
        return literal(common)
    return case(
        *((Case.school_id.in_(schools[value]), literal(value)) for value in others),
        else_=literal(common),
    )


def _school_dates(
    session: Session, school_ids: list[int], today: dt.date
) -> dict[int, tuple[dt.date, dt.date, dt.date]]:
    """Per school, the latest report day whose investigation is overdue today, the latest
    plan-clock day whose plan is, and the latest opening day that is stale.

    Each date is found by counting school days back from today, which reads only the days
    after the date found. So the days off of the last WINDOW are read for every school in
    one query; a school whose date lies further back has its whole calendar read."""
    since = today - WINDOW
    near: dict[int, set[dt.date]] = {school_id: set() for school_id in school_ids}
    for school_id, day in session.execute(
        select(SchoolDayOff.school_id, SchoolDayOff.day).where(
            SchoolDayOff.school_id.in_(school_ids), SchoolDayOff.day > since
        )
    ):
        near[school_id].add(day)
    # Schools with the same days off share their dates (one holiday plan per municipality).
    computed: dict[frozenset[dt.date], tuple[dt.date, dt.date, dt.date]] = {}
    dates = {}
    for school_id, days in near.items():
        key = frozenset(days)
        if key not in computed:
            computed[key] = _dates(SchoolCalendar(days_off=key), today)
        found = computed[key]
        if min(found) < since:
            found = _dates(calendar_for(session, school_id), today)
        dates[school_id] = found
    return dates


def _dates(calendar: SchoolCalendar, today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    return (
        latest_start_overdue(calendar, today, INVESTIGATE_SCHOOL_DAYS),
        latest_start_overdue(calendar, today, PLAN_SCHOOL_DAYS),
        latest_start_older_than(calendar, today, STALE_SCHOOL_DAYS),
    )


def _not_suspect(user: Principal) -> ColumnElement[bool]:
    return ~exists(
        select(CaseActor.id).where(
            CaseActor.case_id == Case.id,
            CaseActor.user_id == user.id,
            CaseActor.suspected.is_(True),
        )
    )


def _documents_of(candidates: Any) -> Any:
    """Per case among `candidates` (a query of case ids): whether a final investigation
    exists, when its newest final plan was finalised (the earliest time when that is
    unknown; None without a final plan) and that plan's id. One grouped read of the
    index of the cases' final documents (migration 0020), never of their JSON."""
    is_plan = CaseDocument.kind == "aktivitetsplan"
    finalised = func.coalesce(CaseDocument.finalised_at, dt.datetime.min)
    return (
        select(
            CaseDocument.case_id,
            func.max(case((CaseDocument.kind == "undersokelse", 1), else_=0)).label("investigated"),
            func.max(case((is_plan, finalised), else_=None)).label("last_plan"),
            func.max(case((is_plan, CaseDocument.id), else_=None)).label("plan_id"),
        )
        .where(
            CaseDocument.case_id.in_(candidates),
            CaseDocument.kind.in_(("undersokelse", "aktivitetsplan")),
            CaseDocument.status == FINAL,
        )
        .group_by(CaseDocument.case_id)
        .subquery("documents")
    )


def _reopenings() -> Any:
    """When the answer at each reopened case's latest follow-up opened it again."""
    return (
        select(
            ClosingDecision.case_id, func.max(ClosingDecision.followed_up_at).label("reopened_at")
        )
        .where(ClosingDecision.follow_up_result == REOPENED)
        .group_by(ClosingDecision.case_id)
        .subquery("reopenings")
    )


def _owner_report_overdue(today: dt.date) -> ColumnElement[bool]:
    """ "Straks": due the day the reason arose, so overdue from the next day. A serious case
    counts from the day it was marked (serious_since); one marked before that day was
    stored falls back to its first receipt, as trygg.cases.overview does."""
    start_of_today = utc_start_of(today)
    marked_before_today = case(
        (Case.serious_since.is_not(None), Case.serious_since < today),
        else_=func.coalesce(Case.received_at, Case.opened_at) < start_of_today,
    )
    return and_(
        Case.owner_reported_at.is_(None),
        Case.leadership_suspected.is_(False),
        (Case.staff_suspected.is_(True) & (Case.opened_at < start_of_today))
        | (Case.serious.is_(True) & marked_before_today),
    )


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def school_statuses(session: Session, user: Principal, today: dt.date) -> list[SchoolStatus]:
    """Every school of the user's municipality, the most urgent first."""
    schools = list(
        session.execute(
            select(School.id, School.name)
            .where(School.municipality_id == user.municipality_id)
            .order_by(School.name, School.id)
        )
    )
    if not schools:
        return []
    dates = _school_dates(session, [s.id for s in schools], today)
    # The first moment whose report is not yet overdue, and so on: a column < it is before.
    investigate_from = _per_school(
        {i: utc_start_of(d[0] + dt.timedelta(days=1)) for i, d in dates.items()}
    )
    plan_until = _per_school({i: d[1] for i, d in dates.items()})
    stale_from = _per_school(
        {i: utc_start_of(d[2] + dt.timedelta(days=1)) for i, d in dates.items()}
    )
    is_open = Case.status == OPEN
    follow_up_overdue = and_(
        Case.status == CLOSED, Case.follow_up_on.is_not(None), Case.follow_up_on < today
    )
    # Every count is of open cases or of follow-ups overdue: the closed cases of ten years
    # are never read, nor their documents.
    counted = or_(is_open, follow_up_overdue)
    docs = _documents_of(select(Case.id).where(counted))
    reopenings = _reopenings()
    investigated = func.coalesce(docs.c.investigated, 0) == 1
    # A final plan not made before the case was last opened again (as case_facts says).
    planned = and_(
        docs.c.last_plan.is_not(None),
        or_(reopenings.c.reopened_at.is_(None), docs.c.last_plan >= reopenings.c.reopened_at),
    )
    plan = aliased(CaseDocument, name="plan")
    due = evaluation_due(docs.c.plan_id, plan.next_evaluation_on)
    query = (
        select(
            Case.school_id,
            _count(is_open).label("open"),
            _count(and_(is_open, ~investigated, Case.opened_at < investigate_from)).label(
                "investigate"
            ),
            _count(
                and_(
                    is_open,
                    Case.unsafe_since.is_not(None),
                    Case.unsafe_since <= plan_until,
                    ~planned,
                )
            ).label("plan"),
            _count(and_(is_open, _owner_report_overdue(today))).label("owner"),
            _count(follow_up_overdue).label("follow_up"),
            _count(and_(is_open, Case.opened_at < stale_from, ~planned)).label("stale"),
            _count(and_(is_open, Case.staff_suspected.is_(True))).label("section_12_5"),
            # A case without a final plan has no evaluation due (the CASE's NULL).
            _count(and_(is_open, docs.c.plan_id.is_not(None), due < today)).label("evaluations"),
        )
        .outerjoin(docs, docs.c.case_id == Case.id)
        .outerjoin(plan, plan.id == docs.c.plan_id)
        .outerjoin(reopenings, reopenings.c.case_id == Case.id)
        .where(
            Case.school_id.in_(
                select(School.id).where(School.municipality_id == user.municipality_id)
            ),
            counted,
            _not_suspect(user),
        )
        .group_by(Case.school_id)
    )
    counts = {row.school_id: row for row in session.execute(query)}
    statuses = []
    for school in schools:
        row = counts.get(school.id)
        late_evaluations = int(row.evaluations) if row is not None else 0
        overdue = (
            int(row.investigate + row.plan + row.owner + row.follow_up) if row is not None else 0
        )
        statuses.append(
            SchoolStatus(
                school_id=school.id,
                school=school.name,
                open=int(row.open) if row is not None else 0,
                overdue=overdue + late_evaluations,
                stale_without_plan=int(row.stale) if row is not None else 0,
                section_12_5=int(row.section_12_5) if row is not None else 0,
                evaluations_not_held=late_evaluations,
            )
        )
    return sorted(statuses, key=lambda s: (s.attention, s.school, s.school_id))
