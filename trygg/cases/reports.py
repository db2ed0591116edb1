"""Filing a meldeskjema: it opens the pupil's case (or joins the open one), alerts the
right people at once, and is archived as the reporter's receipt.

§ 12-5 routing is decided here, once per report, from what Trygg knows (`decide_route`):

- The reporter names the suspected employee from the school's staff, or answers «en i
  skoleledelsen» or «vet ikke». Whether a named employee belongs to the leadership is
  read from the accounts (role `ledelse` at the school), never from the reporter's guess.
- A named leader, «en i skoleledelsen» and «vet ikke» send the report straight to the
  school owner, in a case hidden from the school's whole leadership. Every other report
  goes to the leadership; when the school has no leader who can receive it, to the owner.
- A pupil can have one open case hidden from the leadership beside one open ordinary
  case. A report that is not about the leadership opens or joins the ordinary case, which
  the leadership sees, and that case is linked to the hidden one for the school owner.
- References never reveal a case someone cannot see: a school numbers its cases in its
  own series, and hidden cases are numbered in the school owner's series ("SE-2026/0001"),
  so the school's series has no gaps. Ids are not used: they would count every school's
  cases and betray hidden ones.
- A report always reaches someone who may act on it, or it is refused with the reason;
  the receipt names exactly those it reached (kept on the report_filed event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.cases.actors import (
    PersonInput,
    add_person,
    find_staff,
    is_school_leader,
    staff_actor,
)
from trygg.cases.documents import NOT_NAMES, finalise, new_document
from trygg.cases.events import notify, owner_users, record_event, report_recipients
from trygg.cases.names_check import NameCheck, NamesToCheck, People, check_texts, form_people
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, School, User
from trygg.models.cases import OPEN, CaseSeries, PupilFilingLock
from trygg.pupils.register import pupil_for_report

# The reporter's answers when they cannot name the suspected employee.
SUSPECT_LEADERSHIP = "ledelse"  # «en i skoleledelsen»
SUSPECT_UNKNOWN = "vet_ikke"  # «vet ikke hvem»
# Where a report went: the school's leadership, or the school owner.
TO_LEADERSHIP = "leadership"
TO_OWNER = "owner"
OWNER_PREFIX = "SE-"  # SE: skoleeier, the school owner's own series


@dataclass(frozen=True)
class NewReport:
    pupil_name: str
    pupil_class: str
    arena: str
    account: str
    kinds: tuple[str, ...]
    pupil_said_so: bool
    staff_suspected: bool = False
    # «En i skoleledelsen» without a name. With a name the accounts decide, not this.
    leadership_suspected: bool = False
    # The suspected employee: a picker value ("u12") or the name of one of the school's
    # staff; or SUSPECT_LEADERSHIP / SUSPECT_UNKNOWN. Empty means «vet ikke».
    suspected_name: str = ""
    happened_at: dt.datetime | None = None
    arena_detail: str = ""
    intervention: str = ""
    others: tuple[PersonInput, ...] = field(default_factory=tuple)
    guardians_informed_at: dt.datetime | None = None
    # Words the reporter confirmed are not names ("Liv" in "Liv og lære").
    not_names: tuple[str, ...] = ()
    # The pupil picked from the school's register; None for a typed pupil (a new pupil,
    # a visitor), whose case is marked as not from the register.
    pupil_id: int | None = None

    def texts(self) -> dict[str, str]:
        """The free texts the meldeskjema anonymises, by form field."""
        return {
            "account": self.account,
            "intervention": self.intervention,
            "arena_detail": self.arena_detail,
        }

    @property
    def names_suspect(self) -> bool:
        name = self.suspected_name.strip()
        return self.staff_suspected and name not in ("", SUSPECT_LEADERSHIP, SUSPECT_UNKNOWN)


@dataclass(frozen=True)
class Route:
    """What Trygg decided about one report (§ 12-5)."""

    hidden: bool  # the case is kept from the school's whole leadership
    suspect: User | None = None
    # "named", SUSPECT_LEADERSHIP, SUSPECT_UNKNOWN, or "" when no employee is suspected.
    answer: str = ""

    @property
    def leadership_suspected(self) -> bool:
        """A leader is suspected: named and a leader by the accounts, or so answered."""
        return self.hidden and self.answer != SUSPECT_UNKNOWN


def _suspect_user(session: Session, report: NewReport, school_id: int) -> User | None:
    if not report.names_suspect:
        return None
    return find_staff(session, school_id, report.suspected_name, "suspected_name")


def report_people(session: Session, report: NewReport, reporter: User) -> People:
    """Who the report's text may name: the pupil, the other pupils and staff typed in the
    form, and the reporter. Not the people of an open case it may join: the reporter
    does not see the case, so the form must not reveal who is in it."""
    staff = [(reporter.name, False)]
    if report.names_suspect and reporter.school_id is not None:
        try:
            suspect = _suspect_user(session, report, reporter.school_id)
        except Refused:
            suspect = None  # file_report says so at the field
        if suspect is not None:
            staff.append((suspect.name, True))
    return form_people(report.pupil_name, report.others, staff)


def report_names(session: Session, report: NewReport, reporter: User) -> NameCheck:
    people = report_people(session, report, reporter)
    return check_texts(people, report.texts(), report.not_names)


def decide_route(session: Session, reporter: User, report: NewReport) -> Route:
    assert reporter.school_id is not None  # file_report checked
    if not report.staff_suspected:
        if report.leadership_suspected:
            raise Refused(
                "Når en i skoleledelsen mistenkes, må også «ansatt mistenkt» være krysset av.",
                field="staff_suspected",
            )
        if report.suspected_name.strip():
            raise Refused(
                "Velg bare hvem som mistenkes når du har svart ja på at en ansatt mistenkes.",
                field="suspected_name",
            )
        return Route(hidden=False)
    suspect = _suspect_user(session, report, reporter.school_id)
    if suspect is None:
        said = report.suspected_name.strip()
        leadership = said == SUSPECT_LEADERSHIP or (not said and report.leadership_suspected)
        return Route(hidden=True, answer=SUSPECT_LEADERSHIP if leadership else SUSPECT_UNKNOWN)
    if suspect.id == reporter.id:
        raise Refused(
            "Du kan ikke melde deg selv som mistenkt her. Kontakt rektor eller skoleeier.",
            field="suspected_name",
        )
    return Route(
        hidden=is_school_leader(reporter.school_id, suspect), suspect=suspect, answer="named"
    )


def pupil_key(name: str, class_name: str) -> str:
    return f"{' '.join(name.split()).casefold()}|{''.join(class_name.split()).casefold()}"


def open_case_for(
    session: Session,
    school_id: int,
    name: str,
    class_name: str,
    *,
    hidden: bool = False,
    pupil_id: int | None = None,
) -> Case | None:
    """The pupil's open case: the ordinary one, or the one hidden from the leadership.

    A register pupil's case is found by the pupil's id, so a typo never splits it; a case
    typed by name before the register knew the pupil (no id, same name and class) is theirs
    too, and a report picked from the register ties it to them."""
    same_pupil = Case.pupil_key == pupil_key(name, class_name)
    if pupil_id is not None:
        same_pupil = or_(Case.pupil_id == pupil_id, and_(Case.pupil_id.is_(None), same_pupil))
    return (
        session.execute(
            select(Case)
            .where(
                Case.school_id == school_id,
                same_pupil,
                Case.status == OPEN,
                Case.leadership_suspected.is_(hidden),
            )
            # The case tied by id before one only matched by name.
            .order_by(Case.pupil_id.is_(None), Case.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def lock_pupil(session: Session, school_id: int, key: str) -> None:
    """Take the pupil's filing lock for the rest of the transaction, before looking for
    the pupil's open case: a concurrent filing about the same pupil waits here until this
    one is committed, then finds its case and joins it (two reports at the same instant
    would otherwise both find none and open two cases).

    A lock row rather than a unique index over open cases: "the same pupil" is the
    register's id or, for a typed pupil, the name and class (open_case_for), which no
    index can state, and two register pupils may share a name and class. The row is
    written, not read: a write waits for the row (PostgreSQL) or the write lock
    (SQLite, where a read alone would not wait and would see the old state)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(PupilFilingLock)
        .values(school_id=school_id, pupil_key=key, taken=0)
        .on_conflict_do_nothing(index_elements=["school_id", "pupil_key"])
    )
    session.execute(
        update(PupilFilingLock)
        .where(PupilFilingLock.school_id == school_id, PupilFilingLock.pupil_key == key)
        .values(taken=PupilFilingLock.taken + 1)
    )


def _bump(session: Session, series: str) -> int:
    """The next number of a series, counted in this transaction: a concurrent filing
    waits for the row (PostgreSQL) or the write lock (SQLite), and a rollback gives the
    number back, so a series has no gaps."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(CaseSeries)
        .values(name=series, last_number=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    bumped = session.execute(
        update(CaseSeries)
        .where(CaseSeries.name == series)
        .values(last_number=CaseSeries.last_number + 1)
        .returning(CaseSeries.last_number)
    )
    return int(bumped.scalar_one())


def next_reference(session: Session, school: School, hidden: bool, now: dt.datetime) -> str:
    year = oslo_time(now).year
    if hidden:
        series, prefix = f"skoleeier:{school.municipality_id}:{year}", f"{OWNER_PREFIX}{year}/"
    else:
        series, prefix = f"skole:{school.id}:{year}", f"{year}/"
    while True:
        reference = f"{prefix}{_bump(session, series):04d}"
        # References given before the series existed (the case's id) are not given twice.
        taken = session.execute(
            select(Case.id).where(Case.school_id == school.id, Case.reference == reference)
        ).first()
        if taken is None:
            return reference


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
