"""Each final plan's and evaluation's next evaluation date kept beside it, and the indexes
the school owner's overview counts from (issue 15)

A final document never changes, so the date, worked out from its data when it is
finalised (trygg.cases.evaluation_dates), never goes stale. The existing final documents
get theirs here: the one time a final row is written to, with the database's guard
against it (migration 0005) lifted for this transaction only and put back before it ends.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 08:00:00

"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The guard of migration 0005, as it stands there (frozen: a later change to the app's
# copy must not change what this migration puts back).
SQLITE_GUARD = (
    "CREATE TRIGGER case_documents_final_no_update BEFORE UPDATE ON case_documents "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a final document never changes'); END"
)
PG_GUARD = "case_documents_final_no_change"


def evaluation_date_set_by(kind, data):
    """trygg.cases.evaluation_dates's rule as it stood when this migration was written
    (frozen here: the rows it fills are those finalised before it)."""
    if kind == "aktivitetsplan":
        dates = [m.get("evaluate_on") for m in data.get("measures") or [] if m.get("evaluate_on")]
        return min(dt.date.fromisoformat(d) for d in dates) if dates else None
    step = data.get("next") or {}
    if step.get("action") in ("ny_evaluering", "ny_versjon") and step.get("evaluate_on"):
        return dt.date.fromisoformat(step["evaluate_on"])
    return None


INDEXES = (
    (
        "ix_case_documents_final_facts",
        ["case_id", "kind", "id", "finalised_at", "next_evaluation_on"],
        "status = 'final'",
    ),
    (
        "ix_case_documents_final_evaluations",
        ["parent_id", "id", "next_evaluation_on"],
        "status = 'final' AND kind = 'evaluering'",
    ),
)


def _backfill():
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, kind, data FROM case_documents "
            "WHERE status = 'final' AND kind IN ('aktivitetsplan', 'evaluering')"
        )
    )
    dates = []
    for row in rows:
        data = row.data if isinstance(row.data, dict) else json.loads(row.data or "{}")
        day = evaluation_date_set_by(row.kind, data)
        if day is not None:
            dates.append({"id": row.id, "day": day})
    if not dates:
        return
    update = sa.text("UPDATE case_documents SET next_evaluation_on = :day WHERE id = :id")
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE case_documents DISABLE TRIGGER {PG_GUARD}")
        bind.execute(update, dates)
        op.execute(f"ALTER TABLE case_documents ENABLE TRIGGER {PG_GUARD}")
    else:
        op.execute("DROP TRIGGER IF EXISTS case_documents_final_no_update")
        bind.execute(update, dates)
        op.execute(SQLITE_GUARD)


def upgrade():
    op.add_column("case_documents", sa.Column("next_evaluation_on", sa.Date(), nullable=True))
    _backfill()
    for name, columns, predicate in INDEXES:
        op.create_index(
            name,
            "case_documents",
            columns,
            unique=False,
            postgresql_where=sa.text(predicate),
            sqlite_where=sa.text(predicate),
        )


def downgrade():
    for name, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name="case_documents")
    # Not batch mode: SQLite would copy the table and lose its guards (migration 0005).
    op.drop_column("case_documents", "next_evaluation_on")
