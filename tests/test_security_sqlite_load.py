"""SQLite under load in production mode (issue 17): many people at once, logging in and
reading case pages that each write an audit row, and not one request fails.

The penetration test saw 3 of 2214 and 21 of 1799 requests answer 500 ("database is
locked") on SQLite. This is the small version the test suite runs (bounded in count and
time, loopback only); the full load run belongs to bench/ (issue 15)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.factories.users import NORDPOLEN, oslo, school_id
from tests.live_server import LiveServer, live_server
from trygg.accounts.roles import ADMIN, ANSATT, KONTAKTLAERER, LEDELSE
from trygg.accounts.users import NewUser, create_user
from trygg.archive import FolderArchive
from trygg.audit import Initiator
from trygg.calendar.clock import oslo_now
from trygg.demo.cases import seed_demo_cases

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

USERS = 50
ROUNDS = 6
PAGES = ("/", "/saker", "/varsler", "/saker/1", "/saker/2", "/skolens-plan")
# Every person has an account of their own, as in a school: one account logged into from
# a dozen places at once is what parallel guessing looks like, and the throttle holds it.
ROLES = (LEDELSE, KONTAKTLAERER, ANSATT, ANSATT, ADMIN)


def person_email(number: int) -> str:
    return f"person{number}.nordpolen@demo.trygg.no"


@pytest.fixture
def server(
    app: Flask, demo: dict[str, str], database_url: str, session: Session
) -> Iterator[LiveServer]:
    if not database_url.startswith("sqlite"):
        pytest.skip("the finding is about the embedded SQLite default")
    settings = app.extensions["trygg.settings"]
    # The demo cases, so the case pages read real cases and audit every view.
    seed_demo_cases(session, FolderArchive(settings.output_dir / "archive"), oslo_now().date())
    passwords = app.extensions["trygg.passwords"]
    by = Initiator(user_id=None, email="test")
    for number in range(USERS):
        role = ROLES[number % len(ROLES)]
        new = NewUser(
            person_email(number),
            f"Person {number}",
            role,
            oslo(session),
            school_id(session, NORDPOLEN),
            password=DEMO_PASSWORD,
        )
        create_user(session, passwords, new, by)
    session.commit()
    with live_server(settings, workers=2, threads=8) as running:
        yield running


def test_fifty_people_at_once_on_sqlite_get_no_errors(
    server: LiveServer, demo: dict[str, str]
) -> None:
    def one_person(number: int) -> Counter[int]:
        statuses: Counter[int] = Counter()
        client = server.client()
        client.log_in(person_email(number), DEMO_PASSWORD)
        for _round in range(ROUNDS):
            for path in PAGES:
                statuses[client.get(path).status] += 1
        return statuses

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        results = list(pool.map(one_person, range(USERS)))
    total = sum(results, Counter())
    assert sum(total.values()) == USERS * ROUNDS * len(PAGES)
    assert not [status for status in total if status >= 500], (total, server.log()[-3000:])
