"""The year's figures, for a school or the whole municipality, for a school year or any
period: reports per month, cases by kind of violation, by arena and by trinn, the time
to investigation and to plan (in school days), plans evaluated on time, closed cases by
outcome (outcomes.py), § 12-5 cases.

`raw_figures` computes the true numbers (tests compare them with known cases);
`figures` is what a page may show: the same after `suppression.protect`.

Whose cases: the rektor's figures count the school's cases the leadership may see (never
a case hidden from it under § 12-5, not even as a number); the school owner's count every
case of the municipality, or of one school, except those the owner is suspected in.
The figures read narrow rows (no ORM objects) of the period's cases only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from trygg.accounts.permissions import can_view_school_figures
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.clock import oslo_time, utc_start_of
from trygg.calendar.deadlines import INVESTIGATE_SCHOOL_DAYS, PLAN_SCHOOL_DAYS
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.overview import calendar_for
from trygg.cases.plans_in_force import pending_evaluation
from trygg.documents.vocabulary import ARENAS, VIOLATION_KINDS
from trygg.errors import NotFound
from trygg.models import Case, CaseActor, CaseDocument, Pupil, School
from trygg.models.documents import FINAL
from trygg.overview.grades import HIGHEST_GRADE, grade_of
from trygg.overview.outcomes import closed_by_outcome
from trygg.overview.suppression import Cell as Row
from trygg.overview.suppression import Table, protect, share, shown_count

MONTHS = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")
UNKNOWN = "Ukjent"
CASES = "cases"  # the group of the period's cases (suppression.Table.group)
REPORTS = "reports"  # the group of the period's reports


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if (
            self.start.month == 8
            and self.start.day == 1
            and self.end == school_year(self.start.year).end
        ):
            return f"Skoleåret {self.start.year}/{str(self.start.year + 1)[2:]}"
        return f"{self.start.strftime('%d.%m.%Y')}–{self.end.strftime('%d.%m.%Y')}"


def school_year(start_year: int) -> Period:
    """A school year runs from 1 August to 31 July."""
    return Period(dt.date(start_year, 8, 1), dt.date(start_year + 1, 7, 31))


def school_year_of(day: dt.date) -> Period:
    return school_year(day.year if day.month >= 8 else day.year - 1)


@dataclass(frozen=True)
class Timing:
    """How long a step took, in school days: among `count` cases, the median, and the
    share within the product's deadline (among `deadline_count` to which one applied)."""

    count: int
    median: float | None
    within: int
    deadline_count: int


@dataclass(frozen=True)
class Figures:
    period: Period
    scope: str  # the school's name, or the municipality's
    tables: tuple[Table, ...]
    section_12_5: int
    investigation: Timing
    plan: Timing
    evaluations_on_time: int
    evaluations_due: int

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


@dataclass(frozen=True)
class ShownTiming:
    count: int | None
    median: float | None
    within_share: float | None


@dataclass(frozen=True)
class ShownFigures:
    """What a page prints: every number already suppressed where it must be."""

    period: Period
    scope: str
    tables: tuple[Table, ...]
    section_12_5: int | None
    investigation: ShownTiming
    plan: ShownTiming
    evaluations_on_time: float | None
    evaluations_due: int | None

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _scope(user: Principal, school_id: int | None) -> ColumnElement[bool]:
    not_suspect = ~exists(
        select(CaseActor.id).where(
            CaseActor.case_id == Case.id,
            CaseActor.user_id == user.id,
            CaseActor.suspected.is_(True),
        )
    )
    in_municipality = Case.school_id.in_(
        select(School.id).where(School.municipality_id == user.municipality_id)
    )
    where = and_(in_municipality, not_suspect)
    if school_id is not None:
        where = and_(where, Case.school_id == school_id)
    if user.role != SKOLEEIER:
        # The leadership never counts a case hidden from it (§ 12-5).
        where = and_(where, Case.leadership_suspected.is_(False))
    return where


