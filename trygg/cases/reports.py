"""Filing a meldeskjema: it opens the pupil's case (or joins the open one), alerts the
right people at once, and is archived as the reporter's receipt.

§ 12-5 routing is decided once per report (trygg.cases.report_routing); the case is
found or opened under the pupil's filing lock (trygg.cases.pupil_cases) and numbered in
its series (trygg.cases.references):

- A pupil can have one open case hidden from the leadership beside one open ordinary
  case. A report that is not about the leadership opens or joins the ordinary case, which
  the leadership sees, and that case is linked to the hidden one for the school owner.
- A report always reaches someone who may act on it, or it is refused with the reason;
  the receipt names exactly those it reached (kept on the report_filed event).
- The other pupils named, and the pupil's and their guardians, are tied to the school's
  register where it knows them, or as the reporter picked them from it
  (trygg.cases.register_people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import add_person, staff_actor
from trygg.cases.documents import NOT_NAMES, finalise, new_document
from trygg.cases.events import notify, owner_users, record_event, report_recipients
from trygg.cases.names_check import NamesToCheck
from trygg.cases.pupil_cases import lock_pupil, open_case_for, pupil_key
from trygg.cases.references import next_reference
from trygg.cases.register_people import bring_register_people, checked_others
from trygg.cases.report_routing import (
    SUSPECT_LEADERSHIP,
    SUSPECT_UNKNOWN,
    TO_LEADERSHIP,
    TO_OWNER,
    NewReport,
    Route,
    decide_route,
    report_names,
    report_people,
)
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, School, User
from trygg.pupils.register import pupil_for_report

# Callers import these from here as they did before the split.
__all__ = [
    "SUSPECT_LEADERSHIP",
    "SUSPECT_UNKNOWN",
    "TO_LEADERSHIP",
    "TO_OWNER",
    "NewReport",
    "Route",
    "decide_route",
    "file_report",
    "lock_pupil",
    "my_reports",
    "open_case_for",
    "pupil_key",
    "report_names",
    "report_people",
]


def _new_case(
    session: Session, school: School, report: NewReport, hidden: bool, now: dt.datetime
) -> Case:
    case = Case(
        school_id=school.id,
        school=school,
        pupil_name=" ".join(report.pupil_name.split()),
        pupil_class=report.pupil_class.strip(),
        pupil_key=pupil_key(report.pupil_name, report.pupil_class),
        pupil_id=report.pupil_id,
        reference=next_reference(session, school, hidden, now),
        opened_at=now,
        leadership_suspected=hidden,
        routed_to_owner=hidden,
    )
    session.add(case)
    session.flush()
    return case


def _link(session: Session, ordinary: Case, hidden: Case, user: User, now: dt.datetime) -> None:
    """Link the ordinary case to the hidden one. The event stands in the hidden case's
    chronology only: the ordinary case's readers must not learn of the other."""
    if ordinary.hidden_case_id != hidden.id:
        ordinary.hidden_case_id = hidden.id
        record_event(session, hidden, "case_linked", user.id, now, ordinary=ordinary.id)


def _case_for(
    session: Session, reporter: User, report: NewReport, route: Route, now: dt.datetime
) -> Case:
    """The case the report goes to, opened when the pupil has none of its kind open."""
    school = reporter.school
    assert school is not None  # file_report checked
    name, class_name, pupil_id = report.pupil_name, report.pupil_class, report.pupil_id
    lock_pupil(session, school.id, pupil_key(name, class_name))
    hidden = open_case_for(session, school.id, name, class_name, hidden=True, pupil_id=pupil_id)
    ordinary = open_case_for(session, school.id, name, class_name, pupil_id=pupil_id)
    for case in (hidden, ordinary):
        if case is not None and case.pupil_id is None and pupil_id is not None:
            case.pupil_id = pupil_id
            record_event(session, case, "pupil_linked", reporter.id, now, pupil=pupil_id)
    if route.hidden:
        hidden = hidden or _new_case(session, school, report, True, now)
        if ordinary is not None:
            _link(session, ordinary, hidden, reporter, now)
        return hidden
    ordinary = ordinary or _new_case(session, school, report, False, now)
    if hidden is not None:
        _link(session, ordinary, hidden, reporter, now)
    return ordinary


def _why_owner(route: Route, to_owner: bool) -> str | None:
    """Why the report went to the school owner (trygg.documents.inputs.ReportPart)."""
    if route.leadership_suspected:
        return "ledelse"
    if route.hidden:
        return "vet_ikke"
    return "ingen_ledelse" if to_owner else None


