"""Logging in and out, server-side sessions, and the failed-password throttle.

Every refusal reads the same whether or not the typed address has an account, and the
account's count is kept for any typed address, so neither messages nor lockouts reveal
accounts.

The throttle counts failures twice, under LoginPolicy's numbers: per account and per client
address. An address that fails waits longer and longer and is then locked, whatever account
it tries. An account that fails from many addresses waits and is then locked too, but the
first try from an address with no recent failures is still checked, so the right password
passes: the lock holds off the addresses that guess without shutting the real user out.
"Bytt passord" checks the current password under the same counts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.passwords import Passwords, check_new_password
from trygg.accounts.principal import Principal
from trygg.config import LoginPolicy
from trygg.errors import Refused
from trygg.models import LoginSession, LoginThrottle, User
from trygg.models.security import (
    ThrottleClaim,
    checked_failure,
    checking,
    claim_check,
    count_failure,
    forget,
    give_back,
    lease_check,
    recent_state,
    throttle_state,
)

WRONG_CREDENTIALS = "Feil e-postadresse eller passord."
WRONG_CURRENT = "Nåværende passord er feil."
SLOW_DOWN = "For mange mislykkede forsøk. Vent %(seconds)d sekunder og prøv igjen."
LOCKED = "For mange mislykkede forsøk. Innloggingen er sperret i %(minutes)d minutter."

# Touching last_seen_at on every request would write on every page view. A page view this
# soon after the stored time is not written, so the idle timeout counts from the stored time
# plus this much: an active session is never cut early (an idle one ends at most this late).
LAST_SEEN_RESOLUTION = timedelta(seconds=60)

# How long a password check claimed from an address counts as under way: far longer than
# verifying a hash takes, even under load, and short enough that the real user behind a
# shared school address is held off a locked account for seconds at most.
CHECK_LEASE = timedelta(seconds=20)


def normalise_email(email: str) -> str:
    return email.strip().lower()[:254]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def account_key(email: str) -> str:
    """The throttle's key for a typed address, whether or not it has an account."""
    return f"konto:{normalise_email(email)}"[:254]


