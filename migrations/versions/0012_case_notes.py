"""Dated notes and attachments of a case, and their withdrawals: permanent records

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("case_notes", "case_attachments", "case_record_withdrawals")

# Frozen copies of trygg/models/immutability.py at the time of this revision: the rows
# are written once and never changed or deleted.
SQLITE = tuple(
    statement
    for table in TABLES
    for statement in (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'a case record never changes'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'a case record never changes'); END",
    )
)
SQLITE_TRIGGERS = tuple(f"{t}_{what}" for t in TABLES for what in ("no_update", "no_delete"))
POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION trygg_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME "
    "|| ' is refused: the record is permanent'; END $$ LANGUAGE plpgsql",
    *(
        statement
        for table in TABLES
        for statement in (
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
        )
    ),
)
POSTGRESQL_TRIGGERS = tuple(
    (f"{t}_{what}", t) for t in TABLES for what in ("no_change", "no_truncate")
)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade():
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("not_names", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("case_notes", "case_id", "cases"),
        _fk("case_notes", "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_case_id"), ["case_id"], unique=False)
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("case_attachments", "case_id", "cases"),
        _fk("case_attachments", "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_attachments_case_id"), ["case_id"], unique=False)
    op.create_table(
        "case_record_withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        _fk("case_record_withdrawals", "attachment_id", "case_attachments"),
        _fk("case_record_withdrawals", "case_id", "cases"),
        _fk("case_record_withdrawals", "note_id", "case_notes"),
        _fk("case_record_withdrawals", "withdrawn_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_record_withdrawals")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_case_record_withdrawals_attachment_id")),
        sa.UniqueConstraint("note_id", name=op.f("uq_case_record_withdrawals_note_id")),
    )
    with op.batch_alter_table("case_record_withdrawals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_record_withdrawals_case_id"), ["case_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for name, table in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        # trygg_refuse_change() belongs to 0005 and stays.
    with op.batch_alter_table("case_record_withdrawals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_record_withdrawals_case_id"))
    op.drop_table("case_record_withdrawals")
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attachments_case_id"))
    op.drop_table("case_attachments")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_notes_case_id"))
    op.drop_table("case_notes")
