"""Server-side login sessions and the failed-password throttle, with the throttle's
atomic statements: its rows change only through these, never read-then-written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    and_,
    case,
    delete,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.config import LoginPolicy
from trygg.models.base import Base, utcnow
from trygg.models.organisation import User


class LoginSession(Base):
    """One login. The cookie carries a random token; only its SHA-256 is stored, so a copy
    of the database cannot be used to take over a session."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed password checks per key: "konto:<typed e-mail address>", whether or not such
    an account exists (so the responses cannot tell an attacker which addresses are real),
    and "ip:<client address>". `locked_until` is the time before which no password is
    checked for the key: the doubling wait after a failure, or the lock. The rows are
    written only by atomic upserts (trygg.accounts.authentication), never read-then-written,
    so parallel requests can neither skip the count nor collide on the key."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # On an address's row: until when a password check from that address may still be
    # under way (a lease set when it claims an account's check). A failure is counted for
    # the address only once its check has run, so without the lease a burst from one new
    # address would look "clean" and take the exemption meant for the real user.
    checking_until: Mapped[datetime | None] = mapped_column(DateTime)


# --- the throttle's statements ---------------------------------------------------------------
#
# A check is claimed before the password is verified, by one upsert that counts it and sets
# the wait its count calls for (INSERT ... ON CONFLICT DO UPDATE ... WHERE not waiting
# RETURNING, on SQLite and PostgreSQL alike): parallel requests can never check more than
# the policy allows, nor collide on a new key. A right password clears the claim (forget).

_THROTTLE = cast(Table, LoginThrottle.__table__)


@dataclass(frozen=True)
class ThrottleClaim:
    failures: int
    until: datetime | None  # the wait this claim set, to clear when it is given back


def wait_after(failures: int, policy: LoginPolicy) -> timedelta | None:
    """No check for the key until this long after its nth failure."""
    if failures >= policy.lock_after_failures:
        return timedelta(minutes=policy.lock_minutes)
    if failures > policy.free_failures:
        return timedelta(seconds=2 ** (failures - policy.free_failures))
    return None


def claim_check(
    connection: Connection, key: str, policy: LoginPolicy, now: datetime, *, gated: bool = True
) -> ThrottleClaim | None:
    """Count one failure for `key` and set its wait; None when `gated` and the key is
    waiting or locked (nothing is counted then). Ungated it counts a failure that has
    happened: a later wait is kept, never shortened."""
    row = _THROTTLE.c
    window = timedelta(minutes=policy.failure_window_minutes)
    # Failures are forgotten a window after the last one, unless the key is still locked.
    forgotten = and_(
        or_(row.last_failure_at.is_(None), row.last_failure_at < now - window),
        or_(row.locked_until.is_(None), row.locked_until <= now),
    )
    count = case((forgotten, 1), else_=row.failures + 1)
    lock = literal(now + timedelta(minutes=policy.lock_minutes), DateTime())
    waits = [
        (count == n, literal(now + wait, DateTime()))
        for n in range(1, policy.lock_after_failures)
        if (wait := wait_after(n, policy)) is not None
    ]
    until = case((count >= policy.lock_after_failures, lock), *waits, else_=null())
    first = wait_after(1, policy)
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(_THROTTLE)
        .values(
            key=key, failures=1, last_failure_at=now, locked_until=now + first if first else None
        )
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "failures": count,
                # A window starts at its first failure; a checked failure moves it on
                # (checked_failure); a right password clears the key (forget).
                "last_failure_at": case((forgotten, now), else_=row.last_failure_at),
                "locked_until": case(
                    (
                        and_(
                            until.is_not(None),
                            or_(row.locked_until.is_(None), until > row.locked_until),
                        ),
                        until,
                    ),
                    else_=row.locked_until,
                ),
            },
            where=or_(row.locked_until.is_(None), row.locked_until <= now) if gated else None,
        )
        .returning(row.failures, row.locked_until)
    )
    claimed = connection.execute(statement).one_or_none()
    if claimed is None:
        return None
    failures, locked_until = claimed
    return ThrottleClaim(failures, locked_until if wait_after(failures, policy) else None)


