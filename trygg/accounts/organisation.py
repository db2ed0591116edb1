"""Municipalities and schools: finding them by name and creating them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.errors import Refused
from trygg.models import Municipality, School


def find_municipality(session: Session, name: str | None) -> Municipality:
    """By name, or the only one there is; a clear error otherwise."""
    if name:
        found = session.execute(
            select(Municipality).where(Municipality.name == name.strip())
        ).scalar_one_or_none()
        if found is None:
            raise Refused("Kommunen «%(name)s» finnes ikke.", name=name)
        return found
    all_ = session.execute(select(Municipality)).scalars().all()
    if len(all_) != 1:
        raise Refused("Oppgi kommunen med --municipality (det finnes %(n)d).", n=len(all_))
    return all_[0]


def find_school(session: Session, name: str) -> School:
    matches = session.execute(select(School).where(School.name == name.strip())).scalars().all()
    if not matches:
        raise Refused("Skolen «%(name)s» finnes ikke.", name=name)
    if len(matches) > 1:
        raise Refused("Flere skoler heter «%(name)s»; oppgi kommunen også.", name=name)
    return matches[0]


def ensure_municipality(
    session: Session, name: str, owner_contact: str, by: audit.Initiator
) -> Municipality:
    found = session.execute(
        select(Municipality).where(Municipality.name == name)
    ).scalar_one_or_none()
    if found is not None:
        return found
    municipality = Municipality(name=name, owner_contact=owner_contact)
    session.add(municipality)
    session.flush()
    audit.record(session, by, "municipality.created", "municipality", municipality.id)
    return municipality


def ensure_school(
    session: Session, municipality: Municipality, name: str, by: audit.Initiator
) -> School:
    found = session.execute(
        select(School).where(School.municipality_id == municipality.id, School.name == name)
    ).scalar_one_or_none()
    if found is not None:
        return found
    school = School(municipality_id=municipality.id, name=name)
    session.add(school)
    session.flush()
    audit.record(session, by, "school.created", "school", school.id)
    return school
