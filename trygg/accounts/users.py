"""Creating, changing and deactivating user accounts. Accounts are never deleted: their
history (reports filed, plans signed, audit events) must keep pointing at a person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts import access_changes
from trygg.accounts.authentication import end_all_sessions, normalise_email
from trygg.accounts.passwords import Passwords
from trygg.accounts.permissions import (
    assignable_roles,
    can_manage_user,
    grant_needs_confirmation,
)
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ANSATT, ROLE_CODES, SKOLEEIER, role_name
from trygg.errors import NotAllowed, NotFound, Refused
from trygg.models import Municipality, School, User
from trygg.models.organisation import AccessChange


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role: str
    municipality_id: int
    school_id: int | None
    title: str = ""
    password: str | None = None


def check_email(email: str) -> str:
    try:
        # Deliverability would need DNS, which a school server may not have.
        return normalise_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise Refused(
            "«%(email)s» er ikke en gyldig e-postadresse.", field="email", email=email
        ) from error


def _check_placement(
    session: Session, role: str, municipality_id: int, school_id: int | None
) -> None:
    if role not in ROLE_CODES:
        raise Refused("Ukjent rolle: «%(role)s».", field="role", role=role)
    if session.get(Municipality, municipality_id) is None:
        raise Refused("Kommunen finnes ikke.")
    if school_id is not None:
        school = session.get(School, school_id)
        if school is None or school.municipality_id != municipality_id:
            raise Refused("Skolen finnes ikke i denne kommunen.", field="school")
    if role == SKOLEEIER and school_id is not None:
        raise Refused("Skoleeier hører til kommunen, ikke til én skole.", field="school")
    if role in ("ansatt", "kontaktlaerer", "ledelse") and school_id is None:
        raise Refused(
            "Rollen «%(role)s» må høre til en skole.", field="school", role=role_name(role)
        )


def email_taken(session: Session, email: str, except_user_id: int | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == normalise_email(email))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return session.execute(query).scalar_one() > 0


def create_user(session: Session, passwords: Passwords, new: NewUser, by: audit.Initiator) -> User:
    """The account as asked, for the installation's own tools (the CLI, the demo). The
    admin pages go through `add_user`, which applies who may grant which role."""
    email = check_email(new.email)
    name = new.name.strip()
    if not name:
        raise Refused("Navn må fylles ut.", field="name")
    if email_taken(session, email):
        raise Refused(
            "Det finnes allerede en bruker med e-postadressen %(email)s.",
            field="email",
            email=email,
        )
    _check_placement(session, new.role, new.municipality_id, new.school_id)
    user = User(
        email=email,
        name=name,
        title=new.title.strip(),
        role_code=new.role,
        municipality_id=new.municipality_id,
        school_id=new.school_id,
        password_hash=passwords.hash(new.password) if new.password else None,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, by, "user.created", "user", user.id, {"role": new.role, "school_id": new.school_id}
    )
    access_changes.record_change(session, user, None, None, by)
    return user


@dataclass(frozen=True)
class AddedUser:
    user: User
    # The request for the asked role when it waits for the school's leadership.
    pending: AccessChange | None


def _check_reach(admin: Principal, school_id: int | None, municipality_id: int) -> None:
    if not can_manage_user(admin, school_id, municipality_id):
        raise NotAllowed("Du kan ikke administrere brukere der.")


def _check_assignable(admin: Principal, role: str) -> None:
    if role not in assignable_roles(admin):
        raise Refused("Du kan ikke gi rollen «%(role)s».", field="role", role=role_name(role))


def add_user(
    session: Session, passwords: Passwords, new: NewUser, admin: Principal, by: audit.Initiator
) -> AddedUser:
    """An admin's new account. A school admin asking for a role with case access gets the
    account as ansatt and a request the school's leadership confirms or refuses."""
    _check_reach(admin, new.school_id, new.municipality_id)
    _check_assignable(admin, new.role)
    if not grant_needs_confirmation(admin, None, new.role):
        return AddedUser(create_user(session, passwords, new, by), None)
    # The asked role's placement is checked before the account starts as ansatt.
    _check_placement(session, new.role, new.municipality_id, new.school_id)
    user = create_user(session, passwords, replace(new, role=ANSATT), by)
    return AddedUser(user, access_changes.request_grant(session, user, new.role, by))


