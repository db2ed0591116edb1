"""The case's people from the school's register: the guardians of the case's pupil and of
the other pupils in the case, and the spellings a case used before it was tied to the
register.

- The case pupil's own guardians are named in the documents (they are who the documents
  go to); the other pupils' guardians get labels, "Foresatt til Elev A", like every
  person whose name would point to another pupil (trygg.anonymise.labels). Both come in
  as the case's people (CaseActor), so the labels are stable, the name-to-label key stays
  in the database behind the case's access check, and the leak scanner knows their names.
- Another pupil in the case is tied to the register pupil the reporter picked for the row
  (`checked_others`), else when the register has exactly one active pupil of the school
  with that name; otherwise the leadership ties them by hand (`link_person`), and the name
  the case used is kept as a nickname.
- A spelling a case used before it was tied to the register ("Lea Holmm") is kept on the
  register pupil, and as a nickname of the pupil wherever another case labels them, so
  the leak scanner still finds it (`learn_spelling`).

People are only ever added: a label, once given, is never taken back or reused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.cases.actors import PersonInput, add_person
from trygg.cases.events import record_event
from trygg.errors import Refused
from trygg.models import Case, CaseActor, Pupil, User
from trygg.pupils.register import pupil_for_report

# The field a refusal about one of the other pupils' register pupil names (checked_others).
OTHER_PUPIL = "other_pupil"


def _folded(name: str) -> str:
    """As trygg.pupils.register.name_key folds a register name."""
    return " ".join(name.split()).casefold()


def _unique_pupil(
    session: Session, school_id: int, names: set[str], excluded: set[int | None]
) -> Pupil | None:
    """The one active register pupil of the school with one of these names (folded); None
    when the register has none, or more than one and cannot tell, or it is `excluded`."""
    found = list(
        session.execute(
            select(Pupil).where(
                Pupil.school_id == school_id,
                Pupil.active.is_(True),
                Pupil.name_key.in_(sorted(names)),
            )
        ).scalars()
    )
    if len(found) != 1 or found[0].id in excluded:
        return None
    return found[0]


def _register_match(session: Session, case: Case, actor: CaseActor) -> Pupil | None:
    """The register pupil another pupil of the case is, by name or nickname."""
    names = {_folded(actor.name), *(_folded(a) for a in actor.aliases or ())}
    taken = {case.pupil_id, *(a.pupil_id for a in case.actors if a is not actor)}
    return _unique_pupil(session, case.school_id, names, taken)


@dataclass(frozen=True)
class ReportRegister:
    """What the register knows of the people a meldeskjema names, before there is a case:
    the guardians (name, the other pupil's name as typed, or "" for the report's own
    pupil) and the spellings the register keeps for the other pupils (by name as typed)."""

    guardians: tuple[tuple[str, str], ...] = ()
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)


def report_register(
    session: Session, school_id: int, pupil_id: int | None, others: Sequence[PersonInput]
) -> ReportRegister:
    """The register's people for a report's name check, found as bring_register_people
    will find them when the report is filed, so the reporter is asked about the same
    names the document is anonymised with: a row picked from the register is that pupil,
    the others are matched by name among the pupils nobody picked."""
    pupils: list[tuple[Pupil, str]] = []
    if pupil_id is not None:
        own = session.get(Pupil, pupil_id)
        if own is not None and own.school_id == school_id:
            pupils.append((own, ""))
    taken: set[int | None] = {pupil_id}
    matches: dict[int, Pupil | None] = {}
    for position, person in enumerate(others):
        if person.pupil_id is not None:
            picked = session.get(Pupil, person.pupil_id)
            # An id filing refuses (checked_others) brings nobody's guardians.
            usable = (
                picked is not None
                and picked.school_id == school_id
                and picked.active
                and picked.id not in taken
            )
            matches[position] = picked if usable else None
            taken.add(person.pupil_id)
    spellings: dict[str, tuple[str, ...]] = {}
    for position, person in enumerate(others):
        name = " ".join(person.name.split())
        if not name:
            continue
        if position in matches:
            match = matches[position]
        else:
            names = {_folded(name), *(_folded(a) for a in person.aliases)}
            match = _unique_pupil(session, school_id, names, taken)
        if match is not None:
            taken.add(match.id)
            pupils.append((match, name))
            spellings[name] = tuple(match.aliases or ())
    guardians = [
        (" ".join(g.name.split()), typed) for pupil, typed in pupils for g in pupil.guardians
    ]
    return ReportRegister(tuple((g, p) for g, p in guardians if g), spellings)


def checked_others(
    session: Session, school_id: int, pupil_id: int | None, others: Sequence[PersonInput]
) -> tuple[PersonInput, ...]:
    """The report's other pupils with the register pupils picked for them checked: an
    active pupil of the school, not the report's own pupil, not picked on two rows. A
    picked row takes the register's name; a spelling typed before is kept as a nickname.
    A refusal names the row by its place among `others` (param `row`)."""
    seen: set[int] = set()
    checked = []
    for row, person in enumerate(others):
        if person.pupil_id is None:
            checked.append(person)
            continue
        typed = " ".join(person.name.split())
        try:
            pupil = pupil_for_report(session, school_id, person.pupil_id)
        except Refused:
            raise Refused(
                "Eleven finnes ikke i elevregisteret ved skolen. Søk på nytt, eller skriv navnet.",
                field=OTHER_PUPIL,
                row=row,
                name=typed,
            ) from None
        if pupil.id == pupil_id:
            raise Refused(
                "%(name)s er eleven meldingen gjelder. Velg en annen elev på denne raden.",
                field=OTHER_PUPIL,
                row=row,
                name=pupil.full_name,
            )
        if pupil.id in seen:
            raise Refused(
                "%(name)s er valgt på en annen rad også. Fjern den ene raden.",
                field=OTHER_PUPIL,
                row=row,
                name=pupil.full_name,
            )
        seen.add(pupil.id)
        spellings = (typed,) if typed and _folded(typed) != _folded(pupil.full_name) else ()
        checked.append(replace(person, name=pupil.full_name, aliases=(*person.aliases, *spellings)))
    return tuple(checked)


def _with_aliases(actor: CaseActor, spellings: list[str]) -> None:
    known = {*(actor.aliases or ())}
    known.update(s for s in spellings if _folded(s) != _folded(actor.name))
    if known != set(actor.aliases or ()):
        actor.aliases = sorted(known)


def _guardians_of(session: Session, case: Case, pupil: Pupil, key: str) -> list[CaseActor]:
    """The register guardians of `pupil` as people of the case; `key` is the pupil's actor
    key, or "" for the case's own pupil. Returns those that were not in the case yet."""
    added = []
    for guardian in pupil.guardians:
        name = " ".join(guardian.name.split())
        if not name:
            continue
        before = {id(a) for a in case.actors}
        actor = add_person(session, case, PersonInput(name, "guardian", guardian_of=key))
        if id(actor) not in before:
            added.append(actor)
    return added


