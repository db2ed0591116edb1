"""The case page as plain values: header, deadlines, duties, documents, plan, chronology,
people. Templates get strings and lists, never ORM objects.

Two kinds of time (trygg.calendar.clock): system timestamps are UTC and shown in Oslo time
(timestamp_text); times people typed (when the rektor knew, when the owner was told) are
Oslo time already (moment_text). trygg.calendar.formats has the one format for each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from database import db
from trygg.accounts.permissions import (
    can_edit_case,
    can_export_key,
    can_manage_case,
    can_report_to_owner,
)
from trygg.accounts.principal import Principal
from trygg.calendar.deadlines import PLAN, Deadline
from trygg.calendar.formats import date_text, moment_text, stored_text, timestamp_text
from trygg.cases import overview
from trygg.cases.access import case_access
from trygg.cases.actors import display_name
from trygg.cases.case_records import CaseRecords, case_records
from trygg.cases.documents import documents_of
from trygg.cases.events import EVENT_TEXTS, ChronologyEntry, chronology, user_names
from trygg.cases.plan_rules import (
    NOT_NEEDED,
    PLAN_FINAL,
    PLAN_MISSING,
    MeasuresStatus,
    measures_status,
)
from trygg.cases.registry import key_of
from trygg.cases.workflow import final_plan
from trygg.documents.vocabulary import LEVELS
from trygg.models import Case, CaseDocument
from trygg.models.cases import CLOSED
from trygg.models.documents import DRAFT, FINAL
from trygg.pupils.register import pupil_protected
from views.cases.guardians import register_section
from views.cases.notes_content import record_chronology, records_section

EDITABLE_KINDS = ("undersokelse", "aktivitetsplan", "evaluering")
KIND_NAMES = {
    "meldeskjema": _l("Meldeskjema"),
    "undersokelse": _l("Undersøkelse"),
    "aktivitetsplan": _l("Aktivitetsplan"),
    "evaluering": _l("Evaluering av aktivitetsplan"),
    "avslutning": _l("Avslutning av saken"),
}
# Overdue is said in words, not only in red.
STATE_TEXTS = {"overdue": _l("Forsinket"), "today": _l("Frist i dag"), "soon": _l("Frist snart")}


def optional_url(endpoint: str, **values: Any) -> str:
    """A link to another area's page, or "" while that page does not exist yet."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return ""


def deadline_badges(deadlines: tuple[Deadline, ...] | list[Deadline]) -> list[dict[str, str]]:
    return [
        {
            "title": gettext(d.title),
            "due": date_text(d.due),
            "state": d.state,
            "state_text": str(STATE_TEXTS.get(d.state, "")),
        }
        for d in deadlines
    ]


def _draft_ages(drafts: list[overview.OpenDraft], today: dt.date) -> list[str]:
    """A draft meets no deadline (trygg.calendar.deadlines), so the page says how old it is."""
    texts = []
    for draft in drafts:
        kind, number = str(KIND_NAMES.get(draft.kind, draft.kind)), _draft_number(draft)
        started = date_text(draft.started_on)
        if draft.started_on == today:
            age = gettext("i dag")
        elif draft.school_days == 0:
            age = gettext("ingen skoledager siden")
        else:
            age = ngettext(
                "for %(num)d skoledag siden", "for %(num)d skoledager siden", draft.school_days
            )
        texts.append(
            gettext(
                "%(kind)s %(number)s: utkast påbegynt %(date)s, %(age)s.",
                kind=kind,
                number=number,
                date=started,
                age=age,
            )
        )
    return texts


def _draft_number(draft: overview.OpenDraft) -> str:
    if draft.kind == "aktivitetsplan":
        return gettext("versjon %(n)d", n=draft.number)
    return gettext("nr. %(n)d", n=draft.number)


def _late_reports(late: list[overview.LateReport]) -> list[str]:
    return [
        gettext(
            "Meldeskjema nr. %(n)d ble sendt %(filed)s, %(days)d skoledager etter hendelsen "
            "(%(happened)s).",
            n=report.number,
            filed=date_text(report.filed_on),
            days=report.school_days,
            happened=date_text(report.happened_on),
        )
        for report in late
    ]


def _number_text(doc: CaseDocument) -> str:
    if doc.kind == "aktivitetsplan":
        return gettext("versjon %(n)d", n=doc.number)
    return gettext("nr. %(n)d", n=doc.number)


