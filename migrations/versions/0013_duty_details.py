"""Duty details: the day a case was marked serious, the pupil's filing lock, the school's
contact person and the municipality's Statsforvalteren on documents sent home

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00

"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# SQLite rebuilds `cases` to drop a column, and a rebuilt table has lost its triggers:
# the frozen statement of migration 0005 is run again (as in 0007).
SQLITE_NO_DELETE = (
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
    "BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END"
)
OSLO = ZoneInfo("Europe/Oslo")

SCHOOL_COLUMNS = (
    ("contact_name", 200),
    ("contact_role", 200),
    ("contact_phone", 40),
    ("contact_email", 254),
)
MUNICIPALITY_COLUMNS = (
    ("statsforvalteren_name", 200),
    ("statsforvalteren_address", 300),
    ("statsforvalteren_phone", 40),
    ("statsforvalteren_email", 254),
    ("statsforvalteren_web", 200),
)


def _restore_sqlite_trigger():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS cases_no_delete")
        op.execute(SQLITE_NO_DELETE)


def _backfill_serious_since():
    """A case marked serious before the day was stored: its first receipt (the day the
    deadline used until now), as the Oslo date of the stored UTC time."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, received_at, opened_at FROM cases "
            "WHERE serious = :yes AND serious_since IS NULL"
        ).bindparams(yes=True)
    ).all()
    for case_id, received_at, opened_at in rows:
        moment = received_at or opened_at
        if isinstance(moment, str):  # SQLite hands back the stored text
            moment = dt.datetime.fromisoformat(moment)
        day = moment.replace(tzinfo=dt.UTC).astimezone(OSLO).date()
        bind.execute(
            sa.text("UPDATE cases SET serious_since = :day WHERE id = :id").bindparams(
                day=day, id=case_id
            )
        )


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("serious_since", sa.Date(), nullable=True))
    _restore_sqlite_trigger()
    _backfill_serious_since()
    op.create_table(
        "pupil_filing_locks",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("pupil_key", sa.String(length=220), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_pupil_filing_locks_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("school_id", "pupil_key", name=op.f("pk_pupil_filing_locks")),
    )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        for name, length in SCHOOL_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), server_default="", nullable=False)
            )
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        for name, length in MUNICIPALITY_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), server_default="", nullable=False)
            )


def downgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        for name, _ in reversed(MUNICIPALITY_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("schools", schema=None) as batch_op:
        for name, _ in reversed(SCHOOL_COLUMNS):
            batch_op.drop_column(name)
    op.drop_table("pupil_filing_locks")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("serious_since")
    _restore_sqlite_trigger()
