"""A school's own settings that change what its documents look like, and the contact
details printed on documents sent home: the school's contact person for a case and the
municipality's Statsforvalteren (the county governor, § 12-6)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.roles import LEDELSE
from trygg.errors import Refused
from trygg.models import Municipality, School, User


def set_perpetrator_labels(
    session: Session, school_id: int, enabled: bool, by: audit.Initiator, now: dt.datetime
) -> bool:
    """Label pupils whose role is "utøvende" as "Utøvende elev 1", … from now on.

    Returns whether anything changed. People already labelled keep their label: documents
    in the archive use it, and a label that changed between two documents of one case
    would make them contradict each other.
    """
    school = session.get(School, school_id)
    if school is None:
        raise Refused("Skolen finnes ikke.")
    if school.perpetrator_labels == enabled:
        return False
    school.perpetrator_labels = enabled
    session.flush()
    audit.record(
        session,
        by,
        "school.label_setting_changed",
        "school",
        school_id,
        {"perpetrator_labels": enabled},
        now=now,
    )
    return True


# Phone numbers as people write them: digits, spaces, "+", "-", "(", ")".
_PHONE = re.compile(r"^\+?[0-9 ()\-]{4,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The lengths of the columns (trygg.models.organisation), said at the field.
_LIMITS = {
    "name": 200,
    "role": 200,
    "phone": 40,
    "email": 254,
    "address": 300,
    "web": 200,
}


@dataclass(frozen=True)
class CaseContact:
    """Whom guardians contact at the school about a case (printed on what goes home)."""

    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Statsforvalteren:
    """The county governor's office the guardians can take the case to (§ 12-6)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""


def _clean(values: dict[str, str], prefix: str) -> dict[str, str]:
    """Trimmed values; a refusal names the form field (`prefix` + key) it belongs to."""
    cleaned = {key: " ".join(value.split()) for key, value in values.items()}
    for key, value in cleaned.items():
        limit = _LIMITS[key]
        if len(value) > limit:
            raise Refused("Skriv høyst %(length)d tegn.", field=f"{prefix}{key}", length=limit)
    if cleaned.get("phone") and not _PHONE.match(cleaned["phone"]):
        raise Refused(
            "Skriv telefonnummeret med sifre, for eksempel 22 00 35 00.", field=f"{prefix}phone"
        )
    if cleaned.get("email") and not _EMAIL.match(cleaned["email"]):
        raise Refused("Skriv en e-postadresse, for eksempel post@skole.no.", field=f"{prefix}email")
    return cleaned


def set_case_contact(
    session: Session, school_id: int, contact: CaseContact, by: audit.Initiator, now: dt.datetime
) -> bool:
    """Store the school's contact person for cases; returns whether anything changed.
    An empty name means the rektor from the accounts (case_contact)."""
    school = session.get(School, school_id)
    if school is None:
        raise Refused("Skolen finnes ikke.")
    values = _clean(
        {
            "name": contact.name,
            "role": contact.role,
            "phone": contact.phone,
            "email": contact.email,
        },
        "contact_",
    )
    if not values["name"] and values["role"]:
        raise Refused(
            "Skriv navnet på kontaktpersonen, eller la også rollen stå tom.", field="contact_name"
        )
    stored = {f"contact_{key}": value for key, value in values.items()}
    if all(getattr(school, column) == value for column, value in stored.items()):
        return False
    for column, value in stored.items():
        setattr(school, column, value)
    session.flush()
    # Who the contact is, not how to reach them: the trail never holds more than it needs.
    audit.record(
        session,
        by,
        "school.case_contact_changed",
        "school",
        school_id,
        {"named": bool(values["name"])},
        now=now,
    )
    return True


@dataclass(frozen=True)
class ContactSetting:
    """The contact person as the school set it (empty name: none set), and whom documents
    name meanwhile (the rektor from the accounts), for the settings page."""

    stored: CaseContact
    default_name: str


def contact_setting(session: Session, school_id: int) -> ContactSetting:
    school = session.get(School, school_id)
    if school is None:
        raise Refused("Skolen finnes ikke.")
    stored = CaseContact(
        school.contact_name, school.contact_role, school.contact_phone, school.contact_email
    )
    default = None if school.contact_name else case_contact(session, school)
    return ContactSetting(stored, default.name if default else "")


def statsforvalteren_setting(
    session: Session, municipality_id: int
) -> tuple[str, Statsforvalteren]:
    """The municipality's name and its Statsforvalteren as set (all empty when not)."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise Refused("Kommunen finnes ikke.")
    return municipality.name, statsforvalteren(municipality) or Statsforvalteren("")


def case_contact(session: Session, school: School) -> CaseContact | None:
    """The school's contact person for a case: the one set for the school, or else its
    rektor from the accounts (an active leader titled rektor); None if it has neither."""
    if school.contact_name:
        return CaseContact(
            school.contact_name, school.contact_role, school.contact_phone, school.contact_email
        )
    leaders = session.execute(
        select(User)
        .where(User.school_id == school.id, User.role_code == LEDELSE, User.active.is_(True))
        .order_by(User.id)
    ).scalars()
    for leader in leaders:
        if "rektor" in leader.title.casefold():
            return CaseContact(leader.name, leader.title, email=leader.email)
    return None


def set_statsforvalteren(
    session: Session,
    municipality_id: int,
    office: Statsforvalteren,
    by: audit.Initiator,
    now: dt.datetime,
) -> bool:
    """Store the municipality's Statsforvalteren; returns whether anything changed."""
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise Refused("Kommunen finnes ikke.")
    values = _clean(
        {
            "name": office.name,
            "address": office.address,
            "phone": office.phone,
            "email": office.email,
            "web": office.web,
        },
        "statsforvalteren_",
    )
    if not values["name"] and any(values.values()):
        raise Refused(
            "Skriv navnet på embetet, for eksempel «Statsforvalteren i Oslo og Viken».",
            field="statsforvalteren_name",
        )
    if values["web"] and " " in values["web"]:
        raise Refused(
            "Skriv nettadressen uten mellomrom, for eksempel statsforvalteren.no.",
            field="statsforvalteren_web",
        )
    stored = {f"statsforvalteren_{key}": value for key, value in values.items()}
    if all(getattr(municipality, column) == value for column, value in stored.items()):
        return False
    for column, value in stored.items():
        setattr(municipality, column, value)
    session.flush()
    audit.record(
        session,
        by,
        "municipality.statsforvalteren_changed",
        "municipality",
        municipality_id,
        {"name": values["name"]},
        now=now,
    )
    return True


def statsforvalteren(municipality: Municipality) -> Statsforvalteren | None:
    if not municipality.statsforvalteren_name:
        return None
    return Statsforvalteren(
        municipality.statsforvalteren_name,
        municipality.statsforvalteren_address,
        municipality.statsforvalteren_phone,
        municipality.statsforvalteren_email,
        municipality.statsforvalteren_web,
    )
