"""Penetration test, issue 17: login, password links and sessions under real concurrency.

Each test runs the app in gunicorn (tests/live_server.py) on the test's database and fires
real parallel requests at it. The throttle's numbers are LoginPolicy's: failures 1-3 are
free, each later one sets a doubling wait (2 s, 4 s, ...), the 8th locks for 15 minutes.
The server's own clock decides the waits, so the tests check the policy against the times
the server recorded (the audit events), never against a stopwatch.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import pairwise

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.factories.users import user
from tests.live_server import Client, LiveServer, Reply, live_server
from tests.smtp_server import Collector, smtp_server
from trygg.accounts.password_links import LINK_INVALID, make_token
from trygg.accounts.passwords import Passwords
from trygg.config import LoginPolicy, SmtpSettings
from trygg.models import AuditEvent, LoginThrottle

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

POLICY = LoginPolicy()  # what the server runs: the environment cannot change it
WRONG = "feil-passord-123"
SLOW_DOWN = "For mange mislykkede forsøk. Vent"
LOCKED = "Innloggingen er sperret i"
REFUSALS = ("Feil e-postadresse eller passord.", SLOW_DOWN, LOCKED)
MAIL_SENT = "Hvis adressen hører til en konto i Trygg"
# Liveness only: how long a test waits for mail before it calls it lost.
MAIL_WAIT_SECONDS = 30.0


@pytest.fixture
def server(app: Flask, demo: dict[str, str]) -> Iterator[LiveServer]:
    # Behind one trusted proxy, X-Forwarded-For names the client, so one test can speak
    # for several client addresses.
    settings = app.extensions["trygg.settings"]
    with live_server(settings, env={"TRUSTED_PROXIES": "1"}) as running:
        yield running


@pytest.fixture
def passwords(app: Flask) -> Passwords:
    return app.extensions["trygg.passwords"]  # type: ignore[no-any-return]


def parallel(calls: list[Callable[[], Reply]]) -> list[Reply]:
    """Start every call at the same moment, each in its own thread."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Reply]) -> Reply:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def events(session: Session, *actions: str) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
    return list(session.execute(query).scalars())


def failures(event: AuditEvent) -> int:
    count: int = json.loads(event.details)["failures"]
    return count


def throttle(session: Session, key: str) -> LoginThrottle:
    session.expire_all()
    row = session.get(LoginThrottle, key)
    assert row is not None, key
    return row


def wait_after(failure: int) -> timedelta:
    """The wait LoginPolicy sets after the nth failure."""
    if failure >= POLICY.lock_after_failures:
        return timedelta(minutes=POLICY.lock_minutes)
    if failure > POLICY.free_failures:
        return timedelta(seconds=2 ** (failure - POLICY.free_failures))
    return timedelta(0)


def assert_checks_follow_the_policy(failed: list[AuditEvent]) -> None:
    """One event per checked password, numbered 1..n by the shared counter, none checked
    before the wait the previous failure set had run out."""
    failed = sorted(failed, key=failures)
    assert [failures(e) for e in failed] == list(range(1, len(failed) + 1))
    assert POLICY.free_failures + 1 <= len(failed) <= POLICY.lock_after_failures
    for before, after in pairwise(failed):
        # Free failures set no wait: parallel ones may be counted in any order.
        if wait := wait_after(failures(before)):
            assert after.occurred_at >= before.occurred_at + wait


def shows_a_refusal(reply: Reply) -> bool:
    return reply.status == 200 and any(text in reply.text for text in REFUSALS)


# --- 1. forty parallel wrong logins for one address ---------------------------------------


def test_forty_parallel_wrong_logins_check_no_more_passwords_than_the_policy_allows(
    server: LiveServer, session: Session, demo: dict[str, str]
) -> None:
    email = demo["ansatt"]
    client = server.client()
    form = {"csrf_token": client.csrf_token("/logg-inn"), "email": email, "password": WRONG}

    replies = parallel([lambda: client.post("/logg-inn", form)] * 40)

    assert [r.status for r in replies] == [200] * 40, server.log()[-3000:]
    assert all(shows_a_refusal(r) for r in replies)
    failed = events(session, "login.failed")
    refused = events(session, "login.refused_throttled", "login.refused_locked")
    assert len(failed) + len(refused) == 40
    assert_checks_follow_the_policy(failed)
    # The stored counters agree with the checks, per account and per client address.
    assert throttle(session, f"konto:{email}").failures == len(failed)
    assert throttle(session, "ip:127.0.0.1").failures == len(failed)


