"""The load bench, small (issue 15): bench/load.py's locust scenario for a few seconds
with five people against gunicorn on the test's PostgreSQL schema. Every kind of request
is made and none fails; the reports sent are the reports filed. No timing: the figures
are bench/load.py's (make bench-load)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.load import KINDS, fill, run_load
from trygg.models import CaseDocument

USERS = 5
SECONDS = 10


def meldeskjemaer(session: Session) -> int:
    session.expire_all()
    query = select(func.count(CaseDocument.id)).where(
        CaseDocument.kind == "meldeskjema", CaseDocument.status == "final"
    )
    return int(session.execute(query).scalar_one())


@pytest.mark.slow
def test_a_short_load_run_makes_every_kind_of_request_without_an_error(
    app: Flask, database_url: str, session: Session
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "the load bench runs on PostgreSQL (SQLite under load: test_security_sqlite_load)"
        )
    settings = app.extensions["trygg.settings"]
    accounts = fill(session, settings, app.extensions["trygg.passwords"], USERS, year=False)
    session.commit()
    before = meldeskjemaer(session)

    result, log = run_load(settings, accounts, USERS, SECONDS)

    assert result.errors == 0, (result.failures, log[-3000:])
    assert set(KINDS) <= result.made(), result
    phases = (result.arrival, result.steady)
    reports = sum(row.count for phase in phases for row in phase.rows if row.kind == "report")
    # Each report the bench counted landed on its receipt: one final document each.
    assert meldeskjemaer(session) - before == reports
    for phase in phases:
        assert phase.total.count == sum(row.count for row in phase.rows)
    assert result.steady.total.count > 0
    # The CPU meter found the server and its database backends.
    assert result.cpu is not None and result.cpu.app > 0 and result.cpu.database > 0
