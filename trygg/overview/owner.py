"""The school owner's view: every school of the municipality, what needs attention first.

Counted in SQL, grouped by school, in one query: at the scale of issue 15 (hundreds of
thousands of cases) no case is loaded into Python to be counted. The deadlines that
depend on the school's calendar are turned into one date per school first (the latest
report day whose investigation is overdue today, and so on), so the query only compares
columns with those dates. Only the evaluation dates live inside the plan documents'
JSON: they are read for the open cases with a final plan, as plain rows.

The counts cover every case in the municipality except those the school owner is
suspected in (they are hidden from that person everywhere). No pupil name is read.
Which cases the owner may open is a separate question, answered by `visible_to`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from trygg.accounts.principal import Principal
from trygg.calendar.clock import OSLO
from trygg.calendar.deadlines import INVESTIGATE_SCHOOL_DAYS, PLAN_SCHOOL_DAYS
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.overview import calendar_for
from trygg.models import Case, CaseActor, CaseDocument, ClosingDecision, School
from trygg.models.cases import CLOSED, OPEN
from trygg.models.closing import REOPENED
from trygg.models.documents import FINAL

# A case this many school days old without a plan is one the owner asks about.
STALE_SCHOOL_DAYS = 20


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


def utc_start_of(day: dt.date) -> dt.datetime:
    """Midnight in Norway at the start of `day`, as the naive UTC the database stores."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=OSLO)
    return local.astimezone(UTC).replace(tzinfo=None)


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


def _boundaries(session: Session, school_ids: list[int], today: dt.date) -> Any:
    """One row of dates per school, as a subquery the counts join."""
    rows = []
    for school_id in school_ids:
        calendar = calendar_for(session, school_id)
        investigate = latest_start_overdue(calendar, today, INVESTIGATE_SCHOOL_DAYS)
        plan = latest_start_overdue(calendar, today, PLAN_SCHOOL_DAYS)
        stale = latest_start_older_than(calendar, today, STALE_SCHOOL_DAYS)
        rows.append(
            select(
                literal(school_id, Integer).label("school_id"),
                literal(utc_start_of(investigate + dt.timedelta(days=1))).label("investigate"),
                literal(plan).label("plan"),
                literal(utc_start_of(stale + dt.timedelta(days=1))).label("stale"),
            )
        )
    return union_all(*rows).subquery("bounds")


def _not_suspect(user: Principal) -> ColumnElement[bool]:
    return ~exists(
        select(CaseActor.id).where(
            CaseActor.case_id == Case.id,
            CaseActor.user_id == user.id,
            CaseActor.suspected.is_(True),
        )
    )


def _has_final(kind: str) -> ColumnElement[bool]:
    # An alias: a query that lists documents itself must not correlate this one with them.
    doc = aliased(CaseDocument)
    return exists(
        select(doc.id).where(doc.case_id == Case.id, doc.kind == kind, doc.status == FINAL)
    )


