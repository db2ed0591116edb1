"""The audit trail: append-only in the database, and a hash chain that names tampering."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from trygg import audit
from trygg.audit import verify_chain

ACTOR = audit.Initiator(user_id=7, email="rektor@skole.no", ip="10.0.0.1")


def write_events(session: Session, count: int) -> None:
    for number in range(count):
        audit.record(session, ACTOR, "case.viewed", "case", number, {"n": number})
    session.commit()


def run_verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    return result.exit_code, result.output


def test_chain_links_each_event_to_the_one_before(session: Session) -> None:
    write_events(session, 5)
    rows = session.execute(text("SELECT id, prev_hash, hash FROM audit_events ORDER BY id")).all()
    assert [r.id for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert verify_chain(session).intact


def test_audit_verify_names_the_altered_event(app: Flask, session: Session) -> None:
    write_events(session, 6)
    assert run_verify(app) == (0, "OK: 6 hendelser, kjeden er hel.\n")
    # A DBA with full rights bypasses the append-only rule, as an attacker would.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_update"))
    session.execute(text("UPDATE audit_events SET object_id = '999' WHERE id = 4"))
    session.commit()
    code, output = run_verify(app)
    assert code == 1
    assert "BRUTT: hendelse 4" in output
    assert verify_chain(session).first_broken_id == 4


def test_audit_verify_notices_events_cut_off_the_end(app: Flask, session: Session) -> None:
    write_events(session, 3)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    session.execute(text("DELETE FROM audit_events WHERE id = 3"))
    session.commit()
    report = verify_chain(session)
    assert not report.intact and report.first_broken_id == 3


def test_a_removed_event_in_the_middle_is_named(session: Session) -> None:
    write_events(session, 4)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    session.execute(text("DELETE FROM audit_events WHERE id = 2"))
    session.commit()
    assert verify_chain(session).first_broken_id == 2


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'x' WHERE id = 1", "DELETE FROM audit_events WHERE id = 1"],
)
def test_database_refuses_to_change_audit_rows(session: Session, statement: str) -> None:
    write_events(session, 1)
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert verify_chain(session).intact


def test_event_and_change_commit_together(session: Session) -> None:
    audit.record(session, ACTOR, "user.changed", "user", 1)
    session.rollback()
    assert verify_chain(session).events_checked == 0
    write_events(session, 1)
    assert verify_chain(session).events_checked == 1


def test_details_refuse_free_text(session: Session) -> None:
    with pytest.raises(ValueError, match="too long"):
        audit.record(session, ACTOR, "case.changed", "case", 1, {"text": "x" * 500})
    session.rollback()
