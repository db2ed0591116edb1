"""Links by e-mail that let a person set their password: an invitation for a new or
imported account, and "glemt passord" for someone locked out.

The token is signed with the app's secret and names the user, the purpose and a
fingerprint of the current password hash. Nothing is stored: setting a password changes
the hash, so a link works once; deactivating the account or an admin setting a password
also makes old links useless. Only the age limit is needed on top. "Once" holds for
parallel requests too: the new password is written only where the hash the link was bound
to is still stored, in one conditional UPDATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from trygg import audit
from trygg.accounts.authentication import end_all_sessions
from trygg.accounts.passwords import Passwords
from trygg.errors import Refused
from trygg.mail import Mailer, MailError, notice
from trygg.models import AuditEvent, User

Purpose = Literal["invitation", "reset"]
INVITATION: Final = "invitation"
RESET: Final = "reset"
# An invitation waits for someone back from holiday; a reset is used at once.
MAX_AGE: Final = {INVITATION: dt.timedelta(days=7), RESET: dt.timedelta(hours=1)}
# "Glemt passord" must not turn into a way to flood someone's inbox.
RESETS_PER_HOUR: Final = 3
_SALT = "trygg.password-link"

# The page a link opens (views/auth/password_links.set_password), for links made outside a
# request (the invitations job has no url_for); a test keeps the two equal.
LINK_PATH = "/konto/nytt-passord/"

LINK_INVALID = (
    "Lenken virker ikke lenger. Den kan være brukt eller for gammel. Be om en ny lenke, "
    "eller kontakt den som administrerer Trygg ved skolen."
)


@dataclass(frozen=True)
class LinkUser:
    user: User
    purpose: Purpose


def _fingerprint(user: User) -> str:
    state = f"{user.id}|{user.password_hash or ''}|{user.active}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def make_token(secret_key: str, user: User, purpose: Purpose) -> str:
    return str(_serializer(secret_key).dumps({"u": user.id, "p": purpose, "f": _fingerprint(user)}))


def invitation_link(base_url: str, secret_key: str, user: User) -> str:
    token = make_token(secret_key, user, INVITATION)
    return f"{base_url.rstrip('/')}{LINK_PATH}{token}"


def user_for_token(session: Session, secret_key: str, token: str) -> LinkUser:
    """The active user the link is for; DomainError(LINK_INVALID) for anything else."""
    serializer = _serializer(secret_key)
    try:
        payload = serializer.loads(token)  # signature first: the purpose picks the age
        purpose = payload["p"]
        serializer.loads(token, max_age=int(MAX_AGE[purpose].total_seconds()))
        user = session.get(User, int(payload["u"]))
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError) as error:
        raise Refused(LINK_INVALID) from error
    if user is None or not user.active or payload.get("f") != _fingerprint(user):
        raise Refused(LINK_INVALID)
    return LinkUser(user, purpose)


def use_link(
    session: Session,
    passwords: Passwords,
    secret_key: str,
    token: str,
    password: str,
    now: dt.datetime,
) -> User:
    """Set the password the link allows; the link is spent with it."""
    found = user_for_token(session, secret_key, token)
    user = found.user
    bound_to = user.password_hash
    new_hash = passwords.hash(password)  # checks the new password first
    # Spend the link and set the password in one statement: of parallel requests with one
    # link, only the first still finds the hash the link was bound to (PostgreSQL re-reads
    # the row after the first commits; SQLite lets one writer in at a time).
    spent = session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.active.is_(True),
            User.password_hash.is_not_distinct_from(bound_to),
        )
        .values(password_hash=new_hash)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused(LINK_INVALID)
    set_committed_value(user, "password_hash", new_hash)
    by = audit.Initiator(user_id=user.id, email=user.email)
    # Other sessions may belong to whoever knew the old password.
    end_all_sessions(session, user.id, now)
    audit.record(session, by, "user.password_set", "user", user.id, now=now)
    audit.record(
        session,
        by,
        "user.password_link_used",
        "user",
        user.id,
        {"purpose": found.purpose},
        now=now,
    )
    return user


def send_invitations(
    session: Session,
    secret_key: str,
    users: Sequence[User],
    mailer: Mailer,
    link_for: Callable[[str], str],
    by: audit.Initiator,
    now: dt.datetime,
) -> int:
    """Mail each account an invitation link (the caller checks the admin's reach).

    Audited per mail that went out: when the mail server fails half-way, the invitations
    already delivered are recorded and MailError says how many (`delivered`); the caller
    keeps those records, so the audit trail tells exactly who was invited."""
    for user in users:
        if not user.active:
            raise Refused("Kontoen er deaktivert. Aktiver den før du sender invitasjon.")
    links = [(user, link_for(make_token(secret_key, user, INVITATION))) for user in users]
    try:
        mailer.send([notice(user.email, "invitation", link) for user, link in links])
    except MailError as error:
        _invited(session, users[: error.delivered], by, now)
        raise
    _invited(session, users, by, now)
    return len(users)


def _invited(
    session: Session, users: Sequence[User], by: audit.Initiator, now: dt.datetime
) -> None:
    for user in users:
        audit.record(session, by, "user.invitation_sent", "user", user.id, now=now)


def reset_for(
    session: Session, secret_key: str, email: str, client_ip: str, now: dt.datetime
) -> tuple[User, str] | None:
    """A reset token for the active account with this address, or None.

    The caller shows the same message either way, so the page never tells whether an
    address has an account. Audited with the requesting address, so abuse can be seen."""
    user = session.execute(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    recent = session.execute(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "user.password_reset_requested",
            AuditEvent.object_id == str(user.id),
            AuditEvent.occurred_at >= now - dt.timedelta(hours=1),
        )
    ).scalar_one()
    if recent >= RESETS_PER_HOUR:
        return None
    by = audit.Initiator(user_id=None, email=user.email, ip=client_ip)
    audit.record(session, by, "user.password_reset_requested", "user", user.id, now=now)
    return user, make_token(secret_key, user, RESET)


def users_without_password(
    session: Session, municipality_id: int, school_id: int | None
) -> list[User]:
    """Active accounts that cannot log in yet, within an admin's reach: the whole
    municipality for a municipality admin (school_id None), else one school."""
    query = select(User).where(
        User.municipality_id == municipality_id,
        User.active.is_(True),
        User.password_hash.is_(None),
    )
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return list(session.execute(query.order_by(User.name)).scalars())