# --- 2. many addresses: slowed per account, the real user still gets in -------------------


def test_parallel_guessing_from_many_addresses_is_slowed_per_account_not_the_real_user(
    server: LiveServer, session: Session, demo: dict[str, str]
) -> None:
    email = demo["ansatt"]
    attackers = [f"198.51.100.{n}" for n in range(1, 11)]
    client = server.client()
    form = {"csrf_token": client.csrf_token("/logg-inn"), "email": email, "password": WRONG}

    def guess(address: str) -> Callable[[], Reply]:
        return lambda: client.post("/logg-inn", form, from_address(address))

    replies = parallel([guess(address) for address in attackers for _ in range(4)])

    assert all(shows_a_refusal(r) for r in replies), server.log()[-3000:]
    failed = events(session, "login.failed")
    # Every address gets its first try checked; beyond that only what the account's own
    # count allows (at most lock_after_failures before the lock), not four per address.
    assert {e.ip for e in failed} == set(attackers)
    assert len(attackers) <= len(failed) <= len(attackers) + POLICY.lock_after_failures
    account = throttle(session, f"konto:{email}")
    assert account.failures == len(failed) >= POLICY.lock_after_failures
    assert account.locked_until is not None

    # The lock holds for an address that has guessed, even with the right password ...
    right = {**form, "password": DEMO_PASSWORD}
    refused = client.post("/logg-inn", right, from_address(attackers[0]))
    assert refused.status == 200 and LOCKED in refused.text
    # ... and the real user, from an address without failures, logs in.
    real_user = server.client()
    real_user.log_in(email, DEMO_PASSWORD, from_address("203.0.113.7"))
    assert real_user.get("/", from_address("203.0.113.7")).status == 200


# --- 3. "Bytt passord" shares the login throttle ------------------------------------------


