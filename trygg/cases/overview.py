"""What the lists and the case page show: plain rows, stages, deadlines, the checklist,
the open drafts' age and the reports filed late.

The facts behind the deadlines and stages are in `trygg.cases.facts`, the lists (filtered,
sorted and paged in SQL) in `trygg.cases.listing`; both are named here too, where the
pages have always found them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import is_late_report, report_delay
from trygg.cases.documents import documents_of
from trygg.cases.facts import (
    STAGES,
    calendar_for,
    case_facts,
    deadlines_of,
    stage_of,
    statsforvalteren_date,
)
from trygg.cases.list_query import CaseFilter, Cursor
from trygg.cases.listing import (
    PER_PAGE,
    CaseCounts,
    CaseRow,
    Page,
    case_counts,
    list_cases,
    visible_classes,
    visible_count,
)
from trygg.models import Case, CaseDocument
from trygg.models.cases import CLOSED
from trygg.models.documents import DRAFT, FINAL

__all__ = [
    "PER_PAGE",
    "STAGES",
    "CaseCounts",
    "CaseFilter",
    "CaseRow",
    "Cursor",
    "LateReport",
    "OpenDraft",
    "Page",
    "calendar_for",
    "case_counts",
    "case_facts",
    "deadlines_of",
    "duties",
    "late_reports",
    "latest_final",
    "list_cases",
    "open_drafts",
    "stage_of",
    "statsforvalteren_date",
    "visible_classes",
    "visible_count",
]


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