def _documents(case: Case, docs: list[CaseDocument], can_edit: bool) -> list[dict[str, Any]]:
    names = user_names(db.session, (d.finalised_by for d in docs))
    out = []
    for doc in docs:
        final = doc.status == FINAL
        editable = can_edit and not final and doc.kind in EDITABLE_KINDS and case.status != CLOSED
        out.append(
            {
                "kind": str(KIND_NAMES.get(doc.kind, doc.kind)),
                "number": _number_text(doc),
                "final": final,
                "finalised": timestamp_text(doc.finalised_at) if final else "",
                "finalised_by": names.get(doc.finalised_by or 0, ""),
                "changes": list(doc.change_summary or []) if doc.kind == "aktivitetsplan" else [],
                "edit_url": optional_url("case_documents.edit", case_id=case.id, kind=doc.kind)
                if editable
                else "",
                "downloads": [
                    (label, url)
                    for label, fmt in (("Word", "docx"), ("PDF", "pdf"))
                    if final
                    and (
                        url := optional_url(
                            "case_documents.download",
                            case_id=case.id,
                            document_id=doc.id,
                            fmt=fmt,
                        )
                    )
                ],
                # Sending home is the handler's and leadership's step, not every reader's.
                "home_copy_url": optional_url(
                    "case_pdf.send_home", case_id=case.id, document_id=doc.id
                )
                if final and can_edit
                else "",
            }
        )
    return out


def _plan(case: Case, docs: list[CaseDocument]) -> dict[str, Any] | None:
    plan = final_plan(db.session, case)
    if plan is None:
        drafts = [d for d in docs if d.kind == "aktivitetsplan" and d.status == DRAFT]
        plan = drafts[-1] if drafts else None
    if plan is None:
        return None
    measures = []
    for number, m in enumerate(plan.data.get("measures", []), start=1):
        when = [stored_text(m.get("start")), m.get("frequency") or "", stored_text(m.get("end"))]
        measures.append(
            {
                "number": number,
                "description": m.get("description", ""),
                "level": gettext(LEVELS.get(m.get("level", ""), m.get("level", ""))),
                "by": display_name(case, m["by"]) if m.get("by") else "",
                "when": ", ".join(part for part in when if part),
                "evaluate_on": stored_text(m.get("evaluate_on")),
            }
        )
    return {
        "version": plan.number,
        "final": plan.status == FINAL,
        "problem": plan.data.get("problem", ""),
        "measures": measures,
    }


def _event_text(entry: ChronologyEntry) -> str:
    text = gettext(EVENT_TEXTS.get(entry.code, entry.code))
    if entry.document_kind in KIND_NAMES:
        text += f" – {KIND_NAMES[entry.document_kind]}"
        if entry.document_number:
            text += f" {entry.document_number}"
    if entry.about:
        text += f": {entry.about}"
    return text


def _chronology(case: Case, records: CaseRecords) -> list[dict[str, str]]:
    rows = [
        (
            entry.at,
            {
                "at": timestamp_text(entry.at),
                "who": entry.who or gettext("Systemet"),
                "text": _event_text(entry),
            },
        )
        for entry in chronology(db.session, case)
    ]
    # Notes stand at when they happened, attachments at when added (notes_content).
    rows += record_chronology(records)
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _header(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "reference": case.reference,
        "pupil": case.pupil_name,
        "class": case.pupil_class,
        "school": case.school.name,
        "open": case.status != CLOSED,
        "stage": gettext(overview.STAGES[overview.stage_of(db.session, case)]),
        "handler": case.handler.name if case.handler else "",
        "section_12_5": case.staff_suspected,
        # Hidden from the leadership (§ 12-5): the school owner received the report, and
        # the page says so instead of speaking of the rektor.
        "leadership_suspected": case.leadership_suspected,
        "serious": case.serious,
        "serious_since": date_text(case.serious_since),
        "opened": timestamp_text(case.opened_at),
        "received": timestamp_text(case.received_at),
        "rektor_informed": moment_text(case.rektor_informed_at),
        "raised_by_home": date_text(case.raised_with_rektor_by_home),
        "owner_reported": moment_text(case.owner_reported_at),
        "owner_reported_to": case.owner_reported_to,
        "closed": timestamp_text(case.closed_at),
        "follow_up_on": date_text(case.follow_up_on),
        # Issue 13: a typed pupil is marked; a protected address is warned about.
        "from_register": case.pupil_id is not None,
        "protected_address": case.pupil is not None and pupil_protected(case.pupil),
    }


MEASURES_DUTY = "Sette inn tiltak"


