"""What a case's deadlines and stage are computed from, for one case or a page of cases.

`case_facts` reads one case's documents; `page_facts` reads the documents, reopenings
and school calendars of a whole list page in three queries. Both build the facts with
`facts_from`, so a list and the case page agree to the day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import CaseFacts, Deadline, case_deadlines, statsforvalteren_from
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.documents import documents_of
from trygg.cases.overdue import ids_among
from trygg.models import Case, CaseDocument, ClosingDecision, SchoolDayOff
from trygg.models.cases import CLOSED
from trygg.models.closing import REOPENED
from trygg.models.documents import DRAFT, FINAL

# The stage a case is in, as the leadership talks about it.
STAGES = {
    "reported": "Meldt",
    "investigating": "Undersøkes",
    "planning": "Plan under arbeid",
    "running": "Tiltak pågår",
    "closed": "Avsluttet",
}


def calendar_for(session: Session, school_id: int) -> SchoolCalendar:
    days = session.execute(select(SchoolDayOff.day).where(SchoolDayOff.school_id == school_id))
    return SchoolCalendar(days_off=frozenset(days.scalars()))


def case_facts(session: Session, case: Case) -> CaseFacts:
    """What the deadlines depend on (what starts and ends each: trygg.calendar.deadlines)."""
    return facts_from(case, documents_of(session, case), _reopened_at(session, case))


class FactRow(Protocol):
    """What the facts read of a document: a CaseDocument, or a row of these columns (the
    batch of send-reminders reads no document's data)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def finalised_at(self) -> dt.datetime | None: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def next_evaluation_on(self) -> dt.date | None: ...


# The columns of FactRow, for a query that reads only them.
FACT_COLUMNS = (
    CaseDocument.id,
    CaseDocument.kind,
    CaseDocument.status,
    CaseDocument.created_at,
    CaseDocument.finalised_at,
    CaseDocument.parent_id,
    CaseDocument.next_evaluation_on,
)


def facts_from(case: Case, docs: Sequence[FactRow], reopened_at: dt.datetime | None) -> CaseFacts:
    """The facts from the case's documents (in id order) and the time the answer at its
    latest follow-up opened it again, if it did."""
    investigations = [d for d in docs if d.kind == "undersokelse"]
    plans = [d for d in docs if d.kind == "aktivitetsplan" and d.status == FINAL]
    return CaseFacts(
        reported_on=reported_on(case, docs),
        investigation_finalised=any(d.status == FINAL for d in investigations),
        investigation_draft=any(d.status == DRAFT for d in investigations),
        unsafe_since=case.unsafe_since,
        # Opened again at the follow-up: only a plan made after that meets the plan deadline.
        plan_finalised=any(
            reopened_at is None or (d.finalised_at is not None and d.finalised_at >= reopened_at)
            for d in plans
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


def reported_on(case: Case, docs: Sequence[FactRow]) -> dt.date:
    """The school date of the case's first report: its UTC timestamp as the day it was in
    Norway (the case's opening when it has no report)."""
    first = next((d for d in docs if d.kind == "meldeskjema"), None)
    return oslo_time(first.created_at if first else case.opened_at).date()


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


def _pending_evaluation_dates(case: Case, docs: Sequence[FactRow]) -> tuple[dt.date, ...]:
    """When the plan in force, the newest final version, is next evaluated: the date its
    newest final evaluation set, or the plan's own (its first measure date: one meeting
    evaluates every measure) until it has one, as kept on the final documents
    (trygg.cases.evaluation_dates).

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
    due = (evaluations[-1] if evaluations else plan).next_evaluation_on
    return (due,) if due is not None else ()


def stage_of(session: Session, case: Case) -> str:
    return stage_from(case, documents_of(session, case))


def stage_from(case: Case, docs: Sequence[CaseDocument]) -> str:
    if case.status == CLOSED:
        return "closed"
    kinds = {(d.kind, d.status) for d in docs}
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


@dataclass(frozen=True)
class CaseOnPage:
    """One case of a list page with what its row shows besides the case's own columns."""

    case: Case
    stage: str  # a STAGES key
    deadlines: tuple[Deadline, ...]
    school_days_since_report: int


def page_facts(session: Session, cases: Sequence[Case], today: dt.date) -> list[CaseOnPage]:
    """The stage, deadlines and school days since the report of a page of cases: their
    documents, reopenings and calendars in one query each, however long the page."""
    if not cases:
        return []
    ids = [case.id for case in cases]
    dialect = session.get_bind().dialect.name
    docs: dict[int, list[CaseDocument]] = defaultdict(list)
    for doc in session.execute(
        select(CaseDocument)
        .where(ids_among(CaseDocument.case_id, ids, dialect))
        .order_by(CaseDocument.id)
    ).scalars():
        docs[doc.case_id].append(doc)
    reopened: dict[int, dt.datetime | None] = {
        case_id: at
        for case_id, at in session.execute(
            select(ClosingDecision.case_id, func.max(ClosingDecision.followed_up_at))
            .where(
                ids_among(ClosingDecision.case_id, ids, dialect),
                ClosingDecision.follow_up_result == REOPENED,
            )
            .group_by(ClosingDecision.case_id)
        )
    }
    facts = {case.id: facts_from(case, docs[case.id], reopened.get(case.id)) for case in cases}
    # School days are only ever counted forward from a case's report or its plan clock,
    # so each school's calendar needs the days off after the earliest of those.
    opened = {case.id: oslo_time(case.opened_at).date() for case in cases}
    starts: dict[int, dt.date] = {}
    for case in cases:
        fact = facts[case.id]
        first = min(d for d in (fact.reported_on, fact.unsafe_since, opened[case.id]) if d)
        starts[case.school_id] = min(first, starts.get(case.school_id, first))
    calendars = _calendars_after(session, starts)
    return [
        CaseOnPage(
            case=case,
            stage=stage_from(case, docs[case.id]),
            deadlines=tuple(case_deadlines(facts[case.id], calendars[case.school_id], today)),
            # The case opens with its first report, so its opening is the report's day
            # (as the rektor's week counts it).
            school_days_since_report=calendars[case.school_id].school_days_after(
                opened[case.id], today
            ),
        )
        for case in cases
    ]


def _calendars_after(session: Session, starts: dict[int, dt.date]) -> dict[int, SchoolCalendar]:
    """Each school's days off after its start, in one query: a calendar that counts school
    days from that start on exactly as the whole calendar does."""
    rows = session.execute(
        select(SchoolDayOff.school_id, SchoolDayOff.day).where(
            SchoolDayOff.school_id.in_(sorted(starts)), SchoolDayOff.day > min(starts.values())
        )
    )
    days: dict[int, set[dt.date]] = {school_id: set() for school_id in starts}
    for school_id, day in rows:
        if day > starts[school_id]:
            days[school_id].add(day)
    return {school_id: SchoolCalendar(frozenset(found)) for school_id, found in days.items()}
