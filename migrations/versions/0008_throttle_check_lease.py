"""The login throttle's lease on an address with a password check under way, so a burst
from one new address cannot take the exemption meant for the real user

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checking_until", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_column("checking_until")