def _section(
    report: NewReport, route: Route, to_owner: bool, reporter_key: str, now: dt.datetime
) -> dict[str, object]:
    section: dict[str, object] = {
        "reporter": reporter_key,
        # Documents show Norway's wall clock; `now` is the system's UTC.
        "reported_at": oslo_time(now),
        "happened_at": report.happened_at,
        "arena": report.arena,
        "arena_detail": report.arena_detail or None,
        "pupil_said_so": report.pupil_said_so,
        "account": report.account,
        "intervention": report.intervention or None,
        "kinds": list(report.kinds),
        "staff_suspected": report.staff_suspected,
        "leadership_suspected": route.leadership_suspected,
        "sent_to_owner": _why_owner(route, to_owner),
    }
    if report.guardians_informed_at is not None:
        section["guardians_informed"] = {"at": report.guardians_informed_at, "by": reporter_key}
    if report.not_names:
        section[NOT_NAMES] = list(report.not_names)
    return {k: v for k, v in section.items() if v is not None}


def _mark_suspect(session: Session, case: Case, suspect: User, user: User, now: dt.datetime) -> str:
    key = staff_actor(session, case, suspect, suspected=True).key
    if case.handler_id == suspect.id:
        # § 12-5: a suspect never handles the case; the leadership picks another handler.
        case.handler_id = None
        case.handler = None
        record_event(session, case, "handler_removed", user.id, now, handler=suspect.id)
    return key


def file_report(
    session: Session,
    archive: Archive,
    reporter: User,
    report: NewReport,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseDocument:
    """File the report; returns the archived meldeskjema (the reporter's receipt)."""
    if reporter.school is None:
        raise Refused("Du må høre til en skole for å sende en melding.")
    if report.pupil_id is not None:
        # The register's name and class, whatever the form carried with the id.
        pupil = pupil_for_report(session, reporter.school.id, report.pupil_id)
        report = replace(report, pupil_name=pupil.full_name, pupil_class=pupil.class_name)
    # The other pupils picked from the register, before anything is stored or asked.
    others = checked_others(session, reporter.school.id, report.pupil_id, report.others)
    report = replace(report, others=others)
    if not report.pupil_name.strip():
        raise Refused("Skriv navnet på eleven meldingen gjelder.", field="pupil_name")
    route = decide_route(session, reporter, report)
    names = report_names(session, report, reporter)
    if not names.clear:
        raise NamesToCheck(names)
    case = _case_for(session, reporter, report, route, now)
    reporter_key = staff_actor(session, case, reporter).key
    suspect_key = None
    if route.suspect is not None:
        suspect_key = _mark_suspect(session, case, route.suspect, reporter, now)
    # Kept on the event so the reporter's receipt can list exactly the pupils they named.
    mentioned = [
        add_person(session, case, person).key for person in report.others if person.name.strip()
    ]
    # Before the meldeskjema is made: the register's guardians are labelled in it, and
    # the leak scanner knows their names (report_people asked about the same people).
    bring_register_people(session, case, reporter.id, by, now)
    # Never cleared by a later report: the routing must not depend on later edits.
    case.staff_suspected = case.staff_suspected or report.staff_suspected
    if report.pupil_said_so and case.unsafe_since is None:
        case.unsafe_since = oslo_time(now).date()
    recipients, to_owner = report_recipients(session, case)
    if not recipients:
        raise Refused(
            "Meldingen kan ikke sendes i Trygg: ingen hos skoleeier kan ta imot den her. "
            "Meld fra direkte til skoleeier (%(contact)s).",
            contact=case.school.municipality.owner_contact or case.school.municipality.name,
        )
    # The owner sees a case it received because the school had no leader to receive it.
    case.routed_to_owner = case.routed_to_owner or to_owner
    section = _section(report, route, to_owner, reporter_key, now)
    doc = new_document(session, case, "meldeskjema", reporter, now, section)
    record_event(
        session,
        case,
        "report_filed",
        reporter.id,
        now,
        number=doc.number,
        others=mentioned,
        route=TO_OWNER if to_owner else TO_LEADERSHIP,
        recipients=sorted(recipients),
        suspect=route.answer,
        suspect_actor=suspect_key,
    )
    finalise(session, archive, case, doc, reporter, now)
    code = "section_12_5" if case.staff_suspected else "new_report"
    notify(session, recipients, case, code, f"report:{doc.id}", now)
    if case.hidden_case_id is not None:
        # The school owner follows the hidden case, so it is told of the report beside it
        # (in the words of any new report: e-mail says nothing of § 12-5, trygg.mail).
        owners = set(owner_users(session, case)) - set(recipients)
        notify(session, owners, case, "new_report", f"linked:{doc.id}", now)
    audit.record(
        session,
        by,
        "case.report_filed",
        "case",
        str(case.id),
        {"document": doc.id, "section_12_5": case.staff_suspected},
        now=now,
    )
    return doc


def my_reports(session: Session, user: User) -> list[tuple[CaseDocument, Case]]:
    """The reports this user filed, newest first. A reporter sees their report, not the case."""
    rows = session.execute(
        select(CaseDocument, Case)
        .join(Case, Case.id == CaseDocument.case_id)
        .where(CaseDocument.kind == "meldeskjema", CaseDocument.created_by == user.id)
        .order_by(CaseDocument.created_at.desc(), CaseDocument.id.desc())
    ).all()
    return [(doc, case) for doc, case in rows]
