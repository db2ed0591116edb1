"""The pupil's guardians as the case page shows them (from the register), and the dated
record of when and how the leadership informed them.

Contact details are never shown for a guardian whose address, or whose child's address,
is protected (trygg.pupils.register.contact_details); the page warns instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.calendar.formats import date_text
from trygg.cases.events import record_event
from trygg.errors import Refused
from trygg.models import Case, Guardian, GuardiansInformed, User
from trygg.models.merging import INFORMED_HOW
from trygg.pupils.register import contact_details, is_protected

# Bokmål msgids the UI translates, in the order the form offers them.
HOW_NAMES = {
    "samtale": "Samtale",
    "telefon": "Telefon",
    "mote": "Møte",
    "brev": "Brev",
    "e-post": "E-post",
}
assert tuple(HOW_NAMES) == INFORMED_HOW


@dataclass(frozen=True)
class GuardianLine:
    id: int
    name: str
    relation: str
    parental_responsibility: bool
    may_receive_information: bool
    # Empty when hidden: the guardian's or the pupil's address is protected.
    email: str
    phone: str
    protected: bool


@dataclass(frozen=True)
class Informed:
    on: dt.date
    how: str
    guardian_ids: tuple[int, ...]


@dataclass(frozen=True)
class InformedEntry:
    on: dt.date
    how: str  # msgid from HOW_NAMES
    guardians: tuple[str, ...]
    by: str


def case_guardians(case: Case) -> list[Guardian]:
    """The register guardians of the case's pupil; none for a typed pupil."""
    return list(case.pupil.guardians) if case.pupil is not None else []


def guardian_lines(case: Case) -> list[GuardianLine]:
    pupil_marking = case.pupil.protected_address if case.pupil is not None else ""
    lines = []
    for guardian in case_guardians(case):
        contact = contact_details(guardian, pupil_marking)
        lines.append(
            GuardianLine(
                id=guardian.id,
                name=guardian.name,
                relation=guardian.relation,
                parental_responsibility=guardian.parental_responsibility,
                may_receive_information=guardian.may_receive_information,
                email=contact[0] if contact else "",
                phone=contact[1] if contact else "",
                protected=contact is None,
            )
        )
    return lines


def needs_confirmation(case: Case, guardian: Guardian) -> bool:
    """Sending to this guardian needs the leadership's explicit confirmation: no right to
    information about the pupil, or a protected address (the guardian's or the pupil's)."""
    pupil_marking = case.pupil.protected_address if case.pupil is not None else ""
    return (
        not guardian.may_receive_information
        or is_protected(guardian.protected_address)
        or is_protected(pupil_marking)
    )


def chosen_guardians(case: Case, ids: tuple[int, ...], field: str = "guardians") -> list[Guardian]:
    """The case pupil's guardians with these ids; any other id is refused at `field`."""
    if case.pupil is None:
        raise Refused("Eleven er ikke fra elevregisteret, så saken har ingen foresatte derfra.")
    if not ids:
        raise Refused("Velg minst én foresatt.", field=field)
    own = {g.id: g for g in case_guardians(case)}
    if any(i not in own for i in ids):
        raise Refused("Velg foresatte fra listen.", field=field)
    return [own[i] for i in sorted(set(ids))]


def record_informed(
    session: Session,
    case: Case,
    informed: Informed,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
    today: dt.date,
) -> GuardiansInformed:
    """A dated entry: which guardians were informed, when and how; in the chronology."""
    if informed.how not in INFORMED_HOW:
        raise Refused("Velg hvordan de foresatte ble informert.", field="how")
    if informed.on > today:
        raise Refused("Datoen kan ikke være fram i tid.", field="informed_on")
    guardians = chosen_guardians(case, informed.guardian_ids)
    names = [g.name for g in guardians]
    row = GuardiansInformed(
        case_id=case.id,
        informed_on=informed.on,
        how=informed.how,
        guardian_ids=[g.id for g in guardians],
        guardian_names=names,
        created_at=now,
        created_by=user.id,
    )
    session.add(row)
    about = f"{date_text(informed.on)}, {HOW_NAMES[informed.how].lower()}: {', '.join(names)}"
    record_event(session, case, "guardians_informed", user.id, now, about=about)
    session.flush()
    audit.record(
        session,
        by,
        "case.guardians_informed",
        "case",
        str(case.id),
        {"entry": row.id, "guardians": row.guardian_ids, "how": informed.how},
        now=now,
    )
    return row


def informed_entries(session: Session, case: Case) -> list[InformedEntry]:
    rows = session.execute(
        select(GuardiansInformed)
        .where(GuardiansInformed.case_id == case.id)
        .order_by(GuardiansInformed.informed_on, GuardiansInformed.id)
    ).scalars()
    return [
        InformedEntry(
            on=row.informed_on,
            how=HOW_NAMES.get(row.how, row.how),
            guardians=tuple(row.guardian_names),
            by=row.author.name if row.author else "",
        )
        for row in rows
    ]
