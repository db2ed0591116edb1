"""The steps after the report: investigation, plan versions, evaluations.

Each step starts a draft pre-filled from what the case already knows, and finalising it
moves the case on: an investigation that shows the pupil is not safe starts the plan
clock; an evaluation either proposes closing the case to the leadership or starts the next
version from itself.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases import investigation_rules, plan_rules
from trygg.cases.closing import propose_from_evaluation
from trygg.cases.documents import (
    DocumentProblems,
    check_document,
    current,
    documents_of,
    finalise,
    new_document,
    previous_plan,
)
from trygg.cases.events import record_event
from trygg.cases.names_check import name_problems
from trygg.cases.thin_texts import Caution
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, User
from trygg.models.cases import CLOSED, OPEN
from trygg.models.documents import DRAFT, FINAL

KEEP_DECISIONS = ("fortsette", "justere", "ny")
MEASURE_FIELDS = (
    ("description", "ny beskrivelse"),
    ("level", "nytt nivå"),
    ("by", "ny ansvarlig"),
    ("start", "ny startdato"),
    ("frequency", "ny hyppighet"),
    ("end", "ny sluttdato"),
    ("evaluate_on", "ny evalueringsdato"),
)
PLAN_FIELDS = (
    ("problem", "Problemet tiltakene skal løse er endret"),
    ("background", "Bakgrunnen er endret"),
    ("pupil_voice", "Elevens stemme er endret"),
    ("best_interest", "Vurderingen av elevens beste er endret"),
    ("guardian_views", "Foresattes syn er endret"),
    ("responsible", "Ny ansvarlig leder"),
)


def _ensure_open(case: Case) -> None:
    if case.status == CLOSED:
        raise Refused("Saken er avsluttet. Åpne den igjen for å arbeide videre.")
    if case.status != OPEN:  # merged into another case: the work goes on there
        raise Refused("Saken er slått sammen med en annen sak. Arbeid videre i den.")


def start_document(
    session: Session, case: Case, kind: str, user: User, now: dt.datetime
) -> CaseDocument:
    """The open draft of this kind, or a new one pre-filled from the latest final one."""
    _ensure_open(case)
    latest = current(session, case, kind)
    if latest is not None and latest.status == DRAFT:
        return latest
    if kind == "undersokelse":
        data = (
            copy.deepcopy(latest.data)
            if latest
            else {"started_at": oslo_time(now), "conversations": []}
        )
    elif kind == "aktivitetsplan":
        data = copy.deepcopy(latest.data) if latest else _first_plan(session, case, user, now)
        data["created"] = oslo_time(now).date()
    else:
        raise Refused("Denne dokumenttypen startes ikke her.")
    doc = new_document(session, case, kind, user, now, data)
    if kind == "aktivitetsplan" and latest is not None:
        doc.parent_id = latest.id
        record_event(session, case, "plan_version_started", user.id, now, number=doc.number)
    return doc


def _first_plan(session: Session, case: Case, user: User, now: dt.datetime) -> dict[str, Any]:
    data: dict[str, Any] = {"created": oslo_time(now).date(), "measures": []}
    investigation = current(session, case, "undersokelse")
    if investigation is not None:
        # The plan builds on the investigation (inspectors look for the link).
        data["background"] = investigation.data.get("analysis", "")
        data["best_interest"] = investigation.data.get("best_interest", "")
        data["pupil_voice"] = investigation.data.get("pupil_voice", "")
    if case.handler_id is not None:
        data["responsible"] = f"u{case.handler_id}"
    return data


def final_plan(session: Session, case: Case) -> CaseDocument | None:
    plans = [d for d in documents_of(session, case, "aktivitetsplan") if d.status == FINAL]
    return plans[-1] if plans else None


def start_evaluation(session: Session, case: Case, user: User, now: dt.datetime) -> CaseDocument:
    _ensure_open(case)
    latest = current(session, case, "evaluering")
    if latest is not None and latest.status == DRAFT:
        return latest
    plan = final_plan(session, case)
    if plan is None:
        raise Refused("Det finnes ingen ferdigstilt aktivitetsplan å evaluere.")
    measures = plan.data.get("measures", [])
    data = {
        "plan_version": plan.number,
        "date": oslo_time(now).date(),
        "planned_date": _planned_date(session, case, plan),
        "participants": [],
        "measures": [
            {"measure": n, "description": m.get("description", ""), "by": m.get("by", "")}
            for n, m in enumerate(measures, start=1)
        ],
    }
    doc = new_document(session, case, "evaluering", user, now, data)
    doc.parent_id = plan.id
    return doc


def _planned_date(session: Session, case: Case, plan: CaseDocument) -> str | None:
    """When this evaluation was planned: the date the plan's last evaluation set for the
    next one ("Planen fortsetter; ny evaluering" keeps the version and sets a new date),
    else the plan's earliest measure date. The deadline counts the same date
    (trygg.cases.overview), so an evaluation held on it is not "moved"."""
    evaluations = [
        d
        for d in documents_of(session, case, "evaluering")
        if d.status == FINAL and d.parent_id == plan.id
    ]
    if evaluations:
        step = evaluations[-1].data.get("next", {})
        return str(step["evaluate_on"]) if step.get("evaluate_on") else None
    dates = [str(m["evaluate_on"]) for m in plan.data.get("measures", []) if m.get("evaluate_on")]
    return min(dates, default=None)


def plan_changes(previous: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A readable summary of what a new plan version changed: "Tiltak 2: ny ansvarlig"."""
    changes = [text for key, text in PLAN_FIELDS if previous.get(key) != new.get(key)]
    old_measures, new_measures = previous.get("measures", []), new.get("measures", [])
    for number in range(1, max(len(old_measures), len(new_measures)) + 1):
        if number > len(old_measures):
            changes.append(f"Tiltak {number}: nytt tiltak")
            continue
        if number > len(new_measures):
            changes.append(f"Tiltak {number}: fjernet")
            continue
        old, now_ = old_measures[number - 1], new_measures[number - 1]
        what = [text for key, text in MEASURE_FIELDS if old.get(key) != now_.get(key)]
        if what:
            changes.append(f"Tiltak {number}: {', '.join(what)}")
    return changes or ["Ingen endringer i innholdet"]