def raw_figures(
    session: Session, user: Principal, school_id: int | None, period: Period, today: dt.date
) -> Figures:
    if not can_view_school_figures(user, school_id):
        raise NotFound("Tallene finnes ikke, eller du har ikke tilgang til dem.")
    scope = _scope(user, school_id)
    start, end = utc_start_of(period.start), utc_start_of(period.end + dt.timedelta(days=1))
    cases = list(
        session.execute(
            select(
                Case.id,
                Case.school_id,
                Case.pupil_class,
                Case.staff_suspected,
                Case.unsafe_since,
                Case.opened_at,
                Pupil.grade,
            )
            .outerjoin(Pupil, Pupil.id == Case.pupil_id)
            .where(scope, Case.opened_at >= start, Case.opened_at < end)
            .order_by(Case.id)
        )
    )
    docs = _documents(session, [c.id for c in cases])
    calendars: dict[int, SchoolCalendar] = {}

    def calendar(school: int) -> SchoolCalendar:
        if school not in calendars:
            calendars[school] = calendar_for(session, school)
        return calendars[school]

    kinds: Counter[str] = Counter()
    arenas: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    for case in cases:
        reports = [d for d in docs[case.id] if d.kind == "meldeskjema"]
        first = reports[0].data if reports else {}
        arenas[str(first.get("arena") or "annet")] += 1
        for kind in {k for r in reports for k in r.data.get("kinds", [])}:
            kinds[str(kind)] += 1
        grade = grade_of(case.pupil_class, case.grade)
        grades[f"{grade}. trinn" if grade is not None else UNKNOWN] += 1
    investigation, plan = _timings(cases, docs, calendar)
    on_time, due = _evaluations(session, scope, period, today)
    tables = (
        Table(
            "reports_per_month",
            "Meldinger per måned",
            _months(session, scope, period),
            group=REPORTS,
        ),
        Table(
            "kinds",
            "Saker etter type krenkelse",
            tuple(Row(VIOLATION_KINDS[k], kinds.get(k, 0)) for k in VIOLATION_KINDS),
        ),
        Table(
            "arenas",
            "Saker etter arena",
            tuple(Row(ARENAS[a], arenas.get(a, 0)) for a in ARENAS),
            group=CASES,
        ),
        Table(
            "grades",
            "Saker etter trinn",
            tuple(
                Row(label, grades.get(label, 0))
                for label in [f"{g}. trinn" for g in range(1, HIGHEST_GRADE + 1)] + [UNKNOWN]
                if grades.get(label, 0) or (label != UNKNOWN and _in_school(label, grades))
            ),
            group=CASES,
        ),
        closed_by_outcome(session, scope, start, end),
    )
    return Figures(
        period=period,
        scope=_scope_name(session, user, school_id),
        tables=tables,
        section_12_5=sum(1 for c in cases if c.staff_suspected),
        investigation=investigation,
        plan=plan,
        evaluations_on_time=on_time,
        evaluations_due=due,
    )


def _in_school(label: str, grades: Counter[str]) -> bool:
    """Grades between the lowest and highest that have cases, so a 1–7 school is not shown
    with empty rows for 8th to 13th grade."""
    present = [int(k.split(".")[0]) for k in grades if k != UNKNOWN]
    if not present:
        return False
    grade = int(label.split(".")[0])
    return min(present) <= grade <= max(present)


def _scope_name(session: Session, user: Principal, school_id: int | None) -> str:
    if school_id is None:
        return user.municipality_name
    school = session.get(School, school_id)
    return school.name if school is not None else ""


def _documents(session: Session, case_ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    # Chunked: a long IN list is slow on SQLite and limited on both databases.
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i : i + 500]
        rows = session.execute(
            select(
                CaseDocument.case_id,
                CaseDocument.kind,
                CaseDocument.status,
                CaseDocument.created_at,
                CaseDocument.finalised_at,
                CaseDocument.data,
            )
            .where(
                CaseDocument.case_id.in_(chunk),
                CaseDocument.kind.in_(("meldeskjema", "undersokelse", "aktivitetsplan")),
            )
            .order_by(CaseDocument.case_id, CaseDocument.id)
        )
        for row in rows:
            found[row.case_id].append(row)
    return found


