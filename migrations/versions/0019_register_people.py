"""The case's people from the register: another pupil in a case tied to a register pupil
(their guardians come in labelled), and spellings of a pupil's name cases used before
they were tied to the register

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pupil_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_case_actors_pupil_id"), ["pupil_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_case_actors_pupil_id_pupils"), "pupils", ["pupil_id"], ["id"]
        )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        # Existing pupils have no such spellings yet.
        batch_op.add_column(
            sa.Column("aliases", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_column("aliases")
    with op.batch_alter_table("case_actors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_actors_pupil_id_pupils"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_case_actors_pupil_id"))
        batch_op.drop_column("pupil_id")