def bring_register_people(
    session: Session,
    case: Case,
    user_id: int | None,
    by: audit.Initiator,
    now: dt.datetime,
) -> list[CaseActor]:
    """Tie the case's other pupils to the register where it knows them, and bring in the
    register guardians of the case's pupil and of those pupils, each a "person_added" in
    the chronology. Returns the people added.

    The case pupil's guardians come first: a guardian of two pupils in the case (siblings)
    is then the named parent, not a labelled stranger, in the documents sent to them."""
    added = []
    if case.pupil is not None:
        added += _guardians_of(session, case, case.pupil, "")
    for actor in list(case.actors):
        if actor.kind != "pupil":
            continue
        if actor.pupil is None:
            match = _register_match(session, case, actor)
            if match is None:
                continue
            actor.pupil_id, actor.pupil = match.id, match
        assert actor.pupil is not None
        _with_aliases(actor, list(actor.pupil.aliases or ()))
        added += _guardians_of(session, case, actor.pupil, actor.key)
    session.flush()
    for person in added:
        record_event(session, case, "person_added", user_id, now, actor=person.key)
    if added:
        audit.record(
            session,
            by,
            "case.register_people_added",
            "case",
            str(case.id),
            {"actors": [a.id for a in added]},
            now=now,
        )
    return added


def learn_spelling(session: Session, pupil: Pupil, typed: str) -> None:
    """Keep `typed` as a spelling of the register pupil's name, and as a nickname of the
    pupil in every case that labels them, so the leak scanner finds it there too."""
    typed = " ".join(typed.split())
    if not typed or _folded(typed) == _folded(pupil.full_name):
        return
    if _folded(typed) not in {_folded(a) for a in pupil.aliases or ()}:
        pupil.aliases = sorted({*(pupil.aliases or ()), typed})
    actors = session.execute(select(CaseActor).where(CaseActor.pupil_id == pupil.id)).scalars()
    for actor in actors:
        _with_aliases(actor, [typed])


def link_person(
    session: Session,
    case: Case,
    key: str,
    pupil_id: int,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseActor:
    """Tie another pupil of the case to a register pupil of the school, by hand: the
    person takes the register's name, the name the case used stays as a nickname, and the
    pupil's register guardians come in with their labels. Their label never changes."""
    actor = next((a for a in case.actors if a.key == key and a.kind == "pupil"), None)
    if actor is None:
        raise Refused("Velg en elev i saken.", field="person")
    if actor.pupil_id is not None:
        raise Refused(
            "%(name)s er allerede knyttet til elevregisteret.", field="person", name=actor.name
        )
    pupil = pupil_for_report(session, case.school_id, pupil_id)
    if pupil.id == case.pupil_id:
        raise Refused(
            "%(name)s er eleven saken gjelder, ikke en annen elev i saken.",
            field="pupil_id",
            name=pupil.full_name,
        )
    for other in case.actors:
        same_name = other.kind == "pupil" and _folded(other.name) == _folded(pupil.full_name)
        if other is not actor and (other.pupil_id == pupil.id or same_name):
            raise Refused(
                "%(name)s står allerede i saken som %(label)s.",
                field="pupil_id",
                name=pupil.full_name,
                label=other.label,
            )
    typed = actor.name
    actor.pupil_id, actor.pupil = pupil.id, pupil
    actor.name = pupil.full_name
    _with_aliases(actor, [typed])
    learn_spelling(session, pupil, typed)
    bring_register_people(session, case, user.id, by, now)
    record_event(session, case, "person_linked", user.id, now, actor=actor.key)
    audit.record(
        session,
        by,
        "case.person_linked",
        "case",
        str(case.id),
        {"actor": actor.id, "pupil": pupil.id},
        now=now,
    )
    session.flush()
    return actor


def unlinked_pupils(case: Case) -> list[CaseActor]:
    """The other pupils of the case the register does not know yet (the leadership may
    tie them by hand)."""
    return [a for a in case.actors if a.kind == "pupil" and a.pupil_id is None]
