"""§ 12-5 routing of a report, decided once per report from what Trygg knows
(`decide_route`), and the names a report's free text may use.

- The reporter names the suspected employee from the school's staff, or answers «en i
  skoleledelsen» or «vet ikke». Whether a named employee belongs to the leadership is
  read from the accounts (role `ledelse` at the school), never from the reporter's guess.
- A named leader, «en i skoleledelsen» and «vet ikke» send the report straight to the
  school owner, in a case hidden from the school's whole leadership. Every other report
  goes to the leadership; when the school has no leader who can receive it, to the owner
  (trygg.cases.reports, trygg.cases.events.report_recipients).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from trygg import anonymise
from trygg.cases.actors import PersonInput, find_staff, is_school_leader
from trygg.cases.names_check import NameCheck, People, check_texts, form_people
from trygg.cases.register_people import ReportRegister, report_register
from trygg.errors import Refused
from trygg.models import User

# The reporter's answers when they cannot name the suspected employee.
SUSPECT_LEADERSHIP = "ledelse"  # «en i skoleledelsen»
SUSPECT_UNKNOWN = "vet_ikke"  # «vet ikke hvem»
# Where a report went: the school's leadership, or the school owner.
TO_LEADERSHIP = "leadership"
TO_OWNER = "owner"


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
    form, the reporter, and the guardians the school's register knows for those pupils
    (trygg.cases.register_people). Not the people of an open case it may join: the
    reporter does not see the case, so the form must not reveal who is in it."""
    staff = [(reporter.name, False)]
    if report.names_suspect and reporter.school_id is not None:
        try:
            suspect = _suspect_user(session, report, reporter.school_id)
        except Refused:
            suspect = None  # file_report says so at the field
        if suspect is not None:
            staff.append((suspect.name, True))
    if reporter.school_id is None:
        return form_people(report.pupil_name, report.others, staff)
    known = report_register(session, reporter.school_id, report.pupil_id, report.others)
    others = tuple(
        replace(p, aliases=(*p.aliases, *known.spellings.get(" ".join(p.name.split()), ())))
        for p in report.others
    )
    return _with_guardians(form_people(report.pupil_name, others, staff), known)


def _with_guardians(people: People, known: ReportRegister) -> People:
    """`people` and the register's guardians, keyed as form_people keys the pupils."""
    actors = list(people.actors)
    ids = {a.id for a in actors}
    for name, pupil in known.guardians:
        key = f"foresatt:{name.casefold()}"
        of = f"elev:{pupil.casefold()}" if pupil else None
        if key not in ids and (of is None or of in ids):
            ids.add(key)
            actors.append(anonymise.Actor(key, "guardian", name, guardian_of=of))
    labels = anonymise.assign_labels(actors, anonymise.LabelSettings(), {})
    return People(people.pupil_name, tuple(actors), labels)


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
