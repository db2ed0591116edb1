"""Login with Feide: the Feide ids stored on an account, and the municipality's Feide
settings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("feide_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("local_login_hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "feide_account_domains",
                sa.String(length=1000),
                server_default="",
                nullable=False,
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feide_subject", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("feide_user_id", sa.String(length=254), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_users_feide_subject"), ["feide_subject"])
        batch_op.create_unique_constraint(op.f("uq_users_feide_user_id"), ["feide_user_id"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_users_feide_user_id"), type_="unique")
        batch_op.drop_constraint(op.f("uq_users_feide_subject"), type_="unique")
        batch_op.drop_column("feide_user_id")
        batch_op.drop_column("feide_subject")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("feide_account_domains")
        batch_op.drop_column("local_login_hidden")
        batch_op.drop_column("feide_enabled")
