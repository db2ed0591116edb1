"""What the lists and the case page show: plain rows, stages, deadlines, the checklist,
the open drafts' age and the reports filed late.

Lists are filtered in SQL by `visible_to`, so nothing a user may not see is ever loaded
for them, counted for them or given a deadline for them (§ 12-5).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.accounts.principal import Principal
from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import (
    CaseFacts,
    Deadline,
    case_deadlines,
    is_late_report,
    report_delay,
    statsforvalteren_from,
)
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.access import visible_to
from trygg.cases.documents import documents_of
from trygg.models import Case, CaseDocument, ClosingDecision, SchoolDayOff
from trygg.models.cases import CLOSED, OPEN
from trygg.models.closing import REOPENED
from trygg.models.documents import DRAFT, FINAL

PER_PAGE = 25

# The stage a case is in, as the leadership talks about it.
STAGES = {
    "reported": "Meldt",
    "investigating": "Undersøkes",
    "planning": "Plan under arbeid",
    "running": "Tiltak pågår",
    "closed": "Avsluttet",
}


@dataclass(frozen=True)
class CaseFilter:
    status: str = OPEN  # open | closed | all
    overdue_only: bool = False
    handler_id: int | None = None
    class_name: str = ""


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    pupil_name: str
    pupil_class: str
    stage: str
    handler: str
    opened_on: dt.date
    section_12_5: bool
    deadlines: tuple[Deadline, ...]
    # The school owner's inbox spans the municipality, so its rows name the school.
    school: str = ""

    @property
    def overdue(self) -> bool:
        return any(d.state == "overdue" for d in self.deadlines)


@dataclass(frozen=True)
class Page:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    classes: list[str] = field(default_factory=list)


def calendar_for(session: Session, school_id: int) -> SchoolCalendar:
    days = session.execute(select(SchoolDayOff.day).where(SchoolDayOff.school_id == school_id))
    return SchoolCalendar(days_off=frozenset(days.scalars()))


def case_facts(session: Session, case: Case) -> CaseFacts:
    """What the deadlines depend on (what starts and ends each: trygg.calendar.deadlines)."""
    docs = documents_of(session, case)
    reports = [d for d in docs if d.kind == "meldeskjema"]
    investigations = [d for d in docs if d.kind == "undersokelse"]
    # Opened again at the follow-up: only a plan made after that meets the plan deadline.
    since = _reopened_at(session, case)
    plans = [d for d in docs if d.kind == "aktivitetsplan" and d.status == FINAL]
    return CaseFacts(
        # A school date: the UTC timestamp as the day it was in Norway.
        reported_on=oslo_time(reports[0].created_at if reports else case.opened_at).date(),
        investigation_finalised=any(d.status == FINAL for d in investigations),
        investigation_draft=any(d.status == DRAFT for d in investigations),
        unsafe_since=case.unsafe_since,
        plan_finalised=any(
            since is None or (d.finalised_at is not None and d.finalised_at >= since) for d in plans
        ),
        rektor_informed_on=case.rektor_informed_at.date() if case.rektor_informed_at else None,
        raised_with_rektor_by_home=case.raised_with_rektor_by_home,
        evaluation_dates=_pending_evaluation_dates(case, docs),
        staff_suspected=case.staff_suspected,
        # A leadership case was reported straight to the school owner (§ 12-5): the
        # report itself is the report to the owner, so no rektor must record one.
        owner_report_recorded=case.owner_reported_at is not None or case.leadership_suspected,
        closed=case.status == CLOSED,
        serious_since=_serious_since(case),
        follow_up_on=case.follow_up_on if case.status == CLOSED else None,
    )


def _reopened_at(session: Session, case: Case) -> dt.datetime | None:
    """When the answer at the latest follow-up opened the case again, if it did."""
    return session.execute(
        select(func.max(ClosingDecision.followed_up_at)).where(
            ClosingDecision.case_id == case.id, ClosingDecision.follow_up_result == REOPENED
        )
    ).scalar_one()


def _serious_since(case: Case) -> dt.date | None:
    if not case.serious:
        return None
    # Marked serious at receipt or later (trygg.cases.leadership.mark_serious). A case
    # marked before the day was stored (migration 0013 sets it) falls back to its first
    # receipt, the earliest day it can have been ticked: the deadline errs early.
    return case.serious_since or oslo_time(case.received_at or case.opened_at).date()


def _pending_evaluation_dates(case: Case, docs: list[CaseDocument]) -> tuple[dt.date, ...]:
    """When the plan in force, the newest final version, is next evaluated.

    A revision in progress does not replace the plan in force: until it is finalised the
    final plan runs on, and so does the date its last evaluation set ("ny_versjon" asks
    for a revision and sets that date just as "ny_evaluering" does).
    """
    plans = [d for d in docs if d.kind == "aktivitetsplan" and d.status == FINAL]
    if not plans or case.status == CLOSED:
        return ()
    plan = plans[-1]
    evaluations = [
        d for d in docs if d.kind == "evaluering" and d.status == FINAL and d.parent_id == plan.id
    ]
    if evaluations:
        step = evaluations[-1].data.get("next", {})
        if step.get("action") in ("ny_evaluering", "ny_versjon") and step.get("evaluate_on"):
            return (dt.date.fromisoformat(step["evaluate_on"]),)
        return ()
    dates = {m.get("evaluate_on") for m in plan.data.get("measures", []) if m.get("evaluate_on")}
    # One evaluation meeting covers every measure: the first date is the one that is due.
    return tuple(sorted(dt.date.fromisoformat(d) for d in dates))[:1]


def stage_of(session: Session, case: Case) -> str:
    if case.status == CLOSED:
        return "closed"
    kinds = {(d.kind, d.status) for d in documents_of(session, case)}
    if ("aktivitetsplan", FINAL) in kinds:
        return "running"
    if any(kind == "aktivitetsplan" for kind, _ in kinds):
        return "planning"
    if any(kind == "undersokelse" for kind, _ in kinds):
        return "investigating"
    return "reported"


def deadlines_of(session: Session, case: Case, today: dt.date) -> list[Deadline]:
    return case_deadlines(case_facts(session, case), calendar_for(session, case.school_id), today)


def statsforvalteren_date(session: Session, case: Case) -> dt.date | None:
    return statsforvalteren_from(case_facts(session, case))


def _row(session: Session, case: Case, today: dt.date) -> CaseRow:
    return CaseRow(
        id=case.id,
        reference=case.reference,
        pupil_name=case.pupil_name,
        pupil_class=case.pupil_class,
        stage=STAGES[stage_of(session, case)],
        handler=case.handler.name if case.handler else "",
        opened_on=oslo_time(case.opened_at).date(),
        section_12_5=case.staff_suspected,
        deadlines=tuple(deadlines_of(session, case, today)),
        school=case.school.name,
    )


def list_cases(
    session: Session, user: Principal, today: dt.date, filters: CaseFilter, page: int = 1
) -> Page:
    query = select(Case).where(visible_to(user))
    if filters.status in (OPEN, CLOSED):
        query = query.where(Case.status == filters.status)
    if filters.handler_id is not None:
        query = query.where(Case.handler_id == filters.handler_id)
    if filters.class_name:
        query = query.where(func.lower(Case.pupil_class) == filters.class_name.lower())
    cases = list(session.execute(query.order_by(Case.opened_at.desc(), Case.id.desc())).scalars())
    rows = [_row(session, c, today) for c in cases]
    if filters.overdue_only:
        rows = [r for r in rows if r.overdue]
    # Overdue first: that is what the leadership must act on.
    rows.sort(key=lambda r: (not r.overdue, -r.opened_on.toordinal(), -r.id))
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(1, page), pages)
    classes = visible_classes(session, user)
    return Page(rows[(page - 1) * PER_PAGE : page * PER_PAGE], len(rows), page, pages, classes)


def visible_classes(session: Session, user: Principal) -> list[str]:
    """The classes of the cases the user may see: the choices of the class filter."""
    return sorted(set(session.execute(select(Case.pupil_class).where(visible_to(user))).scalars()))


@dataclass(frozen=True)
class CaseCounts:
    open: int
    overdue: int


def case_counts(session: Session, user: Principal, today: dt.date) -> CaseCounts:
    """Open and overdue cases among those the user may see, for the front page."""
    cases = session.execute(select(Case).where(visible_to(user), Case.status == OPEN)).scalars()
    open_cases = list(cases)
    overdue = sum(
        1
        for case in open_cases
        if any(d.state == "overdue" for d in deadlines_of(session, case, today))
    )
    return CaseCounts(open=len(open_cases), overdue=overdue)


def visible_count(session: Session, user: Principal) -> int:
    return int(
        session.execute(
            select(func.count(Case.id)).where(visible_to(user), Case.status == OPEN)
        ).scalar_one()
    )


def duties(session: Session, case: Case) -> list[tuple[str, bool, str]]:
    """The five sub-duties of § 12-4: (duty, documented?, where it is documented)."""
    docs = documents_of(session, case)
    report = next((d for d in docs if d.kind == "meldeskjema"), None)
    investigation = next((d for d in reversed(docs) if d.kind == "undersokelse"), None)
    inv = investigation.data if investigation else {}
    plan_final = any(d.kind == "aktivitetsplan" and d.status == FINAL for d in docs)
    no_plan_needed = inv.get("conclusion", {}).get("plan_needed") is False and (
        investigation is not None and investigation.status == FINAL
    )
    intervened = bool(inv.get("interventions")) or bool(report and report.data.get("intervention"))
    return [
        ("Følge med", bool(inv.get("watch")), "Undersøkelsen: hvordan skolen følger med"),
        ("Gripe inn", intervened, "Meldeskjema og undersøkelsen: inngripen"),
        ("Melde fra", report is not None, "Meldeskjema"),
        (
            "Undersøke",
            investigation is not None and investigation.status == FINAL,
            "Undersøkelsen (grunnlag for dokumentasjonsplikten)",
        ),
        ("Sette inn tiltak", plan_final or no_plan_needed, "Aktivitetsplan og evalueringer"),
    ]


def latest_final(docs: list[CaseDocument], kind: str) -> CaseDocument | None:
    finals = [d for d in docs if d.kind == kind and d.status == FINAL]
    return finals[-1] if finals else None


@dataclass(frozen=True)
class OpenDraft:
    """A document begun and not finalised: it meets no deadline, so its age is shown."""

    kind: str
    number: int
    started_on: dt.date  # the school date it was begun
    school_days: int  # school days since then (0 on the day it was begun)


def open_drafts(session: Session, case: Case, today: dt.date) -> list[OpenDraft]:
    if case.status == CLOSED:
        return []
    calendar = calendar_for(session, case.school_id)
    drafts = []
    for doc in documents_of(session, case):
        if doc.status != DRAFT:
            continue
        started = oslo_time(doc.created_at).date()
        age = calendar.school_days_after(started, today)
        drafts.append(OpenDraft(doc.kind, doc.number, started, age))
    return drafts


@dataclass(frozen=True)
class LateReport:
    """A meldeskjema filed more than LATE_REPORT_SCHOOL_DAYS school days after the event."""

    number: int
    happened_on: dt.date
    filed_on: dt.date
    school_days: int


def late_reports(session: Session, case: Case) -> list[LateReport]:
    calendar = calendar_for(session, case.school_id)
    late = []
    for doc in documents_of(session, case, "meldeskjema"):
        happened = doc.data.get("happened_at")
        if not happened:  # optional in the form: then nothing can be said
            continue
        # Stored as the Oslo wall-clock time the reporter typed ("2026-09-14T08:30").
        happened_on = dt.date.fromisoformat(str(happened)[:10])
        filed_on = oslo_time(doc.created_at).date()
        if is_late_report(happened_on, filed_on, calendar):
            delay = report_delay(happened_on, filed_on, calendar)
            late.append(LateReport(doc.number, happened_on, filed_on, delay))
    return late
