"""An admin's reach: the schools and the accounts an admin sees and manages.

A municipality admin reaches the whole municipality; a school admin their own school
only, never the municipality-wide accounts. Whatever lies outside the reach is NotFound,
not NotAllowed: an admin cannot probe which schools or accounts exist elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.accounts.permissions import can_manage_school, can_manage_user
from trygg.accounts.principal import Principal
from trygg.errors import NotFound
from trygg.models import School, User

# A large municipality has thousands of staff; one page stays quick to load and to read.
USERS_PER_PAGE = 100


@dataclass(frozen=True)
class SchoolInReach:
    id: int
    name: str
    perpetrator_labels: bool


def schools_in_reach(session: Session, admin: Principal) -> list[SchoolInReach]:
    """The schools an admin works on, by name: a school admin's list has one."""
    query = select(School).where(School.municipality_id == admin.municipality_id)
    if admin.school_id is not None:
        query = query.where(School.id == admin.school_id)
    return [
        SchoolInReach(s.id, s.name, s.perpetrator_labels)
        for s in session.execute(query.order_by(School.name)).scalars()
    ]


def school_in_reach(session: Session, admin: Principal, school_id: int) -> SchoolInReach:
    school = session.get(School, school_id)
    if school is None or not can_manage_school(admin, school.id, school.municipality_id):
        raise NotFound("Skolen finnes ikke.")
    return SchoolInReach(school.id, school.name, school.perpetrator_labels)


@dataclass(frozen=True)
class UserRow:
    """An account as the admin pages show it."""

    id: int
    name: str
    email: str
    title: str
    role: str
    school_id: int | None
    # None: the account belongs to the municipality as a whole.
    school_name: str | None
    active: bool
    has_password: bool


@dataclass(frozen=True)
class UserPage:
    users: tuple[UserRow, ...]
    page: int
    has_next: bool


def _row(user: User, school_name: str | None) -> UserRow:
    return UserRow(
        id=user.id,
        name=user.name,
        email=user.email,
        title=user.title,
        role=user.role_code,
        school_id=user.school_id,
        school_name=school_name,
        active=user.active,
        has_password=user.password_hash is not None,
    )


def users_in_reach(
    session: Session, admin: Principal, page: int = 1, school_id: int | None = None
) -> UserPage:
    """One page of the accounts in the admin's reach, active ones first, by name;
    `school_id` narrows it to one school (an empty page outside the reach)."""
    page = max(1, page)
    query = (
        select(User, School.name)
        .outerjoin(School, School.id == User.school_id)
        .where(User.municipality_id == admin.municipality_id)
    )
    if admin.school_id is not None:
        query = query.where(User.school_id == admin.school_id)
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    rows = session.execute(
        query.order_by(User.active.desc(), User.name, User.id)
        .offset((page - 1) * USERS_PER_PAGE)
        # One row past the page tells whether there is a next one, without a count.
        .limit(USERS_PER_PAGE + 1)
    ).all()
    return UserPage(
        tuple(_row(user, name) for user, name in rows[:USERS_PER_PAGE]),
        page,
        has_next=len(rows) > USERS_PER_PAGE,
    )


def managed_user(session: Session, admin: Principal, user_id: int) -> User:
    """The account, to change it; NotFound when it is outside the admin's reach."""
    user = session.get(User, user_id)
    if user is None or not can_manage_user(admin, user.school_id, user.municipality_id):
        raise NotFound("Brukeren finnes ikke.")
    return user


def user_row(session: Session, admin: Principal, user_id: int) -> UserRow:
    user = managed_user(session, admin, user_id)
    return _row(user, user.school.name if user.school else None)