@dataclass(frozen=True)
class UserChange:
    name: str
    title: str
    role: str
    school_id: int | None


def change_user(
    session: Session, user: User, change: UserChange, admin: Principal, by: audit.Initiator
) -> AccessChange | None:
    """An admin's change of an account. Returns the request when the new role waits for
    the school's leadership; the account keeps its role until a leader confirms."""
    moves = change.role != user.role_code or change.school_id != user.school_id
    if moves and admin.id == user.id:
        # Issue 17: an admin made themselves skoleledelse and read the cases.
        raise Refused(
            "Du kan ikke endre din egen rolle eller skole. Be en annen administrator om det.",
            field="role",
        )
    _check_reach(admin, user.school_id, user.municipality_id)
    _check_reach(admin, change.school_id, user.municipality_id)
    if change.role != user.role_code:
        _check_assignable(admin, change.role)
    _check_placement(session, change.role, user.municipality_id, change.school_id)
    if not change.name.strip():
        raise Refused("Navn må fylles ut.", field="name")
    wanted = change.role
    if grant_needs_confirmation(admin, user.role_code, wanted):
        change = replace(change, role=user.role_code, school_id=user.school_id)
    changed = [
        name
        for name, old, new in (
            ("name", user.name, change.name.strip()),
            ("title", user.title, change.title.strip()),
            ("role", user.role_code, change.role),
            ("school_id", user.school_id, change.school_id),
        )
        if old != new
    ]
    if changed:
        details: dict[str, object] = {"fields": changed}
        if user.role_code != change.role:
            details["role_from"] = user.role_code
            details["role_to"] = change.role
        role_from, school_from = user.role_code, user.school_id
        user.name = change.name.strip()
        user.title = change.title.strip()
        user.role_code = change.role
        user.school_id = change.school_id
        audit.record(session, by, "user.changed", "user", user.id, details)
        if "role" in changed or "school_id" in changed:
            # The direct change replaces whatever was asked for the account before.
            access_changes.withdraw_pending(session, user.id, by)
            access_changes.record_change(session, user, role_from, school_from, by)
    if wanted != user.role_code:
        return access_changes.request_grant(session, user, wanted, by)
    return None


def deactivate_user(session: Session, user: User, by: audit.Initiator, now: datetime) -> None:
    if by.user_id == user.id:
        raise Refused("Du kan ikke deaktivere din egen bruker.")
    if not user.active:
        return
    user.active = False
    user.deactivated_at = now
    end_all_sessions(session, user.id, now)
    audit.record(session, by, "user.deactivated", "user", user.id, now=now)


def reactivate_user(session: Session, user: User, by: audit.Initiator) -> None:
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    audit.record(session, by, "user.reactivated", "user", user.id)


def set_password(
    session: Session,
    passwords: Passwords,
    user: User,
    password: str,
    by: audit.Initiator,
    now: datetime,
) -> None:
    """Only the person sets their password: here, or from a link sent to their address.
    An admin who could set it could log in as anyone, the rektor too (issue 17)."""
    if by.user_id != user.id:
        raise Refused("Bare brukeren selv kan sette passordet. Send en invitasjon på e-post.")
    user.password_hash = passwords.hash(password)
    # Other sessions may belong to whoever knew the old password.
    end_all_sessions(session, user.id, now)
    audit.record(session, by, "user.password_set", "user", user.id, now=now)


def own_account(session: Session, me: Principal) -> User:
    """The logged-in person's own account (the login gate found it active)."""
    user = session.get(User, me.id)
    if user is None:
        raise NotFound("Kontoen finnes ikke.")
    return user
