"""Filing a meldeskjema: it opens the pupil's case (or joins the open one), alerts the
right people at once, and is archived as the reporter's receipt.

§ 12-5 routing is decided here, once: a suspected leader's case goes to the school owner
and is hidden from the whole school leadership; a suspected staff member is labelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import PersonInput, add_person, find_staff, staff_actor
from trygg.cases.documents import NOT_NAMES, finalise, new_document
from trygg.cases.events import leaders_to_alert, notify, record_event
from trygg.cases.names_check import NameCheck, NamesToCheck, People, check_texts, form_people
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, School, User
from trygg.models.cases import OPEN


@dataclass(frozen=True)
class NewReport:
    pupil_name: str
    pupil_class: str
    arena: str
    account: str
    kinds: tuple[str, ...]
    pupil_said_so: bool
    staff_suspected: bool = False
    leadership_suspected: bool = False
    suspected_name: str = ""
    happened_at: dt.datetime | None = None
    arena_detail: str = ""
    intervention: str = ""
    others: tuple[PersonInput, ...] = field(default_factory=tuple)
    guardians_informed_at: dt.datetime | None = None
    # Words the reporter confirmed are not names ("Liv" in "Liv og lære").
    not_names: tuple[str, ...] = ()

    def texts(self) -> dict[str, str]:
        """The free texts the meldeskjema anonymises, by form field."""
        return {
            "account": self.account,
            "intervention": self.intervention,
            "arena_detail": self.arena_detail,
        }


def report_people(report: NewReport, reporter: User) -> People:
    """Who the report's text may name: the pupil, the other pupils and staff typed in the
    form, and the reporter. Not the people of an open case it may join: the reporter
    does not see the case, so the form must not reveal who is in it."""
    staff = [(reporter.name, False)]
    if report.staff_suspected and report.suspected_name.strip():
        staff.append((report.suspected_name, True))
    return form_people(report.pupil_name, report.others, staff)


def report_names(report: NewReport, reporter: User) -> NameCheck:
    return check_texts(report_people(report, reporter), report.texts(), report.not_names)


def pupil_key(name: str, class_name: str) -> str:
    return f"{' '.join(name.split()).casefold()}|{''.join(class_name.split()).casefold()}"


def open_case_for(session: Session, school_id: int, name: str, class_name: str) -> Case | None:
    return session.execute(
        select(Case).where(
            Case.school_id == school_id,
            Case.pupil_key == pupil_key(name, class_name),
            Case.status == OPEN,
        )
    ).scalar_one_or_none()


def _open_case(session: Session, school: School, report: NewReport, now: dt.datetime) -> Case:
    case = open_case_for(session, school.id, report.pupil_name, report.pupil_class)
    if case is not None:
        return case
    case = Case(
        school_id=school.id,
        school=school,
        pupil_name=" ".join(report.pupil_name.split()),
        pupil_class=report.pupil_class.strip(),
        pupil_key=pupil_key(report.pupil_name, report.pupil_class),
        reference=f"ny-{now.timestamp()}",
        opened_at=now,
    )
    session.add(case)
    session.flush()
    # The id makes the reference unique without a counter table to lock.
    case.reference = f"{oslo_time(now).year}/{case.id:04d}"
    return case


def _section(report: NewReport, reporter_key: str, now: dt.datetime) -> dict[str, object]:
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
        "leadership_suspected": report.leadership_suspected,
    }
    if report.guardians_informed_at is not None:
        section["guardians_informed"] = {"at": report.guardians_informed_at, "by": reporter_key}
    if report.not_names:
        section[NOT_NAMES] = list(report.not_names)
    return {k: v for k, v in section.items() if v is not None}


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
    if report.leadership_suspected and not report.staff_suspected:
        raise Refused(
            "Når en i skoleledelsen mistenkes, må også «ansatt mistenkt» være krysset av.",
            field="staff_suspected",
        )
    if not report.pupil_name.strip():
        raise Refused("Skriv navnet på eleven meldingen gjelder.", field="pupil_name")
    names = report_names(report, reporter)
    if not names.clear:
        raise NamesToCheck(names)
    case = _open_case(session, reporter.school, report, now)
    reporter_key = staff_actor(session, case, reporter).key
    if report.staff_suspected and report.suspected_name.strip():
        suspect = find_staff(session, case.school_id, report.suspected_name, "suspected_name")
        if suspect.id == reporter.id:
            raise Refused(
                "Du kan ikke melde deg selv som mistenkt her. Kontakt rektor eller skoleeier.",
                field="suspected_name",
            )
        staff_actor(session, case, suspect, suspected=True)
    # Kept on the event so the reporter's receipt can list exactly the pupils they named.
    mentioned = [
        add_person(session, case, person).key for person in report.others if person.name.strip()
    ]
    # Never cleared by a later report: the routing must not depend on later edits.
    case.staff_suspected = case.staff_suspected or report.staff_suspected
    case.leadership_suspected = case.leadership_suspected or report.leadership_suspected
    if report.pupil_said_so and case.unsafe_since is None:
        case.unsafe_since = oslo_time(now).date()
    doc = new_document(
        session, case, "meldeskjema", reporter, now, _section(report, reporter_key, now)
    )
    record_event(
        session, case, "report_filed", reporter.id, now, number=doc.number, others=mentioned
    )
    finalise(session, archive, case, doc, reporter, now)
    code = "section_12_5" if case.staff_suspected else "new_report"
    notify(session, leaders_to_alert(session, case), case, code, f"report:{doc.id}", now)
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
