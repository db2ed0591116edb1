"""The rektor's week ("Oversikt"): one page for the weekly meeting of the leadership.

Built from the cases the user may see (`visible_to`, the same rule as the case list), so
a case hidden from the leadership (§ 12-5) is never listed, counted or given a deadline
here. Per-case facts come from `trygg.cases.overview` (the deadlines, the stage, the late
reports), so the week agrees with the case page to the day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from trygg.accounts.principal import Principal
from trygg.acknowledgements.register import home_status
from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import EVALUATION, Deadline, case_deadlines
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.access import visible_to
from trygg.cases.overview import (
    LateReport,
    calendar_for,
    case_facts,
    late_reports,
    stage_of,
)
from trygg.models import Case
from trygg.models.cases import CLOSED, OPEN
from trygg.overview.grades import grade_of

# A closed case stays on the meeting's page this long: the leadership checks it was closed
# for a reason and that its follow-up date is set.
RECENTLY_CLOSED_DAYS = 30
# Evaluations further ahead than this are not yet the meeting's business.
EVALUATIONS_AHEAD_DAYS = 14

# The meeting's five piles, in the order the meeting goes through them.
REPORTED = "reported"
INVESTIGATING = "investigating"
PLAN_ACTIVE = "plan_active"
TO_EVALUATE = "to_evaluate"
CLOSED_RECENTLY = "closed_recently"
BUCKETS = (REPORTED, INVESTIGATING, PLAN_ACTIVE, TO_EVALUATE, CLOSED_RECENTLY)


@dataclass(frozen=True)
class WeekFilter:
    grade: int | None = None
    class_name: str = ""


@dataclass(frozen=True)
class WeekCase:
    id: int
    reference: str
    pupil_name: str
    pupil_class: str
    grade: int | None
    stage: str  # trygg.cases.overview.STAGES key
    bucket: str  # one of BUCKETS
    handler: str
    serious: bool
    section_12_5: bool
    reported_on: dt.date
    school_days_since_report: int
    rektor_informed_on: dt.date | None
    deadlines: tuple[Deadline, ...]
    late_reports: tuple[LateReport, ...]

    @property
    def next_deadline(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


@dataclass(frozen=True)
class DueItem:
    """One deadline of one case, with how far it is, in school days, from today:
    how many school days it is overdue, or how many remain."""

    case: WeekCase
    deadline: Deadline
    school_days: int


@dataclass(frozen=True)
class AcknowledgementProgress:
    signed: int
    total: int
    plan_title: str


@dataclass(frozen=True)
class WeekOverview:
    today: dt.date
    week_end: dt.date
    cases: tuple[WeekCase, ...]
    overdue: tuple[DueItem, ...]
    due_this_week: tuple[DueItem, ...]
    evaluations: tuple[DueItem, ...]
    acknowledgements: AcknowledgementProgress | None
    grades: tuple[int, ...] = ()
    classes: tuple[str, ...] = ()
    by_bucket: dict[str, tuple[WeekCase, ...]] = field(default_factory=dict)

    @property
    def without_handler(self) -> tuple[WeekCase, ...]:
        return tuple(c for c in self.cases if c.bucket != CLOSED_RECENTLY and not c.handler)

    @property
    def serious(self) -> tuple[WeekCase, ...]:
        return tuple(
            c for c in self.cases if c.bucket != CLOSED_RECENTLY and (c.serious or c.section_12_5)
        )

    @property
    def with_late_reports(self) -> tuple[WeekCase, ...]:
        return tuple(c for c in self.cases if c.late_reports)


def week_end_of(today: dt.date) -> dt.date:
    """The Sunday of today's week: "this week" at a Monday meeting is the school week."""
    return today + dt.timedelta(days=6 - today.weekday())


def _bucket(stage: str, deadlines: tuple[Deadline, ...], week_end: dt.date) -> str:
    if stage == "closed":
        return CLOSED_RECENTLY
    if stage == "reported":
        return REPORTED
    if stage in ("investigating", "planning"):
        # A plan being written is still the investigation's work: nothing runs yet.
        return INVESTIGATING
    due_evaluation = any(d.code == EVALUATION and d.due <= week_end for d in deadlines)
    return TO_EVALUATE if due_evaluation else PLAN_ACTIVE


def _cases_of_week(
    session: Session, user: Principal, today: dt.date, filters: WeekFilter
) -> list[Case]:
    since = dt.datetime.combine(today - dt.timedelta(days=RECENTLY_CLOSED_DAYS), dt.time())
    query = select(Case).where(
        visible_to(user),
        or_(Case.status == OPEN, (Case.status == CLOSED) & (Case.closed_at >= since)),
    )
    if filters.class_name:
        query = query.where(func.lower(Case.pupil_class) == filters.class_name.lower())
    cases = session.execute(query.order_by(Case.opened_at, Case.id)).scalars()
    return [c for c in cases if filters.grade is None or _grade(c) == filters.grade]


