"""Logging in and out, server-side sessions, and the failed-login throttle.

Every refusal reads the same whether or not the typed address has an account, and the
throttle is keyed on the typed address, so neither messages nor lockouts reveal accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.passwords import Passwords
from trygg.accounts.principal import Principal
from trygg.config import LoginPolicy
from trygg.models import LoginSession, LoginThrottle, User

WRONG_CREDENTIALS = "Feil e-postadresse eller passord."
SLOW_DOWN = "For mange mislykkede forsøk. Vent %(seconds)d sekunder og prøv igjen."
LOCKED = "For mange mislykkede forsøk. Innloggingen er sperret i %(minutes)d minutter."

# Touching last_seen_at on every request would write on every page view.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def normalise_email(email: str) -> str:
    return email.strip().lower()[:254]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class LoginOutcome:
    token: str | None = None
    principal: Principal | None = None
    refusal: str | None = None
    refusal_params: dict[str, int] | None = None

    @property
    def succeeded(self) -> bool:
        return self.token is not None


def _retry_delay(failures: int, policy: LoginPolicy) -> timedelta:
    extra = failures - policy.free_failures
    return timedelta(seconds=2**extra) if extra > 0 else timedelta(0)


def _throttle(session: Session, key: str, policy: LoginPolicy, now: datetime) -> LoginThrottle:
    throttle = session.get(LoginThrottle, key)
    if throttle is None:
        throttle = LoginThrottle(key=key, failures=0)
        session.add(throttle)
    window = timedelta(minutes=policy.failure_window_minutes)
    locked = throttle.locked_until is not None and now < throttle.locked_until
    if not locked and throttle.last_failure_at and now - throttle.last_failure_at > window:
        throttle.failures = 0
        throttle.locked_until = None
    return throttle


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
    throttle = _throttle(session, key, policy, now)
    actor = audit.Initiator(user_id=None, email=key, ip=ip)
    if throttle.locked_until is not None and now < throttle.locked_until:
        audit.record(session, actor, "login.refused_locked", now=now)
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        return LoginOutcome(refusal=LOCKED, refusal_params={"minutes": minutes})
    if throttle.last_failure_at is not None:
        wait_until = throttle.last_failure_at + _retry_delay(throttle.failures, policy)
        if now < wait_until:
            audit.record(session, actor, "login.refused_throttled", now=now)
            seconds = max(1, int((wait_until - now).total_seconds()) + 1)
            return LoginOutcome(refusal=SLOW_DOWN, refusal_params={"seconds": seconds})

    user = session.execute(select(User).where(User.email == key)).scalar_one_or_none()
    usable = user if user is not None and user.active else None
    if not passwords.verify(usable.password_hash if usable else None, password) or usable is None:
        throttle.failures += 1
        throttle.last_failure_at = now
        audit.record(
            session, actor, "login.failed", details={"failures": throttle.failures}, now=now
        )
        if throttle.failures >= policy.lock_after_failures:
            throttle.locked_until = now + timedelta(minutes=policy.lock_minutes)
            return LoginOutcome(refusal=LOCKED, refusal_params={"minutes": policy.lock_minutes})
        return LoginOutcome(refusal=WRONG_CREDENTIALS)

    session.delete(throttle)
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
    if now - login.last_seen_at > idle_timeout or now - login.created_at > absolute_lifetime:
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
