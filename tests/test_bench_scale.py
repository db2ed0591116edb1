"""The scale benchmark, small: a tiny municipality filled on the test's PostgreSQL schema,
every page measured once, each page's answer checked against the rows (no timing: the
figures are bench/scale.py's)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bench.scale import PAGES, database_size, measure, report, set_indexes
from bench.scale_fill import Size, fill
from trygg.audit import EVENTS_PER_PAGE, verify_chain
from trygg.calendar.clock import oslo_time


def scalar(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def test_every_page_answers_from_the_filled_municipality(database_url: str, engine: Engine) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the scale benchmark fills PostgreSQL with COPY")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = oslo_time(now).date()
    with engine.begin() as connection:
        filled = fill(connection, Size(schools=3, pupils=150, cases=200, years=1), now)
    with Session(engine) as session:
        assert verify_chain(session).intact
    set_indexes(engine, present=False)
    before = measure(engine, filled, 1, today, now)
    set_indexes(engine, present=True)
    results = measure(engine, filled, 1, today, now)
    school = filled.school_ids[0]

    rektor = results["Rektor: saksliste"].result
    assert rektor.total == scalar(
        engine,
        "SELECT count(*) FROM cases WHERE school_id = :s AND status = 'open'"
        " AND NOT leadership_suspected",
        s=school,
    )
    assert rektor.total > 0 and len(rektor.rows) == min(rektor.total, 25)

    inbox = results["Skoleeier: innboks"].result
    assert all(row.overdue for row in inbox.rows)

    statuses = results["Skoleeier: oversikt"].result
    assert len(statuses) == 3
    assert sum(s.open for s in statuses) == scalar(
        engine, "SELECT count(*) FROM cases WHERE status = 'open'"
    )

    handler = results["Saksbehandler: liste"].result
    assert handler.total == scalar(
        engine,
        "SELECT count(*) FROM cases WHERE handler_id = :u AND status = 'open'",
        u=filled.teachers[school][0],
    )

    page = results["Saksside"].result
    assert page["case"] == filled.case_ids[0]
    assert page["documents"] == scalar(
        engine, "SELECT count(*) FROM case_documents WHERE case_id = :c", c=page["case"]
    )
    assert page["chronology"] >= 2

    mine = results["Mine tiltak"].result
    assert [m.description for m in mine] and all(
        m.description == "Voksen i friminutt" for m in mine
    )

    assert results["Varsler (antall)"].result == scalar(
        engine,
        "SELECT count(*) FROM notifications WHERE user_id = :u AND read_at IS NULL",
        u=filled.leaders[school][0],
    )

    events = results["Logg (side)"].result
    head = scalar(engine, "SELECT last_id FROM audit_head")
    assert [e.id for e in events.events] == list(range(head, head - EVENTS_PER_PAGE, -1))

    run = results["send-reminders"].result
    assert run.alerts > 0 and run.emailed == run.alerts and run.failed == 0
    # The runs were rolled back: the next run meets the same database.
    assert scalar(engine, "SELECT count(*) FROM notifications WHERE emailed_at IS NULL") == 0

    assert all(results[name].slowest_plan for name in PAGES)
    table = report(before, results, database_size(engine), plans=True)
    assert all(name in table for name in PAGES)
    assert "Databasestørrelse" in table and "Execution Time" in table
