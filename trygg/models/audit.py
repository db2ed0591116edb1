"""The append-only audit trail: a hash chain the database itself refuses to rewrite."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from trygg.models.base import Base

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80), default="")
    object_id: Mapped[str] = mapped_column(String(80), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    # JSON text: identifiers and counts only, never case content.
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row pointing at the newest event. Writers update it first, which serialises
    them on every backend (a row lock on PostgreSQL, the write lock on SQLite), so the chain
    can never fork; and a verifier can see if events were cut off the end."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


# The same statements stand, frozen, in the first migration; these serve create_all().
SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
POSTGRESQL_APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)


@event.listens_for(AuditEvent.__table__, "after_create")
def _append_only(target: Any, connection: Connection, **_: Any) -> None:
    statements = {"sqlite": SQLITE_APPEND_ONLY, "postgresql": POSTGRESQL_APPEND_ONLY}
    for statement in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(AuditHead.__table__, "after_create")
def _chain_head(target: Any, connection: Connection, **_: Any) -> None:
    connection.execute(target.insert(), [{"id": 1, "last_id": 0, "last_hash": GENESIS_HASH}])
