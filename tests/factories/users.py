"""Users, schools and the municipality of the demo data (`trygg.demo.seed`, loaded by the
`demo` fixture): the one place a test finds a user by role and school."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE
from trygg.demo.seed import demo_accounts
from trygg.models import Municipality, School, User

NORDPOLEN = "Nordpolen skole"
VESTRE_AKER = "Vestre Aker skole"


def demo_email(role: str, school: str | None = NORDPOLEN) -> str:
    """The demo account with this role at this school (None: the municipality's own)."""
    [email] = [a.email for a in demo_accounts() if a.role == role and a.school == school]
    return email


# Sara's case in tests/factories/cases.py: Mona Ruud reports it, Hilde Moe (rektor)
# receives it, Per Olsen (kontaktlærer 6B) handles it.
REPORTER = demo_email(ANSATT)
RECTOR = demo_email(LEDELSE)
HANDLER = demo_email(KONTAKTLAERER)


def user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def demo_user(session: Session, role: str, school: str | None = NORDPOLEN) -> User:
    return user(session, demo_email(role, school))


def staff_value(session: Session, email: str) -> str:
    """How the staff pickers name a user (`u<id>`)."""
    return f"u{user(session, email).id}"


def school(session: Session, name: str = NORDPOLEN) -> School:
    return session.execute(select(School).where(School.name == name)).scalar_one()


def school_id(session: Session, name: str) -> int:
    return session.execute(select(School.id).where(School.name == name)).scalar_one()


def oslo(session: Session) -> int:
    """The id of the demo municipality, Oslo kommune."""
    return session.execute(select(Municipality.id)).scalar_one()