def check_rules(session: Session, case: Case, doc: CaseDocument) -> list[Caution]:
    """Refuse what may not be finalised; return what may be thin, for the user to confirm.

    In order: names to check and missing fields (the whole list at once), then the rules
    that need the case (investigation_rules, plan_rules), each refused at its field."""
    _ensure_open(case)
    # Asked on the page beside the text: which Ola is meant, and is «Liv» a name?
    problems = name_problems(case, doc.kind, doc.data) if doc.status == DRAFT else []
    # With whatever else is missing, so the user sees the whole list at once.
    problems += check_document(case, doc)
    if problems:
        raise DocumentProblems(problems)
    if doc.kind == "undersokelse":
        facts = investigation_rules.facts_of(session, case)
        investigation_rules.check(doc.data, facts)
        return investigation_rules.cautions(doc.data, facts)
    if doc.kind == "aktivitetsplan":
        plan_facts = plan_rules.facts_of(session, case, doc)
        plan_rules.check(doc.data, plan_facts)
        return plan_rules.cautions(doc.data, plan_facts)
    return []


def finalise_step(
    session: Session,
    archive: Archive,
    case: Case,
    doc: CaseDocument,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseDocument | None:
    """Finalise and move the case on. Returns a new plan draft when the evaluation asks
    for one, so the user can continue there.

    Cautions (check_rules) do not stop it: the page shows them first and finalises only
    when the user goes on anyway; the audit event lists the ones that were passed."""
    _ensure_open(case)
    cautions = check_rules(session, case, doc) if doc.status == DRAFT else []
    parent = previous_plan(session, doc)
    if parent is not None:
        doc.change_summary = plan_changes(parent.data, doc.data)
    finalise(session, archive, case, doc, user, now)
    audit.record(
        session,
        by,
        "document.finalised",
        "case_document",
        str(doc.id),
        {
            "case": case.id,
            "kind": doc.kind,
            "number": doc.number,
            **({"cautions": [c.text() for c in cautions]} if cautions else {}),
        },
        now=now,
    )
    if doc.kind == "undersokelse":
        conclusion = doc.data.get("conclusion", {})
        if conclusion.get("pupil_safe") is False and case.unsafe_since is None:
            case.unsafe_since = oslo_time(now).date()
    if doc.kind != "evaluering":
        return None
    step = doc.data.get("next", {})
    if step.get("action") == "avslutte":
        # Never a silent close: the leadership decides (trygg.cases.closing).
        propose_from_evaluation(session, case, doc, user, by, now)
        return None
    if step.get("action") == "ny_versjon":
        return _plan_from_evaluation(session, case, doc, user, now)
    return None


def _plan_from_evaluation(
    session: Session, case: Case, evaluation: CaseDocument, user: User, now: dt.datetime
) -> CaseDocument:
    plan = final_plan(session, case)
    assert plan is not None  # an evaluation always belongs to a final plan
    data = copy.deepcopy(plan.data)
    decisions = {m.get("measure"): m.get("decision") for m in evaluation.data.get("measures", [])}
    next_date = evaluation.data.get("next", {}).get("evaluate_on")
    kept = []
    for number, measure in enumerate(data.get("measures", []), start=1):
        if decisions.get(number) in KEEP_DECISIONS:
            if next_date:
                measure["evaluate_on"] = next_date
            kept.append(measure)
    data["measures"] = kept
    data["created"] = oslo_time(now).date()
    doc = new_document(session, case, "aktivitetsplan", user, now, data)
    doc.parent_id = plan.id
    record_event(session, case, "plan_version_started", user.id, now, number=doc.number)
    return doc
