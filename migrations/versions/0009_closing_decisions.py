"""Closing a case as a documented decision: the proposal, the leadership's decision and
the answer at the follow-up

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(column, table):
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_closing_decisions_{column}_{table}")
    )


def upgrade():
    # Cases closed before this revision keep their follow-up date and have no row: the
    # case page says they were closed without a recorded decision.
    op.create_table(
        "closing_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("pupil_experience", sa.Text(), nullable=False),
        sa.Column("heard_how", sa.Text(), nullable=False),
        sa.Column("no_investigation_reason", sa.Text(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("followed_up_at", sa.DateTime(), nullable=True),
        sa.Column("followed_up_by", sa.Integer(), nullable=True),
        sa.Column("follow_up_result", sa.String(length=20), nullable=False),
        sa.Column("follow_up_experience", sa.Text(), nullable=False),
        sa.Column("follow_up_heard_how", sa.Text(), nullable=False),
        _fk("case_id", "cases"),
        _fk("decided_by", "users"),
        _fk("document_id", "case_documents"),
        _fk("evaluation_id", "case_documents"),
        _fk("followed_up_by", "users"),
        _fk("proposed_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_decisions")),
    )
    with op.batch_alter_table("closing_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closing_decisions_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("closing_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closing_decisions_case_id"))
    op.drop_table("closing_decisions")