def _timings(cases: list[Any], docs: dict[int, list[Any]], calendar: Any) -> tuple[Timing, Timing]:
    to_investigation: list[int] = []
    investigated_in_time = 0
    to_plan: list[int] = []
    plan_deadlines = 0
    planned_in_time = 0
    for case in cases:
        school_calendar: SchoolCalendar = calendar(case.school_id)
        reported = oslo_time(case.opened_at).date()
        investigations = [d for d in docs[case.id] if d.kind == "undersokelse"]
        if investigations:
            started = oslo_time(investigations[0].created_at).date()
            to_investigation.append(school_calendar.school_days_after(reported, started))
            due = school_calendar.add_school_days(reported, INVESTIGATE_SCHOOL_DAYS)
            investigated_in_time += started <= due
        plans = [d for d in docs[case.id] if d.kind == "aktivitetsplan" and d.status == FINAL]
        if plans and plans[0].finalised_at is not None:
            planned = oslo_time(plans[0].finalised_at).date()
            to_plan.append(school_calendar.school_days_after(reported, planned))
            if case.unsafe_since is not None:
                plan_deadlines += 1
                due = school_calendar.add_school_days(case.unsafe_since, PLAN_SCHOOL_DAYS)
                planned_in_time += planned <= due
    return (
        Timing(
            len(to_investigation),
            statistics.median(to_investigation) if to_investigation else None,
            investigated_in_time,
            len(to_investigation),
        ),
        Timing(
            len(to_plan),
            statistics.median(to_plan) if to_plan else None,
            planned_in_time,
            plan_deadlines,
        ),
    )


def _months(session: Session, scope: ColumnElement[bool], period: Period) -> tuple[Row, ...]:
    start, end = utc_start_of(period.start), utc_start_of(period.end + dt.timedelta(days=1))
    created = session.execute(
        select(CaseDocument.created_at)
        .join(Case, Case.id == CaseDocument.case_id)
        .where(
            scope,
            CaseDocument.kind == "meldeskjema",
            CaseDocument.created_at >= start,
            CaseDocument.created_at < end,
        )
    ).scalars()
    # Months in Norway's time: a report at 00:30 on 1 March is March's.
    per_month = Counter(oslo_time(at).strftime("%Y-%m") for at in created)
    rows = []
    month = period.start.replace(day=1)
    while month <= period.end:
        key = month.strftime("%Y-%m")
        rows.append(Row(f"{MONTHS[month.month - 1]} {month.year}", per_month.get(key, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return tuple(rows)


def _evaluations(
    session: Session, scope: ColumnElement[bool], period: Period, today: dt.date
) -> tuple[int, int]:
    """Plan versions whose first evaluation date fell in the period and before today:
    how many were evaluated (a final evaluation) by that date, of how many."""
    rows = session.execute(
        select(
            CaseDocument.id,
            CaseDocument.case_id,
            CaseDocument.kind,
            CaseDocument.parent_id,
            CaseDocument.data,
            CaseDocument.finalised_at,
        )
        .join(Case, Case.id == CaseDocument.case_id)
        .where(
            scope,
            # Only cases open at some time in the period can have an evaluation due in it.
            Case.opened_at < utc_start_of(period.end + dt.timedelta(days=1)),
            or_(Case.closed_at.is_(None), Case.closed_at >= utc_start_of(period.start)),
            CaseDocument.status == FINAL,
            CaseDocument.kind.in_(("aktivitetsplan", "evaluering")),
        )
        .order_by(CaseDocument.id)
    )
    plans = []
    evaluated: dict[int, dt.date] = {}
    for row in rows:
        if row.kind == "aktivitetsplan":
            plans.append(row)
        elif row.parent_id is not None and row.finalised_at is not None:
            day = oslo_time(row.finalised_at).date()
            evaluated[row.parent_id] = min(day, evaluated.get(row.parent_id, day))
    on_time = due_count = 0
    last = min(period.end, today - dt.timedelta(days=1))
    for plan in plans:
        due = pending_evaluation([plan])
        if due is None or not period.start <= due <= last:
            continue
        due_count += 1
        held = evaluated.get(plan.id)
        on_time += held is not None and held <= due
    return on_time, due_count


def figures(
    session: Session, user: Principal, school_id: int | None, period: Period, today: dt.date
) -> ShownFigures:
    """The figures as a page may show them (suppression.py says why each rule)."""
    raw = raw_figures(session, user, school_id, period, today)
    return shown(raw)


def shown(raw: Figures) -> ShownFigures:
    return ShownFigures(
        period=raw.period,
        scope=raw.scope,
        tables=tuple(protect(list(raw.tables))),
        section_12_5=shown_count(raw.section_12_5),
        investigation=_shown_timing(raw.investigation),
        plan=_shown_timing(raw.plan),
        evaluations_on_time=share(raw.evaluations_on_time, raw.evaluations_due),
        evaluations_due=shown_count(raw.evaluations_due),
    )


def _shown_timing(timing: Timing) -> ShownTiming:
    count = shown_count(timing.count)
    return ShownTiming(
        count=count,
        # A median of fewer than five cases is nearly one child's own story.
        median=timing.median if count else None,
        within_share=share(timing.within, timing.deadline_count),
    )