def test_guessing_the_current_password_shares_the_login_throttle(
    server: LiveServer, session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    email = demo["ansatt"]
    cheap = user(session, email).password_hash
    thief = server.client()  # someone with a borrowed session guessing the password
    thief.log_in(email, DEMO_PASSWORD)
    # The login rehashed the password at the server's production cost; the test's cheap
    # hash of the same password keeps each check quick, so the burst fits in one wait.
    session.expire_all()
    user(session, email).password_hash = cheap
    session.commit()
    token = thief.csrf_token("/konto/passord")

    def change(current: str) -> dict[str, str]:
        new = "et helt nytt passord"
        return {"csrf_token": token, "current_password": current} | {
            "new_password": new,
            "confirm": new,
        }

    replies = parallel([lambda: thief.post("/konto/passord", change(WRONG))] * 15)
    last = thief.post("/konto/passord", change(DEMO_PASSWORD))

    assert [r.status for r in replies] == [200] * 15, server.log()[-3000:]
    failed = events(session, "password_change.failed")
    refused = events(session, "password_change.refused_throttled", "password_change.refused_locked")
    assert len(failed) + len(refused) == 15 + (last.status == 200)
    assert_checks_follow_the_policy(failed)
    # The same account key as the login page: the guesses count against logging in too.
    assert throttle(session, f"konto:{email}").failures == len(failed)
    # The right password is refused while the wait of the last failure runs, which is
    # what the server's clock says of the last attempt (the burst takes well under the
    # 2 s the fourth failure sets; a slow machine gets the policy's answer all the same).
    last_failure = max(failed, key=failures)
    wait_ends = last_failure.occurred_at + wait_after(failures(last_failure))
    outcome = events(
        session,
        "password_change.refused_throttled",
        "password_change.refused_locked",
        "user.password_set",
    )[-1]
    if outcome.occurred_at < wait_ends:
        assert last.status == 200 and (SLOW_DOWN in last.text or LOCKED in last.text)
        assert passwords.verify(user(session, email).password_hash, DEMO_PASSWORD)
    else:
        assert last.status == 302 and outcome.action == "user.password_set"


# --- 4. a reset link is spent once, even by parallel requests -----------------------------


def test_four_parallel_posts_with_one_reset_link_set_exactly_one_password(
    app: Flask, server: LiveServer, session: Session, passwords: Passwords, demo: dict[str, str]
) -> None:
    teacher = user(session, demo["kontaktlaerer"])
    link = f"/konto/nytt-passord/{make_token(app.config['SECRET_KEY'], teacher, 'reset')}"
    client = server.client()
    token = client.csrf_token(link)
    chosen = [f"nytt passord nummer {n}" for n in range(4)]

    def use(password: str) -> Callable[[], Reply]:
        form = {"csrf_token": token, "new_password": password, "confirm": password}
        return lambda: client.post(link, form)

    replies = parallel([use(password) for password in chosen])

    statuses = sorted(r.status for r in replies)
    assert statuses.count(302) == 1 and set(statuses) <= {200, 302, 410}, server.log()[-3000:]
    # The others say the link is spent: on the form (200) or as the link page (410).
    assert all(LINK_INVALID[:40] in r.text for r in replies if r.status != 302)
    assert len(events(session, "user.password_link_used")) == 1
    assert len(events(session, "user.password_set")) == 1
    stored = user(session, demo["kontaktlaerer"]).password_hash
    assert [passwords.verify(stored, p) for p in chosen].count(True) == 1
    assert client.get(link).status == 410


# --- 5. "Glemt passord" answers before the mail is sent -----------------------------------


class HeldMail(Collector):
    """Holds every message at MAIL FROM until the test lets it through: while a message
    is held, nothing has been received."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.mail_commands = 0

    async def handle_MAIL(
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        self.mail_commands += 1
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


@pytest.fixture
def held_mail(app: Flask, demo: dict[str, str]) -> Iterator[tuple[HeldMail, LiveServer]]:
    mail = HeldMail()
    with smtp_server(mail) as (_, port):
        try:
            settings = dataclasses.replace(
                app.extensions["trygg.settings"], smtp=SmtpSettings(host="127.0.0.1", port=port)
            )
            # One sync worker: a request is served only after the previous one's work
            # after the answer is done, so a later request shows that work has finished.
            with live_server(settings, workers=1, threads=1) as running:
                yield mail, running
        finally:
            mail.release.set()


def ask_for_reset(client: Client, address: str) -> Reply:
    form = {"csrf_token": client.csrf_token("/glemt-passord"), "email": address}
    return client.post("/glemt-passord", form)


def test_the_reset_page_answers_before_the_mail_is_sent(
    held_mail: tuple[HeldMail, LiveServer], demo: dict[str, str]
) -> None:
    mail, server = held_mail
    reply = ask_for_reset(server.client(), demo["kontaktlaerer"])

    # The mail server holds the message, yet the answer is here.
    assert reply.status == 302 and reply.location == "/logg-inn"
    assert mail.envelopes == []
    mail.release.set()
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while not mail.envelopes and time.monotonic() < deadline:
        time.sleep(0.05)
    [message] = mail.messages()
    assert message["To"] == demo["kontaktlaerer"]
    assert message["Subject"] == "Nytt passord i Trygg"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    held_mail: tuple[HeldMail, LiveServer], demo: dict[str, str]
) -> None:
    mail, server = held_mail
    client = server.client()
    reply = ask_for_reset(client, "finnes.ikke@demo.trygg.no")
    assert reply.status == 302 and reply.location == "/logg-inn"
    mail.release.set()
    # The one worker serves this only after the first request's after-answer work.
    assert MAIL_SENT in client.get("/logg-inn").text
    assert mail.mail_commands == 0 and mail.envelopes == []


def test_wait_after_matches_the_policy() -> None:
    # The tests' own reading of LoginPolicy, checked once so the asserts above stand on it.
    assert [wait_after(n).total_seconds() for n in range(1, 9)] == [
        0, 0, 0, 2, 4, 8, 16, 15 * 60
    ]  # fmt: skip
