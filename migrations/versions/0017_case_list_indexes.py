"""Case list indexes: the rektor's list, the owner's inbox and a handler's list at scale

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The cases the school owner sees: trygg.models.cases.OWNER_ROUTED, as it was written here.
OWNER_ROUTED = (
    "leadership_suspected IS true OR routed_to_owner IS true"
    " OR owner_reported_at IS NOT NULL OR hidden_case_id IS NOT NULL"
)

# (name, table, columns, options): each one is declared beside its model too
# (trygg/models/).
INDEXES = (
    # A user's actor rows, and the cases the user is suspected in, which every list
    # leaves out (§ 12-5).
    ("ix_case_actors_user_id", "case_actors", ["user_id"], {}),
    (
        "ix_case_actors_suspects",
        "case_actors",
        ["user_id", "case_id"],
        {
            "postgresql_where": sa.text("suspected IS true"),
            "sqlite_where": sa.text("suspected IS true"),
        },
    ),
    # A school's list, every status, with what the list reads of each case.
    (
        "ix_cases_school_list",
        "cases",
        ["school_id", "opened_at"],
        {
            "postgresql_include": [
                "id",
                "status",
                "follow_up_on",
                "leadership_suspected",
                "handler_id",
                "pupil_class",
            ]
        },
    ),
    # The owner's inbox: a few percent of a municipality's cases, with what its lists
    # read of each (PostgreSQL answers them from the index alone).
    (
        "ix_cases_routed_to_owner",
        "cases",
        ["opened_at", "id"],
        {
            "postgresql_include": ["school_id", "status", "follow_up_on", "handler_id"],
            "postgresql_where": sa.text(OWNER_ROUTED),
            "sqlite_where": sa.text(OWNER_ROUTED),
        },
    ),
)


def upgrade():
    for name, table, columns, options in INDEXES:
        op.create_index(name, table, columns, unique=False, **options)


def downgrade():
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
