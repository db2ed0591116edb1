"""The case's people as the case page shows them: adding a person, and the name-to-label key.

The key is the one place where labels meet names; it is shown only to those who may see
the case, and every showing is audited by the caller (the case page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.cases.actors import PUPIL_ROLES, PersonInput, add_person
from trygg.cases.events import record_event
from trygg.errors import Refused
from trygg.models import Case, CaseActor, User

# Bokmål msgids the UI translates.
KIND_NAMES = {"pupil": "Elev", "guardian": "Foresatt", "staff": "Ansatt"}


@dataclass(frozen=True)
class KeyEntry:
    """One line of the name-to-label key."""

    name: str
    kind: str  # msgid from KIND_NAMES
    role: str
    label: str
    nicknames: tuple[str, ...]
    guardian_of: str  # the pupil's name, or ""
    suspected: bool


def register_person(
    session: Session,
    case: Case,
    person: PersonInput,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> CaseActor:
    """Add a person to the case (they get their label at once), with event and audit."""
    if person.kind == "pupil" and person.role and person.role not in PUPIL_ROLES:
        raise Refused("Velg en rolle fra listen.", field="role")
    before = {id(actor) for actor in case.actors}
    actor = add_person(session, case, person)
    session.flush()
    added = id(actor) not in before
    if added:
        record_event(session, case, "person_added", user.id, now, actor=actor.key)
    audit.record(
        session,
        by,
        "case.person_added" if added else "case.person_changed",
        "case",
        str(case.id),
        {"actor": actor.id},
        now=now,
    )
    return actor


def pupil_choices(case: Case) -> list[tuple[str, str]]:
    """The other pupils a guardian can belong to: (actor key, name and label)."""
    return [
        (a.key, f"{a.name} ({a.label})" if a.label else a.name)
        for a in case.actors
        if a.kind == "pupil"
    ]


def key_of(case: Case) -> list[KeyEntry]:
    names = {a.key: a.name for a in case.actors}
    return [
        KeyEntry(
            name=a.name,
            kind=KIND_NAMES.get(a.kind, a.kind),
            role=a.role if a.kind == "pupil" else a.title,
            label=a.label,
            nicknames=tuple(a.aliases or ()),
            guardian_of=names.get(a.guardian_of, "") if a.guardian_of else "",
            suspected=a.suspected,
        )
        for a in case.actors
    ]
