"""The case's registry of people and their stable labels.

A person gets a label the moment they are added, and keeps it for the life of the case:
the label travels with the actor into every document's input, so "Elev A" in the report
is "Elev A" in plan version 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import anonymise
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE, role_name
from trygg.errors import Refused
from trygg.models import Case, CaseActor, User

PUPIL_ROLES = ("utøvende", "medelev", "vitne")
KIND_PREFIX = {"pupil": "p", "guardian": "g", "staff": "s"}
STAFF_ROLES = (ANSATT, KONTAKTLAERER, LEDELSE)
# "Alle ansatte" owns nothing: inspectors find measures nobody carried out (domain README).
EVERYONE = frozenset(
    {"alle", "alle ansatte", "alle voksne", "alle lærere", "personalet", "alle på trinnet"}
)


@dataclass(frozen=True)
class PersonInput:
    name: str
    kind: str
    role: str = ""
    aliases: tuple[str, ...] = ()
    guardian_of: str = ""
    title: str = ""


def anonymiser_actor(actor: CaseActor) -> anonymise.Actor:
    kind: Any = actor.kind
    return anonymise.Actor(
        id=actor.key,
        kind=kind,
        name=actor.name,
        aliases=tuple(actor.aliases or ()),
        role=actor.role or None,
        title=actor.title or None,
        guardian_of=actor.guardian_of or None,
        suspected=actor.suspected,
    )


def relabel(case: Case) -> None:
    """Give new people the next free label; existing labels never change."""
    existing = {a.key: a.label for a in case.actors if a.label}
    labels = anonymise.assign_labels(
        [anonymiser_actor(a) for a in case.actors],
        anonymise.LabelSettings(perpetrator_labels=case.school.perpetrator_labels),
        existing,
    )
    for actor in case.actors:
        if not actor.label and actor.key in labels:
            actor.label = labels[actor.key]


def _next_key(case: Case, kind: str) -> str:
    prefix = KIND_PREFIX[kind]
    used = {a.key for a in case.actors}
    number = 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


def add_person(session: Session, case: Case, person: PersonInput) -> CaseActor:
    """Add a person, or return the one already registered under that name and kind."""
    name = " ".join(person.name.split())
    if not name:
        raise Refused("Skriv navnet på personen.", field="name")
    if person.kind not in KIND_PREFIX:
        raise Refused("Velg om personen er elev, foresatt eller ansatt.", field="kind")
    if person.kind == "pupil" and name.casefold() == case.pupil_name.casefold():
        raise Refused(
            "%(name)s er eleven saken gjelder, og står allerede i saken.", field="name", name=name
        )
    if person.guardian_of and not any(
        a.key == person.guardian_of and a.kind == "pupil" for a in case.actors
    ):
        raise Refused("Velg hvilken elev personen er foresatt til.", field="guardian_of")
    for actor in case.actors:
        if actor.kind == person.kind and actor.name.casefold() == name.casefold():
            if person.aliases:
                actor.aliases = sorted({*(actor.aliases or ()), *person.aliases})
            if person.role and not actor.role:
                actor.role = person.role
            return actor
    actor = CaseActor(
        key=_next_key(case, person.kind),
        kind=person.kind,
        name=name,
        aliases=[a for a in person.aliases if a.strip()],
        role=person.role,
        title=person.title,
        guardian_of=person.guardian_of,
    )
    case.actors.append(actor)
    session.add(actor)
    relabel(case)
    return actor


def staff_actor(session: Session, case: Case, user: User, *, suspected: bool = False) -> CaseActor:
    """The registry entry of a staff member, added with name and title on first mention."""
    for actor in case.actors:
        if actor.user_id == user.id:
            if suspected and not actor.suspected:
                actor.suspected = True
                relabel(case)
            return actor
    actor = CaseActor(
        key=_next_key(case, "staff"),
        kind="staff",
        name=user.name,
        title=user.title or role_name(user.role_code),
        user_id=user.id,
        suspected=suspected,
        aliases=[],
    )
    case.actors.append(actor)
    session.add(actor)
    relabel(case)
    return actor


def roster(session: Session, school_id: int) -> list[User]:
    """The school's active staff, who can be picked as reporter, handler or responsible."""
    return list(
        session.execute(
            select(User)
            .where(
                User.school_id == school_id,
                User.active.is_(True),
                User.role_code.in_(STAFF_ROLES),
            )
            .order_by(User.name)
        ).scalars()
    )


def find_staff(session: Session, school_id: int, reference: str, field: str) -> User:
    """A staff member from a picker value ("u12") or a typed name."""
    text = " ".join(reference.split())
    if text.casefold() in EVERYONE:
        raise Refused(
            "«%(text)s» kan ikke stå alene som ansvarlig. Skriv én navngitt person som har "
            "ansvaret (for eksempel kontaktlæreren); de andre kan nevnes i beskrivelsen.",
            field=field,
            text=text,
        )
    user: User | None = None
    if text.startswith("u") and text[1:].isdigit():
        user = session.get(User, int(text[1:]))
    elif text:
        matches = session.execute(
            select(User).where(
                User.school_id == school_id,
                User.active.is_(True),
                func.lower(User.name) == text.lower(),
            )
        ).scalars()
        found = list(matches)
        if len(found) > 1:
            raise Refused(
                "Flere ansatte ved skolen heter «%(text)s». Velg riktig person fra listen.",
                field=field,
                text=text,
            )
        user = found[0] if found else None
    if user is None or user.school_id != school_id or not user.active:
        if not text:
            raise Refused("Velg en ansatt.", field=field)
        raise Refused(
            "Finner ingen ansatt ved skolen som heter «%(text)s». Velg fra listen.",
            field=field,
            text=text,
        )
    return user


def staff_reference(session: Session, case: Case, reference: str, field: str) -> str:
    """Turn a picker value, an actor key or a typed staff name into the actor key."""
    for actor in case.actors:
        if actor.key == reference and actor.kind == "staff":
            return actor.key
    user = find_staff(session, case.school_id, reference, field)
    return staff_actor(session, case, user).key


def actor_inputs(case: Case) -> list[dict[str, Any]]:
    """The actors in the document engine's input shape, with their stored labels."""
    out: list[dict[str, Any]] = []
    for a in case.actors:
        item: dict[str, Any] = {"id": a.key, "kind": a.kind, "name": a.name}
        if a.aliases:
            item["aliases"] = list(a.aliases)
        for key in ("role", "title", "guardian_of", "label"):
            if getattr(a, key):
                item[key] = getattr(a, key)
        if a.suspected:
            item["suspected"] = True
        out.append(item)
    return out


def display_name(case: Case, key: str) -> str:
    """Who a reference means, for the case page (which shows identities)."""
    if key == "pupil":
        return case.pupil_name
    for actor in case.actors:
        if actor.key == key:
            return f"{actor.name} ({actor.title})" if actor.title else actor.name
    return key