def _has_plan_in_force() -> ColumnElement[bool]:
    """A final plan not made before the case was last opened again (as case_facts says)."""
    plan = aliased(CaseDocument)
    reopened_after = exists(
        select(ClosingDecision.id).where(
            ClosingDecision.case_id == Case.id,
            ClosingDecision.follow_up_result == REOPENED,
            ClosingDecision.followed_up_at > plan.finalised_at,
        )
    )
    return exists(
        select(plan.id).where(
            plan.case_id == Case.id,
            plan.kind == "aktivitetsplan",
            plan.status == FINAL,
            ~reopened_after,
        )
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
    bounds = _boundaries(session, [s.id for s in schools], today)
    start_of_today = utc_start_of(today)
    is_open = Case.status == OPEN
    investigate_overdue = and_(
        is_open, ~_has_final("undersokelse"), Case.opened_at < bounds.c.investigate
    )
    plan_overdue = and_(
        is_open,
        Case.unsafe_since.is_not(None),
        Case.unsafe_since <= bounds.c.plan,
        ~_has_plan_in_force(),
    )
    # "Straks": due the day the reason arose, so overdue from the next day. A serious case
    # counts from the day it was marked (serious_since); one marked before that day was
    # stored falls back to its first receipt, as trygg.cases.overview does.
    marked_before_today = case(
        (Case.serious_since.is_not(None), Case.serious_since < today),
        else_=func.coalesce(Case.received_at, Case.opened_at) < start_of_today,
    )
    owner_overdue = and_(
        is_open,
        Case.owner_reported_at.is_(None),
        Case.leadership_suspected.is_(False),
        (Case.staff_suspected.is_(True) & (Case.opened_at < start_of_today))
        | (Case.serious.is_(True) & marked_before_today),
    )
    follow_up_overdue = and_(
        Case.status == CLOSED, Case.follow_up_on.is_not(None), Case.follow_up_on < today
    )
    query = (
        select(
            Case.school_id,
            _count(is_open).label("open"),
            _count(investigate_overdue).label("investigate"),
            _count(plan_overdue).label("plan"),
            _count(owner_overdue).label("owner"),
            _count(follow_up_overdue).label("follow_up"),
            _count(and_(is_open, Case.opened_at < bounds.c.stale, ~_has_plan_in_force())).label(
                "stale"
            ),
            _count(and_(is_open, Case.staff_suspected.is_(True))).label("section_12_5"),
        )
        .join(bounds, bounds.c.school_id == Case.school_id)
        .where(_not_suspect(user))
        .group_by(Case.school_id)
    )
    counts = {row.school_id: row for row in session.execute(query)}
    evaluations = _evaluations_not_held(session, user, today)
    statuses = []
    for school in schools:
        row = counts.get(school.id)
        late_evaluations = evaluations.get(school.id, 0)
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


def _evaluations_not_held(session: Session, user: Principal, today: dt.date) -> dict[int, int]:
    """Per school, the open cases whose plan in force has an evaluation date before today
    and no final evaluation that set a later one (the rule of
    trygg.cases.overview._pending_evaluation_dates, on plain rows)."""
    rows = session.execute(
        select(
            Case.school_id,
            CaseDocument.case_id,
            CaseDocument.id,
            CaseDocument.kind,
            CaseDocument.parent_id,
            CaseDocument.data,
        )
        .join(Case, Case.id == CaseDocument.case_id)
        .join(School, School.id == Case.school_id)
        .where(
            School.municipality_id == user.municipality_id,
            Case.status == OPEN,
            _not_suspect(user),
            _has_final("aktivitetsplan"),
            CaseDocument.status == FINAL,
            CaseDocument.kind.in_(("aktivitetsplan", "evaluering")),
        )
        .order_by(CaseDocument.case_id, CaseDocument.id)
    )
    per_case: dict[int, list[Any]] = defaultdict(list)
    school_of: dict[int, int] = {}
    for row in rows:
        per_case[row.case_id].append(row)
        school_of[row.case_id] = row.school_id
    late: dict[int, int] = defaultdict(int)
    for case_id, docs in per_case.items():
        due = pending_evaluation(docs)
        if due is not None and due < today:
            late[school_of[case_id]] += 1
    return late


def pending_evaluation(docs: list[Any]) -> dt.date | None:
    """The next evaluation date of the newest final plan, from its final documents
    (rows with kind, id, parent_id and data, in id order)."""
    plans = [d for d in docs if d.kind == "aktivitetsplan"]
    if not plans:
        return None
    plan = plans[-1]
    evaluations = [d for d in docs if d.kind == "evaluering" and d.parent_id == plan.id]
    if evaluations:
        step = evaluations[-1].data.get("next", {})
        if step.get("action") in ("ny_evaluering", "ny_versjon") and step.get("evaluate_on"):
            return dt.date.fromisoformat(step["evaluate_on"])
        return None
    dates = [m.get("evaluate_on") for m in plan.data.get("measures", []) if m.get("evaluate_on")]
    return min(dt.date.fromisoformat(d) for d in dates) if dates else None
