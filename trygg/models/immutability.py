"""The database itself refuses what the law and the product promise never happens: a case
is never deleted, an archived file's record never changes or disappears, and a finalised
document never changes. The app never tries; these triggers stop a script, a console
session or a future bug from doing it quietly.

The same statements stand, frozen, in migration 0005; these serve create_all().
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from trygg.models.cases import Case
from trygg.models.documents import ArchivedFile, CaseDocument
from trygg.models.notes import CaseAttachment, CaseNote, CaseRecordWithdrawal

SQLITE: dict[str, tuple[str, ...]] = {
    "cases": (
        "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
        "BEGIN SELECT RAISE(ABORT, 'cases are never deleted'); END",
    ),
    "archived_files": (
        "CREATE TRIGGER archived_files_no_update BEFORE UPDATE ON archived_files "
        "BEGIN SELECT RAISE(ABORT, 'archived files never change'); END",
        "CREATE TRIGGER archived_files_no_delete BEFORE DELETE ON archived_files "
        "BEGIN SELECT RAISE(ABORT, 'archived files never change'); END",
    ),
    "case_documents": (
        "CREATE TRIGGER case_documents_final_no_update BEFORE UPDATE ON case_documents "
        "WHEN OLD.status = 'final' "
        "BEGIN SELECT RAISE(ABORT, 'a final document never changes'); END",
        "CREATE TRIGGER case_documents_no_delete BEFORE DELETE ON case_documents "
        "WHEN OLD.status = 'final' "
        "BEGIN SELECT RAISE(ABORT, 'a final document never changes'); END",
    ),
}

# Notes, attachments and their withdrawals (migration 0012): written once, never changed.
_RECORD_TABLES = ("case_notes", "case_attachments", "case_record_withdrawals")
for _table in _RECORD_TABLES:
    SQLITE[_table] = (
        f"CREATE TRIGGER {_table}_no_update BEFORE UPDATE ON {_table} "
        "BEGIN SELECT RAISE(ABORT, 'a case record never changes'); END",
        f"CREATE TRIGGER {_table}_no_delete BEFORE DELETE ON {_table} "
        "BEGIN SELECT RAISE(ABORT, 'a case record never changes'); END",
    )

# No "%" placeholders: the driver would read them as its own parameters.
_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION trygg_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME "
    "|| ' is refused: the record is permanent'; END $$ LANGUAGE plpgsql"
)
POSTGRESQL: dict[str, tuple[str, ...]] = {
    "cases": (
        _PG_FUNCTION,
        "CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases "
        "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
        "CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases "
        "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
    ),
    "archived_files": (
        _PG_FUNCTION,
        "CREATE TRIGGER archived_files_no_change BEFORE UPDATE OR DELETE ON archived_files "
        "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
        "CREATE TRIGGER archived_files_no_truncate BEFORE TRUNCATE ON archived_files "
        "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
    ),
    "case_documents": (
        _PG_FUNCTION,
        "CREATE TRIGGER case_documents_final_no_change BEFORE UPDATE OR DELETE "
        "ON case_documents FOR EACH ROW WHEN (OLD.status = 'final') "
        "EXECUTE FUNCTION trygg_refuse_change()",
    ),
}

for _table in _RECORD_TABLES:
    POSTGRESQL[_table] = (
        _PG_FUNCTION,
        f"CREATE TRIGGER {_table}_no_change BEFORE UPDATE OR DELETE ON {_table} "
        "FOR EACH ROW EXECUTE FUNCTION trygg_refuse_change()",
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION trygg_refuse_change()",
    )


def _install(table: str) -> Any:
    def install(target: Any, connection: Connection, **_: Any) -> None:
        statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(connection.dialect.name)
        for statement in (statements or {}).get(table, ()):
            connection.exec_driver_sql(statement)

    return install


for _model in (
    Case,
    ArchivedFile,
    CaseDocument,
    CaseNote,
    CaseAttachment,
    CaseRecordWithdrawal,
):
    event.listen(_model.__table__, "after_create", _install(_model.__tablename__))