def count_failure(
    connection: Connection, key: str, policy: LoginPolicy, now: datetime
) -> ThrottleClaim:
    """A failure that was checked without a claim (see claim_check, ungated)."""
    claim = claim_check(connection, key, policy, now, gated=False)
    if claim is None:  # an upsert without a condition always returns its row
        raise RuntimeError("the login throttle's upsert returned no row")
    return claim


def checked_failure(connection: Connection, key: str, now: datetime) -> None:
    """The claimed check failed: the window runs from now."""
    row = _THROTTLE.c
    connection.execute(update(_THROTTLE).where(row.key == key).values(last_failure_at=now))


def give_back(connection: Connection, key: str, claim: ThrottleClaim) -> None:
    """The claimed check was no failure (the right password, or not checked at all)."""
    row = _THROTTLE.c
    values: dict[str, object] = {"failures": case((row.failures > 0, row.failures - 1), else_=0)}
    if claim.until is not None:
        # Only the wait this claim set: a later failure's own wait stays.
        values["locked_until"] = case(
            (row.locked_until == claim.until, null()), else_=row.locked_until
        )
    connection.execute(update(_THROTTLE).where(row.key == key).values(values))


def lease_check(connection: Connection, key: str, until: datetime) -> None:
    """Mark `key` (an address) as having a check under way until `until`; a later lease is
    kept, never shortened. Failures and waits are untouched."""
    row = _THROTTLE.c
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(_THROTTLE)
        .values(key=key, failures=0, checking_until=until)
        .on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "checking_until": case(
                    (
                        or_(row.checking_until.is_(None), row.checking_until < until),
                        literal(until, DateTime()),
                    ),
                    else_=row.checking_until,
                )
            },
        )
    )
    connection.execute(statement)


def checking(connection: Connection, key: str, now: datetime) -> bool:
    """Whether a check from `key` (an address) may still be under way."""
    row = _THROTTLE.c
    until = connection.execute(
        select(row.checking_until).where(row.key == key)
    ).scalar_one_or_none()
    return until is not None and until > now


def prune(connection: Connection, policy: LoginPolicy, now: datetime) -> int:
    """Delete the rows that no longer hold anything back: no wait or lock running, no check
    under way, and the last failure older than the window. Without this every typed address
    and every client address would stay in the table for good. Returns how many went."""
    row = _THROTTLE.c
    window = timedelta(minutes=policy.failure_window_minutes)
    stale = and_(
        or_(row.locked_until.is_(None), row.locked_until <= now),
        or_(row.checking_until.is_(None), row.checking_until <= now),
        or_(row.last_failure_at.is_(None), row.last_failure_at < now - window),
    )
    return connection.execute(delete(_THROTTLE).where(stale)).rowcount


def forget(connection: Connection, key: str) -> None:
    connection.execute(delete(_THROTTLE).where(_THROTTLE.c.key == key))


def recent_state(
    connection: Connection, key: str, policy: LoginPolicy, now: datetime
) -> tuple[int, datetime | None]:
    """The key's failures within the window (or under a lock), and the end of its wait."""
    row = _THROTTLE.c
    state = connection.execute(
        select(row.failures, row.last_failure_at, row.locked_until).where(row.key == key)
    ).one_or_none()
    if state is None:
        return 0, None
    failures, last, until = state
    window = timedelta(minutes=policy.failure_window_minutes)
    if (until is None or until <= now) and (last is None or last < now - window):
        return 0, until
    return failures, until


def throttle_state(connection: Connection, key: str) -> tuple[int, datetime | None]:
    """The key's failures and the end of its wait or lock."""
    row = _THROTTLE.c
    state = connection.execute(
        select(row.failures, row.locked_until).where(row.key == key)
    ).one_or_none()
    return (state[0], state[1]) if state is not None else (0, None)