def address_key(ip: str) -> str:
    """The throttle's key for a client address. IPv6 counts per /64: one machine usually
    holds the whole network and could otherwise start afresh at every address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f"ip:{ip}"[:254]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"ip:{address}"


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None
    principal: Principal | None = None
    refusal: str | None = None
    refusal_params: dict[str, int] | None = None

    @property
    def succeeded(self) -> bool:
        return self.token is not None


# --- the throttle ---------------------------------------------------------------------------
#
# The counts are written on a connection of their own and committed at once
# (trygg.models.security has the statements): they hold whatever the request then does, and
# no row or database lock is kept while the password hash is computed. Call with no
# unflushed or uncommitted writes in `session` (SQLite would wait for the session's lock).


@dataclass(frozen=True)
class _Checked:
    passed: bool
    refusal: str | None = None
    params: dict[str, int] | None = None


def _refusal(
    failures: int, until: datetime | None, policy: LoginPolicy, now: datetime
) -> tuple[str, dict[str, int]]:
    remaining = (until - now).total_seconds() if until is not None else 0.0
    if failures >= policy.lock_after_failures:
        return LOCKED, {"minutes": max(1, math.ceil(remaining / 60))}
    return SLOW_DOWN, {"seconds": max(1, math.ceil(remaining))}


def _engine(session: Session) -> Engine:
    bind = session.get_bind(mapper=LoginThrottle)
    return bind.engine if isinstance(bind, Connection) else bind


def claim_account_check(
    connection: Connection, email: str, ip: str, policy: LoginPolicy, now: datetime
) -> ThrottleClaim | None:
    """Claim one password check for the typed address `email`, or None while it waits or
    is locked. The client address gets a lease: its check is under way, though it is only
    counted for the address once it has failed."""
    claim = claim_check(connection, account_key(email), policy, now)
    if claim is not None:
        lease_check(connection, address_key(ip), now + CHECK_LEASE)
    return claim


def _check_password(
    session: Session,
    passwords: Passwords,
    policy: LoginPolicy,
    email: str,
    stored_hash: str | None,
    password: str,
    actor: audit.Initiator,
    action: str,
    now: datetime,
) -> _Checked:
    """Verify a password under the throttle; audits `<action>.failed` and the refusals."""
    engine = _engine(session)
    by_address, by_account = address_key(actor.ip), account_key(email)
    # The account is claimed before its check, so parallel guesses at one account can
    # never check more than the policy allows. The client address is only read here and
    # counted after a wrong password: a school behind one address, where many people log
    # in at the same minute, must not be slowed by its own right passwords.
    with engine.begin() as connection:
        _, address_until = recent_state(connection, by_address, policy, now)
        account: ThrottleClaim | None = None
        address: ThrottleClaim | None = None
        refused_by: str | None = None
        if address_until is not None and address_until > now:
            refused_by = by_address
        else:
            account = claim_account_check(connection, email, actor.ip, policy, now)
        if account is None and refused_by is None:
            # An address with no failure in the window and no check under way may try a
            # waiting or locked account once: that is the real user, or one guess more
            # from a new address. Read after the account's claim, which waited for every
            # earlier claim to commit its lease. The address is claimed for the try,
            # atomically, so parallel requests from one address get that one try between
            # them.
            address_failures, _ = recent_state(connection, by_address, policy, now)
            if not address_failures and not checking(connection, by_address, now):
                address = claim_check(connection, by_address, policy, now)
            if address is None or address.failures != 1:
                if address is not None:
                    give_back(connection, by_address, address)
                    address = None
                refused_by = by_account
        refusal = (
            _refusal(*throttle_state(connection, refused_by), policy, now) if refused_by else None
        )
    if refusal is not None:
        message, params = refusal
        kind = "refused_locked" if message == LOCKED else "refused_throttled"
        audit.record(session, actor, f"{action}.{kind}", now=now)
        return _Checked(passed=False, refusal=message, params=params)
    right = passwords.verify(stored_hash, password) and stored_hash is not None
    with engine.begin() as connection:
        if right:
            if account is not None:
                forget(connection, by_account)
            elif address is not None:  # through the exemption the lock stays for the others
                give_back(connection, by_address, address)
            return _Checked(passed=True)
        # Rows in one order everywhere, the account's before the address's, so two
        # requests never lock them in opposite orders (PostgreSQL would end one as a
        # deadlock).
        if address is not None:  # the exempt try failed: it counts for both
            account = count_failure(connection, by_account, policy, now)
            checked_failure(connection, by_address, now)
        else:
            checked_failure(connection, by_account, now)
            address = count_failure(connection, by_address, policy, now)
    assert account is not None  # claimed before the check, or counted just now
    details = {"failures": account.failures, "address_failures": address.failures}
    audit.record(session, actor, f"{action}.failed", details=details, now=now)
    locks = [
        claim.until
        for claim in (address, account)
        if claim.failures >= policy.lock_after_failures and claim.until is not None
    ]
    if locks:
        minutes = max(1, math.ceil((max(locks) - now).total_seconds() / 60))
        return _Checked(passed=False, refusal=LOCKED, params={"minutes": minutes})
    return _Checked(passed=False)


# --- logging in -----------------------------------------------------------------------------


def log_in(
    session: Session,
    passwords: Passwords,
    policy: LoginPolicy,
    email: str,
    password: str,
    ip: str,
    now: datetime,
) -> LoginOutcome:
    key = normalise_email(email)
    user = session.execute(select(User).where(User.email == key)).scalar_one_or_none()
    usable = user if user is not None and user.active else None
    actor = audit.Initiator(user_id=None, email=key, ip=ip)
    checked = _check_password(
        session,
        passwords,
        policy,
        key,
        usable.password_hash if usable else None,
        password,
        actor,
        "login",
        now,
    )
    if not checked.passed or usable is None:
        return LoginOutcome(
            refusal=checked.refusal or WRONG_CREDENTIALS, refusal_params=checked.params
        )
    if usable.password_hash and passwords.needs_rehash(usable.password_hash):
        usable.password_hash = passwords.hash(password)
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_hash(token), user_id=usable.id, created_at=now, last_seen_at=now, ip=ip
        )
    )
    audit.record(
        session,
        audit.Initiator(user_id=usable.id, email=usable.email, ip=ip),
        "login.succeeded",
        "user",
        usable.id,
        now=now,
    )
    return LoginOutcome(token=token, principal=Principal.of(usable))


def change_own_password(
    session: Session,
    passwords: Passwords,
    policy: LoginPolicy,
    user: User,
    current: str,
    new: str,
    by: audit.Initiator,
    now: datetime,
) -> None:
    """ "Bytt passord": the current password is checked under the login throttle, with the
    same account key, so a borrowed session cannot guess it faster than the login page."""
    # users imports this module (a deactivated account's sessions end at once).
    from trygg.accounts.users import set_password

    check_new_password(new)
    checked = _check_password(
        session,
        passwords,
        policy,
        user.email,
        user.password_hash,
        current,
        by,
        "password_change",
        now,
    )
    if not checked.passed:
        params = checked.params or {}
        raise Refused(checked.refusal or WRONG_CURRENT, field="current_password", **params)
    set_password(session, passwords, user, new, by, now)


# --- sessions -------------------------------------------------------------------------------


class SessionState(Enum):
    ACTIVE = "active"
    MISSING = "missing"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ResumedSession:
    state: SessionState
    principal: Principal | None = None


def resume(
    session: Session,
    token: str,
    idle_timeout: timedelta,
    absolute_lifetime: timedelta,
    now: datetime,
) -> ResumedSession:
    """Find the login behind a cookie token, ending it if it has been idle too long."""
    login = session.get(LoginSession, token_hash(token))
    if login is None or login.ended_at is not None or not login.user.active:
        return ResumedSession(SessionState.MISSING)
    # The last page view may have been up to LAST_SEEN_RESOLUTION after last_seen_at.
    idle_ends = login.last_seen_at + LAST_SEEN_RESOLUTION + idle_timeout
    if now >= idle_ends or now - login.created_at > absolute_lifetime:
        login.ended_at = now
        audit.record(
            session,
            audit.Initiator(user_id=login.user_id, email=login.user.email, ip=login.ip),
            "session.expired",
            "user",
            login.user_id,
            now=now,
        )
        return ResumedSession(SessionState.EXPIRED)
    if now - login.last_seen_at >= LAST_SEEN_RESOLUTION:
        login.last_seen_at = now
    return ResumedSession(SessionState.ACTIVE, Principal.of(login.user))


def log_out(session: Session, token: str, ip: str, now: datetime) -> None:
    login = session.get(LoginSession, token_hash(token))
    if login is None or login.ended_at is not None:
        return
    login.ended_at = now
    audit.record(
        session,
        audit.Initiator(user_id=login.user_id, email=login.user.email, ip=ip),
        "logout",
        "user",
        login.user_id,
        now=now,
    )


def end_all_sessions(session: Session, user_id: int, now: datetime) -> None:
    """Used when an account is deactivated: it must stop working at once."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
