"""Scale indexes: the lists that grow with a municipality's cases (bench/scale.py)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:00:00

"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# (name, table, columns): each one is declared beside its model too (trygg/models/).
INDEXES = (
    ("ix_cases_school_status_opened", "cases", ["school_id", "status", "opened_at"]),
    ("ix_case_documents_case_kind_status", "case_documents", ["case_id", "kind", "status"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
