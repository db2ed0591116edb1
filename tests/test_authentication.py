"""Login throttling and lockout with a frozen clock, on the real database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from trygg.accounts import authentication
from trygg.accounts.authentication import (
    LOCKED,
    SLOW_DOWN,
    WRONG_CREDENTIALS,
    SessionState,
    log_in,
    resume,
)
from trygg.accounts.passwords import Passwords
from trygg.accounts.users import deactivate_user
from trygg.audit import Initiator
from trygg.config import LoginPolicy
from trygg.models import User

POLICY = LoginPolicy(
    free_failures=3, lock_after_failures=6, lock_minutes=15, failure_window_minutes=15
)
T0 = datetime(2026, 11, 23, 8, 0, 0)


@pytest.fixture
def passwords(app: Flask) -> Passwords:
    return app.extensions["trygg.passwords"]  # type: ignore[no-any-return]


def attempt(
    session: Session, passwords: Passwords, email: str, password: str, at: datetime
) -> authentication.LoginOutcome:
    outcome = log_in(session, passwords, POLICY, email, password, "10.1.2.3", at)
    session.commit()
    return outcome


@pytest.mark.parametrize("email", ["ansatt.nordpolen@demo.trygg.no", "ingen.slik@demo.trygg.no"])
def test_failures_slow_down_then_lock_the_same_way_for_real_and_unknown_accounts(
    session: Session, passwords: Passwords, demo: dict[str, str], email: str
) -> None:
    now = T0
    for _ in range(3):
        assert attempt(session, passwords, email, "feil passord!", now).refusal == WRONG_CREDENTIALS
        now += timedelta(seconds=1)
    # Fourth failure: from now on each retry must wait, doubling.
    assert attempt(session, passwords, email, "feil passord!", now).refusal == WRONG_CREDENTIALS
    too_soon = attempt(session, passwords, email, DEMO_PASSWORD, now + timedelta(seconds=1))
    assert too_soon.refusal == SLOW_DOWN and not too_soon.succeeded
    now += timedelta(seconds=3)
    assert attempt(session, passwords, email, "feil passord!", now).refusal == WRONG_CREDENTIALS
    now += timedelta(seconds=5)
    locked = attempt(session, passwords, email, "feil passord!", now)
    assert locked.refusal == LOCKED and locked.refusal_params == {"minutes": 15}
    # Even the right password is refused while locked.
    now += timedelta(minutes=10)
    assert attempt(session, passwords, email, DEMO_PASSWORD, now).refusal == LOCKED
    now += timedelta(minutes=6)
    after = attempt(session, passwords, email, DEMO_PASSWORD, now)
    if email.startswith("ansatt"):
        assert after.succeeded
    else:
        assert after.refusal == WRONG_CREDENTIALS


def test_failures_are_forgotten_after_the_window(
    session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    email = demo["ansatt"]
    for second in range(4):
        attempt(session, passwords, email, "feil passord!", T0 + timedelta(seconds=second * 20))
    later = T0 + timedelta(minutes=40)
    assert attempt(session, passwords, email, DEMO_PASSWORD, later).succeeded


def test_e_mail_is_matched_without_case_and_spaces(
    session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    assert attempt(
        session, passwords, "  ANSATT.Nordpolen@demo.trygg.no ", DEMO_PASSWORD, T0
    ).succeeded


def test_each_login_gets_its_own_token_and_idle_sessions_expire(
    session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    first = attempt(session, passwords, demo["ansatt"], DEMO_PASSWORD, T0)
    second = attempt(session, passwords, demo["ansatt"], DEMO_PASSWORD, T0)
    assert first.token and second.token and first.token != second.token
    idle = timedelta(minutes=30)
    life = timedelta(hours=12)
    assert (
        resume(session, first.token, idle, life, T0 + timedelta(minutes=29)).state
        is SessionState.ACTIVE
    )
    assert (
        resume(session, first.token, idle, life, T0 + timedelta(minutes=58)).state
        is SessionState.ACTIVE
    )
    assert (
        resume(session, first.token, idle, life, T0 + timedelta(minutes=89)).state
        is SessionState.EXPIRED
    )
    assert (
        resume(session, first.token, idle, life, T0 + timedelta(minutes=90)).state
        is SessionState.MISSING
    )


def test_deactivation_ends_sessions_at_once(
    session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    outcome = attempt(session, passwords, demo["ansatt"], DEMO_PASSWORD, T0)
    assert outcome.token
    user = session.execute(select(User).where(User.email == demo["ansatt"])).scalar_one()
    deactivate_user(session, user, Initiator(user_id=None, email="admin@skole.no"), T0)
    session.commit()
    state = resume(session, outcome.token, timedelta(minutes=30), timedelta(hours=12), T0).state
    assert state is SessionState.MISSING
    assert (
        attempt(session, passwords, demo["ansatt"], DEMO_PASSWORD, T0).refusal == WRONG_CREDENTIALS
    )
