"""permanent records: cases never deleted, archived files and final documents never change

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:40:00

"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies of trygg/models/immutability.py at the time of this revision.
SQLITE = (
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
    "BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END",
    "CREATE TRIGGER archived_files_no_update BEFORE UPDATE ON archived_files "
    "BEGIN SELECT RAISE(ABORT, 'archived files never change'); END",
    "CREATE TRIGGER archived_files_no_delete BEFORE DELETE ON archived_files "
    "BEGIN SELECT RAISE(ABORT, 'archived files never change'); END",
    "CREATE TRIGGER case_documents_final_no_update BEFORE UPDATE ON case_documents "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a final document never changes'); END",
    "CREATE TRIGGER case_documents_no_delete BEFORE DELETE ON case_documents "
    "WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'a final document never changes'); END",
)
SQLITE_TRIGGERS = (
    "cases_no_delete",
    "archived_files_no_update",
    "archived_files_no_delete",
    "case_documents_final_no_update",
    "case_documents_no_delete",
)
POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION trygg_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME "
    "|| ' is refused: the record is permanent'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
    "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
    "CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases "
    "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
    "CREATE TRIGGER archived_files_no_change BEFORE UPDATE OR DELETE ON archived_files "
    "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
    "CREATE TRIGGER archived_files_no_truncate BEFORE TRUNCATE ON archived_files "
    "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
    "CREATE TRIGGER case_documents_final_no_change BEFORE UPDATE OR DELETE "
    "ON case_documents FOR EACH ROW WHEN (OLD.status = 'final') "
    "EXECUTE FUNCTION trygg_refuse_change()",
)
POSTGRESQL_TRIGGERS = (
    ("cases_no_delete", "cases"),
    ("cases_no_truncate", "cases"),
    ("archived_files_no_change", "archived_files"),
    ("archived_files_no_truncate", "archived_files"),
    ("case_documents_final_no_change", "case_documents"),
)


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for name, table in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS trygg_refuse_change()")
