"""Demo data for `make run`: Oslo kommune, two schools, one user per role per school.

Idempotent: running it again adds nothing and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.organisation import ensure_municipality, ensure_school
from trygg.accounts.passwords import Passwords
from trygg.accounts.roles import ADMIN, ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.accounts.school_settings import Statsforvalteren, set_statsforvalteren
from trygg.accounts.users import NewUser, create_user, email_taken
from trygg.models.base import utcnow

MUNICIPALITY = "Oslo kommune"
OWNER_CONTACT = "Utdanningsetaten, avdeling for skolemiljø"
SCHOOLS = (("Nordpolen skole", "nordpolen"), ("Vestre Aker skole", "vestreaker"))
# Oslo's county governor, with its public contact details (as published on its website;
# Trygg never looks them up): printed on documents sent home (trygg.cases.home_cover).
STATSFORVALTEREN = Statsforvalteren(
    name="Statsforvalteren i Oslo og Viken",
    address="Postboks 325, 1502 Moss",
    phone="22 00 35 00",
    email="sfovpost@statsforvalteren.no",
    web="statsforvalteren.no/oslo-viken",
)

# (role, slug, name, title) per school. Invented names, common in Norway.
SCHOOL_PEOPLE = {
    "nordpolen": (
        (ANSATT, "ansatt", "Mona Ruud", "miljøarbeider AKS"),
        (KONTAKTLAERER, "kontaktlaerer", "Per Olsen", "kontaktlærer 6B"),
        (LEDELSE, "rektor", "Hilde Moe", "rektor"),
        (ADMIN, "admin", "Tore Lie", "IT-ansvarlig"),
    ),
    "vestreaker": (
        (ANSATT, "ansatt", "Ali Khan", "assistent"),
        (KONTAKTLAERER, "kontaktlaerer", "Ingrid Dahl", "kontaktlærer 4A"),
        (LEDELSE, "rektor", "Knut Aas", "rektor"),
        (ADMIN, "admin", "Siri Holm", "IT-ansvarlig"),
    ),
}
MUNICIPALITY_PEOPLE = (
    (SKOLEEIER, "skoleeier", "Eva Strand", "rådgiver, Utdanningsetaten"),
    (ADMIN, "admin", "Jon Berge", "IT, Utdanningsetaten"),
)
DOMAIN = "demo.trygg.no"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    school: str | None


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount(f"{slug}.{school_slug}@{DOMAIN}", role, school)
        for school, school_slug in SCHOOLS
        for role, slug, _, _ in SCHOOL_PEOPLE[school_slug]
    ]
    accounts += [
        DemoAccount(f"{slug}@{DOMAIN}", role, None) for role, slug, _, _ in MUNICIPALITY_PEOPLE
    ]
    return accounts


def seed_demo(session: Session, passwords: Passwords, password: str) -> int:
    """Returns how many accounts were created this time."""
    by = audit.Initiator(user_id=None, email="demo-seed")
    oslo = ensure_municipality(session, MUNICIPALITY, OWNER_CONTACT, by)
    if not oslo.statsforvalteren_name:
        set_statsforvalteren(session, oslo.id, STATSFORVALTEREN, by, utcnow())
    created = 0
    people: list[tuple[str, str, str, str, int | None]] = []
    for school_name, school_slug in SCHOOLS:
        school = ensure_school(session, oslo, school_name, by)
        for role, slug, name, title in SCHOOL_PEOPLE[school_slug]:
            people.append((f"{slug}.{school_slug}@{DOMAIN}", role, name, title, school.id))
    for role, slug, name, title in MUNICIPALITY_PEOPLE:
        people.append((f"{slug}@{DOMAIN}", role, name, title, None))
    for email, role, name, title, school_id in people:
        if email_taken(session, email):
            continue
        create_user(
            session,
            passwords,
            NewUser(email, name, role, oslo.id, school_id, title=title, password=password),
            by,
        )
        created += 1
    return created
