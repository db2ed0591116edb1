"""The case's registry of people and their stable labels.

A person gets a label the moment they are added, and keeps it for the life of the case:
the label travels with the actor into every document's input, so "Elev A" in the report
is "Elev A" in plan version 3.

§ 12-5 independence is checked here too, where every staff reference of a form or an
input is resolved: the suspect, and in a case hidden from the leadership every leader of
the school, never handles the case, leads its plan or carries out a measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import anonymise
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE, role_name
from trygg.errors import Refused
from trygg.models import Case, CaseActor, Pupil, User

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
    # Another pupil picked from the school's register (checked by the caller,
    # trygg.cases.register_people.checked_others); None for a typed name.
    pupil_id: int | None = None


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
    existing = _same_person(case, person, name)
    if existing is not None:
        if person.aliases:
            existing.aliases = sorted({*(existing.aliases or ()), *person.aliases})
        if person.role and not existing.role:
            existing.role = person.role
        if person.pupil_id is not None and existing.pupil_id is None:
            existing.pupil_id = person.pupil_id
            existing.pupil = session.get(Pupil, person.pupil_id)
        return existing
    actor = CaseActor(
        key=_next_key(case, person.kind),
        kind=person.kind,
        name=name,
        aliases=[a for a in person.aliases if a.strip()],
        role=person.role,
        title=person.title,
        guardian_of=person.guardian_of,
    )
    if person.pupil_id is not None:
        # Set both: bring_register_people reads the pupil before the actor is flushed.
        actor.pupil_id, actor.pupil = person.pupil_id, session.get(Pupil, person.pupil_id)
    case.actors.append(actor)
    session.add(actor)
    relabel(case)
    return actor


def _same_person(case: Case, person: PersonInput, name: str) -> CaseActor | None:
    """The person already in the case: the register pupil picked, else the same name and
    kind, unless that one is another register pupil of the same name."""
    for actor in case.actors:
        if person.pupil_id is not None and actor.pupil_id == person.pupil_id:
            return actor
    for actor in case.actors:
        same = actor.kind == person.kind and actor.name.casefold() == name.casefold()
        if same and (person.pupil_id is None or actor.pupil_id in (None, person.pupil_id)):
            return actor
    return None


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


def suspected_user_ids(case: Case) -> set[int]:
    return {a.user_id for a in case.actors if a.suspected and a.user_id is not None}


def is_school_leader(school_id: int, user: User) -> bool:
    """A member of the school's leadership, by the accounts (never by a reporter's guess)."""
    return user.role_code == LEDELSE and user.school_id == school_id


def independence_problem(case: Case, user: User, field: str) -> Refused | None:
    """Why `user` may not handle this case, lead its plan or carry out a measure, or None."""
    if user.id in suspected_user_ids(case):
        return Refused(
            "%(name)s er mistenkt i saken (§ 12-5) og kan ikke være saksbehandler, ansvarlig "
            "leder eller ansvarlig for et tiltak.",
            field=field,
            name=user.name,
        )
    if case.leadership_suspected and is_school_leader(case.school_id, user):
        return Refused(
            "Saken gjelder mistanke mot skolens ledelse (§ 12-5). %(name)s er i skoleledelsen "
            "og kan ikke være saksbehandler, ansvarlig leder eller ansvarlig for et tiltak.",
            field=field,
            name=user.name,
        )
    return None


def check_independent(case: Case, user: User, field: str) -> None:
    problem = independence_problem(case, user, field)
    if problem is not None:
        raise problem


# The staff references that give someone work in the case: the plan's responsible leader
# and the owner of a measure (plan and evaluation rows). Who held a conversation is a
# record of what happened, and stays as it was.
_DUTY_FIELD = re.compile(r"responsible|measures-\d+-by")


def _account_of(session: Session, case: Case, actor: CaseActor) -> User | None:
    """The account behind a staff actor; one registered by name only is matched by name
    among the school's staff, so typing a leader's name is no way around the rule."""
    if actor.user_id is not None:
        return session.get(User, actor.user_id)
    name = actor.name.casefold()
    found = [u for u in roster(session, case.school_id) if u.name.casefold() == name]
    return found[0] if len(found) == 1 else None


def staff_reference(session: Session, case: Case, reference: str, field: str) -> str:
    """Turn a picker value, an actor key or a typed staff name into the actor key."""
    duty = _DUTY_FIELD.fullmatch(field) is not None
    for actor in case.actors:
        # A picker value of someone already in the case (a handler from another school,
        # say) is that person, whichever school they belong to.
        picked = actor.user_id is not None and reference == f"u{actor.user_id}"
        if (actor.key == reference or picked) and actor.kind == "staff":
            if duty and actor.suspected:
                raise Refused(
                    "%(name)s er mistenkt i saken (§ 12-5) og kan ikke være ansvarlig leder "
                    "eller ansvarlig for et tiltak.",
                    field=field,
                    name=actor.name,
                )
            account = _account_of(session, case, actor)
            if duty and account is not None:
                check_independent(case, account, field)
            return actor.key
    user = find_staff(session, case.school_id, reference, field)
    if duty:
        check_independent(case, user, field)
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
