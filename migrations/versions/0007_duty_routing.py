"""§ 12-5 routing from what Trygg knows: reference series without gaps, cases routed to the
school owner, and the link from an ordinary case to the pupil's case hidden from the
leadership

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# SQLite rebuilds the table to change its constraints, and a rebuilt table has lost its
# triggers: the frozen statement of migration 0005 is run again.
SQLITE_NO_DELETE = (
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
    "BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END"
)


def _restore_sqlite_trigger():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS cases_no_delete")
        op.execute(SQLITE_NO_DELETE)


def upgrade():
    op.create_table(
        "case_series",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_case_series")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("routed_to_owner", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("hidden_case_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_cases_hidden_case_id"), ["hidden_case_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_hidden_case_id_cases"), "cases", ["hidden_case_id"], ["id"]
        )
        batch_op.drop_constraint("uq_cases_reference", type_="unique")
        batch_op.create_unique_constraint("uq_cases_school_reference", ["school_id", "reference"])
    # Until now a case about the leadership was the only kind sent to the school owner.
    op.execute(
        sa.text(
            "UPDATE cases SET routed_to_owner = :yes WHERE leadership_suspected = :yes"
        ).bindparams(yes=True)
    )
    _restore_sqlite_trigger()


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_school_reference", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_cases_reference"), ["reference"])
        batch_op.drop_constraint(batch_op.f("fk_cases_hidden_case_id_cases"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_hidden_case_id"))
        batch_op.drop_column("hidden_case_id")
        batch_op.drop_column("routed_to_owner")
    _restore_sqlite_trigger()
    op.drop_table("case_series")