def _grade(case: Case) -> int | None:
    return grade_of(case.pupil_class, case.pupil.grade if case.pupil is not None else None)


def _week_case(
    session: Session, case: Case, calendar: SchoolCalendar, today: dt.date, week_end: dt.date
) -> WeekCase:
    facts = case_facts(session, case)
    deadlines = tuple(case_deadlines(facts, calendar, today))
    stage = stage_of(session, case)
    return WeekCase(
        id=case.id,
        reference=case.reference,
        pupil_name=case.pupil_name,
        pupil_class=case.pupil_class,
        grade=_grade(case),
        stage=stage,
        bucket=_bucket(stage, deadlines, week_end),
        handler=case.handler.name if case.handler else "",
        serious=case.serious,
        section_12_5=case.staff_suspected,
        reported_on=facts.reported_on,
        school_days_since_report=calendar.school_days_after(facts.reported_on, today),
        rektor_informed_on=(
            oslo_time(case.rektor_informed_at).date() if case.rektor_informed_at else None
        ),
        deadlines=deadlines,
        late_reports=tuple(late_reports(session, case)) if case.status == OPEN else (),
    )


def _distance(calendar: SchoolCalendar, due: dt.date, today: dt.date) -> int:
    if due < today:
        return calendar.school_days_after(due, today)
    return calendar.school_days_after(today, due)


def week_overview(
    session: Session, user: Principal, today: dt.date, filters: WeekFilter = WeekFilter()
) -> WeekOverview:
    week_end = week_end_of(today)
    calendars: dict[int, SchoolCalendar] = {}
    rows: list[WeekCase] = []
    items: list[DueItem] = []
    for case in _cases_of_week(session, user, today, filters):
        calendar = calendars.get(case.school_id)
        if calendar is None:
            calendar = calendars[case.school_id] = calendar_for(session, case.school_id)
        row = _week_case(session, case, calendar, today, week_end)
        rows.append(row)
        items += [DueItem(row, d, _distance(calendar, d.due, today)) for d in row.deadlines]
    # Most overdue first; then what falls due soonest.
    overdue = sorted(
        (i for i in items if i.deadline.state == "overdue"),
        key=lambda i: (i.deadline.due, i.case.id),
    )
    this_week = sorted(
        (i for i in items if today <= i.deadline.due <= week_end),
        key=lambda i: (i.deadline.due, i.case.id),
    )
    ahead = today + dt.timedelta(days=EVALUATIONS_AHEAD_DAYS)
    evaluations = sorted(
        (i for i in items if i.deadline.code == EVALUATION and today <= i.deadline.due <= ahead),
        key=lambda i: (i.deadline.due, i.case.id),
    )
    by_bucket = {b: tuple(r for r in rows if r.bucket == b) for b in BUCKETS}
    grades, classes = _choices(session, user, today)
    return WeekOverview(
        today=today,
        week_end=week_end,
        cases=tuple(rows),
        overdue=tuple(overdue),
        due_this_week=tuple(this_week),
        evaluations=tuple(evaluations),
        acknowledgements=_acknowledgements(session, user),
        grades=grades,
        classes=classes,
        by_bucket=by_bucket,
    )


def _choices(
    session: Session, user: Principal, today: dt.date
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The filter's choices: the grades and classes of the week's cases, unfiltered."""
    cases = _cases_of_week(session, user, today, WeekFilter())
    grades = sorted({g for g in (_grade(c) for c in cases) if g is not None})
    classes = sorted({c.pupil_class for c in cases}, key=str.lower)
    return tuple(grades), tuple(classes)


def _acknowledgements(session: Session, user: Principal) -> AcknowledgementProgress | None:
    if user.school_id is None:
        return None
    status = home_status(session, user.id, user.school_id, leads=True)
    if not status.published or status.total is None or status.signed_count is None:
        return None
    return AcknowledgementProgress(status.signed_count, status.total, status.title)


@dataclass(frozen=True)
class ListColumns:
    """The columns the rektor asked for in the case list, beside its own row."""

    serious: bool
    rektor_informed_on: dt.date | None
    school_days_since_report: int


def list_columns(session: Session, case_ids: list[int], today: dt.date) -> dict[int, ListColumns]:
    """For the cases of one list page (already filtered by `visible_to`), in one query."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(
            Case.id, Case.school_id, Case.serious, Case.rektor_informed_at, Case.opened_at
        ).where(Case.id.in_(case_ids))
    )
    calendars: dict[int, SchoolCalendar] = {}
    found = {}
    for row in rows:
        calendar = calendars.get(row.school_id)
        if calendar is None:
            calendar = calendars[row.school_id] = calendar_for(session, row.school_id)
        # The case opens with its first report, so its opening is the report's day.
        reported_on = oslo_time(row.opened_at).date()
        found[row.id] = ListColumns(
            serious=row.serious,
            rektor_informed_on=(
                oslo_time(row.rektor_informed_at).date() if row.rektor_informed_at else None
            ),
            school_days_since_report=calendar.school_days_after(reported_on, today),
        )
    return found
