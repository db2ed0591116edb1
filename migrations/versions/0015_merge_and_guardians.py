"""Merging two cases of one pupil, and when and how the guardians were informed

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade():
    op.create_table(
        "case_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merged_case_id", sa.Integer(), nullable=False),
        sa.Column("surviving_case_id", sa.Integer(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("merged_by", sa.Integer(), nullable=True),
        _fk("case_merges", "merged_case_id", "cases"),
        _fk("case_merges", "surviving_case_id", "cases"),
        _fk("case_merges", "merged_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_merges")),
        sa.UniqueConstraint("merged_case_id", name=op.f("uq_case_merges_merged_case_id")),
    )
    with op.batch_alter_table("case_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_merges_surviving_case_id"), ["surviving_case_id"], unique=False
        )
    op.create_table(
        "guardians_informed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("informed_on", sa.Date(), nullable=False),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.Column("guardian_ids", sa.JSON(), nullable=False),
        sa.Column("guardian_names", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("guardians_informed", "case_id", "cases"),
        _fk("guardians_informed", "created_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardians_informed")),
    )
    with op.batch_alter_table("guardians_informed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guardians_informed_case_id"), ["case_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("guardians_informed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardians_informed_case_id"))
    op.drop_table("guardians_informed")
    with op.batch_alter_table("case_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_merges_surviving_case_id"))
    op.drop_table("case_merges")