def _duties(case: Case, plan_url: str) -> list[dict[str, Any]]:
    """The five sub-duties; «Sette inn tiltak» says what is actually the case, never «Ja»
    without a finalised plan (issue 10), with the step to take when a plan is missing."""
    rows = []
    for name, done, where in overview.duties(db.session, case):
        row = {"name": gettext(name), "done": done, "where": gettext(where), "status": ""}
        row["status"] = gettext("Ja") if done else gettext("Ikke ennå")
        row["badge"] = "badge-green" if done else "badge-amber"
        if name == MEASURES_DUTY:
            row.update(_measures_row(case, plan_url))
        rows.append(row)
    return rows


def _measures_row(case: Case, plan_url: str) -> dict[str, Any]:
    status = measures_status(db.session, case)
    if status.state == PLAN_FINAL:
        return {"done": True, "status": gettext("Ja"), "badge": "badge-green"}
    if status.state == NOT_NEEDED:
        return {
            "done": True,
            "status": gettext("Ikke nødvendig"),
            "badge": "badge-grey",
            "where": gettext("Undersøkelsen konkluderte med at det ikke trengs en aktivitetsplan"),
            "justification": status.safe_justification,
        }
    if status.state == PLAN_MISSING:
        return {
            "done": False,
            "status": gettext("Plan trengs – ikke ferdigstilt")
            if status.plan_draft
            else gettext("Plan trengs – ikke laget ennå"),
            "badge": "badge-amber",
            # Worded apart from the «Skriv aktivitetsplan» button above the table.
            "action": (
                gettext("Gjør planen ferdig") if status.plan_draft else gettext("Lag planen nå")
            )
            if plan_url
            else "",
            "action_url": plan_url,
        }
    return {"done": False}


def _unsafe_against_conclusion(deadlines: list[Deadline], measures: MeasuresStatus) -> bool:
    """The plan deadline runs while the investigation found no plan needed: the pupil
    said they are not safe, and § 12-4 lets the pupil's own experience decide, so a
    justified «safe» conclusion does not end the duty. The page says why the deadline
    stays and the two ways it ends: a plan, or closing with the pupil's experience now."""
    return measures.state == NOT_NEEDED and any(d.code == PLAN for d in deadlines)


def case_page(case: Case, user: Principal, today: dt.date) -> dict[str, Any]:
    access = case_access(case)
    can_edit = can_edit_case(user, access)
    is_open = case.status != CLOSED
    docs = documents_of(db.session, case)
    has_final_plan = any(d.kind == "aktivitetsplan" and d.status == FINAL for d in docs)
    links = {}
    if can_edit and is_open:
        links = {
            "investigation": optional_url(
                "case_documents.edit", case_id=case.id, kind="undersokelse"
            ),
            "plan": optional_url("case_documents.edit", case_id=case.id, kind="aktivitetsplan"),
            "evaluation": optional_url("case_documents.edit", case_id=case.id, kind="evaluering")
            if has_final_plan
            else "",
        }
    statsforvalteren = overview.statsforvalteren_date(db.session, case)
    records = case_records(db.session, case)
    deadlines = overview.deadlines_of(db.session, case, today)
    measures = measures_status(db.session, case)
    return {
        "case": _header(case),
        "deadlines": deadline_badges(deadlines),
        "unsafe_against_conclusion": _unsafe_against_conclusion(deadlines, measures),
        "drafts": _draft_ages(overview.open_drafts(db.session, case, today), today),
        "late_reports": _late_reports(overview.late_reports(db.session, case)),
        "statsforvalteren": date_text(statsforvalteren),
        # § 12-5: "straks" to the school owner; a leadership case went there directly.
        "owner_warning": is_open
        and case.staff_suspected
        and not case.leadership_suspected
        and not case.routed_to_owner
        and case.owner_reported_at is None,
        # Whether a report named a leader, or none could say who (both hidden, § 12-5).
        "leader_named": any(
            d.kind == "meldeskjema" and d.data.get("leadership_suspected") for d in docs
        ),
        "duties": _duties(case, links.get("plan", "")),
        "safe_justification": measures.safe_justification,
        "documents": _documents(case, docs, can_edit),
        "plan": _plan(case, docs),
        "chronology": _chronology(case, records),
        "records": records_section(case, user, records),
        # Issue 13: guardians, when they were informed, merges (views/cases/guardians.py).
        "register": register_section(case, user),
        "people": [{**entry.__dict__, "kind": gettext(entry.kind)} for entry in key_of(case)],
        "links": {k: v for k, v in links.items() if v},
        "can_manage": can_manage_case(user, access),
        "can_report_owner": can_report_to_owner(user, access),
        "can_edit": can_edit,
        # The school owner passes the key on to Statsforvalteren (views/cases/key.py).
        "key_export_url": optional_url("case_key.export", case_id=case.id)
        if can_export_key(user, access)
        else "",
    }
