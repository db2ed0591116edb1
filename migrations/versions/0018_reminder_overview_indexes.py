"""Partial indexes for send-reminders, the school owner's overview and the alerts

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# (name, table, columns, predicate): each one is declared beside its model too
# (trygg/models/). Partial: each covers the few rows its readers look for among millions.
INDEXES = (
    ("ix_cases_follow_up_on", "cases", ["follow_up_on"], "follow_up_on IS NOT NULL"),
    (
        "ix_closing_decisions_reopened",
        "closing_decisions",
        ["case_id"],
        "follow_up_result = 'reopened'",
    ),
    ("ix_notifications_unread", "notifications", ["user_id"], "read_at IS NULL"),
    ("ix_notifications_unsent", "notifications", ["id"], "emailed_at IS NULL"),
)


def upgrade():
    for name, table, columns, predicate in INDEXES:
        op.create_index(
            name,
            table,
            columns,
            unique=False,
            postgresql_where=sa.text(predicate),
            sqlite_where=sa.text(predicate),
        )


def downgrade():
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
