"""Who may own a measure of the activity plan (who carries it out, § 12-4 (d)).

Any employee of the school may: the assistant and the AKS/SFO worker as much as the
contact teacher. People outside the school's staff (the helsesykepleier, PPT, BUP, a
coach) are named with their role: an adult professional acting in that role is named in
documents like staff are ("Kari Nordmann (helsesykepleier)"), never labelled. Such a
person is a staff actor of the case without an account, marked EXTERNAL.

§ 12-5 independence (trygg.cases.actors.independence_problem) is the one rule for both:
the suspect, and every leader of the school when the leadership is suspected, is never
offered in a picker (`barred_user_ids`) and is refused when named anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.cases.actors import EVERYONE, independence_problem, relabel, roster
from trygg.errors import Refused
from trygg.models import Case, CaseActor, User

# CaseActor.role of a person outside the school's staff who owns a measure.
EXTERNAL = "ekstern"
# The form's key for an external owner's role, beside «by» in a plan's measure row; it
# never reaches the document (the role becomes the actor's title).
ROLE_KEY = "by_role"
MAX_ROLE_LENGTH = 80


def is_external(actor: CaseActor) -> bool:
    return actor.kind == "staff" and actor.role == EXTERNAL and actor.user_id is None


def barred_user_ids(session: Session, case: Case) -> frozenset[int]:
    """The accounts that may not lead the plan or own a measure in this case (§ 12-5)."""
    barred = {a.user_id for a in case.actors if a.suspected and a.user_id is not None}
    barred |= {
        user.id
        for user in roster(session, case.school_id)
        if independence_problem(case, user, "") is not None
    }
    return frozenset(barred)


def _employee_named(session: Session, case: Case, name: str) -> User | None:
    return (
        session.execute(
            select(User).where(
                User.school_id == case.school_id,
                User.active.is_(True),
                func.lower(User.name) == name.lower(),
            )
        )
        .scalars()
        .first()
    )


def external_owner(session: Session, case: Case, name: str, role: str, field: str) -> CaseActor:
    """The case's entry for a person outside the school's staff, added on first mention;
    a new role for the same person replaces the old one."""
    name = " ".join(name.split())
    role = " ".join(role.split())
    if not name:
        raise Refused("Skriv navnet på personen som har rollen «%(role)s».", field=field, role=role)
    if name.casefold() in EVERYONE:
        raise Refused(
            "«%(text)s» kan ikke stå alene som ansvarlig. Skriv én navngitt person.",
            field=field,
            text=name,
        )
    if len(role) > MAX_ROLE_LENGTH:
        raise Refused(
            "Rollen kan være på høyst %(max)s tegn.", field=f"{field}_role", max=MAX_ROLE_LENGTH
        )
    # An employee is picked as an employee: named as external, they would keep their
    # measures out of "Mine tiltak" and their reminders, and slip past § 12-5.
    employee = _employee_named(session, case, name)
    if employee is not None:
        raise Refused(
            "%(name)s er ansatt ved skolen. Velg den ansatte fra listen og la feltet for "
            "rolle stå tomt.",
            field=f"{field}_role",
            name=employee.name,
        )
    for actor in case.actors:
        if actor.kind == "staff" and actor.name.casefold() == name.casefold():
            if not is_external(actor):
                raise Refused(
                    "%(name)s står allerede i saken som ansatt. La feltet for rolle stå tomt.",
                    field=f"{field}_role",
                    name=actor.name,
                )
            actor.title = role
            return actor
    used = {a.key for a in case.actors}
    number = 1
    while f"s{number}" in used:
        number += 1
    actor = CaseActor(
        key=f"s{number}", kind="staff", name=name, role=EXTERNAL, title=role, aliases=[]
    )
    case.actors.append(actor)
    session.add(actor)
    relabel(case)
    return actor


def _known(session: Session, case: Case, reference: str) -> bool:
    """A reference the staff lookup (trygg.cases.actors.staff_reference) can resolve or
    refuses with its own reason: an actor, a picker value, an employee, «alle ansatte»."""
    if reference.casefold() in EVERYONE or (reference[:1] == "u" and reference[1:].isdigit()):
        return True
    if any(a.key == reference or a.name.casefold() == reference.casefold() for a in case.actors):
        return True
    return _employee_named(session, case, reference) is not None


def resolve_plan_owners(session: Session, case: Case, section: dict[str, Any]) -> None:
    """Before the staff references of a plan are resolved: a measure row naming an owner
    with a role (someone outside the staff) gets that person's actor key. The plan's
    responsible leader is an employee, never an external owner."""
    for index, row in enumerate(section.get("measures") or []):
        if not isinstance(row, dict):
            continue
        role = str(row.pop(ROLE_KEY, "") or "").strip()
        field = f"measures-{index}-by"
        by = " ".join(str(row.get("by") or "").split())
        if role:
            row["by"] = external_owner(session, case, by, role, field).key
        elif by and not _known(session, case, by):
            raise Refused(
                "Finner ingen ansatt ved skolen som heter «%(text)s». Er personen ikke ansatt "
                "ved skolen (for eksempel helsesykepleier eller PPT), skriv rollen deres også.",
                field=field,
                text=by,
            )
    responsible = str(section.get("responsible") or "")
    for actor in case.actors:
        if actor.key == responsible and is_external(actor):
            raise Refused(
                "Ansvarlig leder må være ansatt ved skolen; %(name)s kan være ansvarlig for "
                "et tiltak.",
                field="responsible",
                name=actor.name,
            )
