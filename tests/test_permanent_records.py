"""The database refuses to delete a case or change an archived file's record or a final
document, on SQLite and PostgreSQL, whatever code or console tries it; drafts stay free."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from tests.factories.cases import NOW, file
from tests.factories.users import user
from trygg.cases.workflow import start_document

REFUSED = [
    "DELETE FROM cases",
    "UPDATE archived_files SET size = 1",
    "DELETE FROM archived_files",
    "UPDATE case_documents SET data = '{}' WHERE status = 'final'",
    "DELETE FROM case_documents WHERE status = 'final'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_permanent_records_cannot_be_changed(
    session: Session, demo: dict[str, str], tmp_path: Path, statement: str
) -> None:
    file(session, tmp_path, demo["ansatt"])
    with pytest.raises(DatabaseError):
        session.execute(text(statement))
        session.flush()
    session.rollback()
    assert session.execute(text("SELECT count(*) FROM cases")).scalar_one() == 1
    assert session.execute(text("SELECT count(*) FROM archived_files")).scalar_one() == 1


def test_a_draft_can_still_be_saved_and_deleted(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    draft = start_document(session, case, "undersokelse", user(session, demo["ledelse"]), NOW)
    session.commit()
    session.execute(text("UPDATE case_documents SET data = '{}' WHERE id = :id"), {"id": draft.id})
    session.execute(text("DELETE FROM case_documents WHERE id = :id"), {"id": draft.id})
    session.commit()
    left = session.execute(text("SELECT count(*) FROM case_documents")).scalar_one()
    assert left == 1  # the final meldeskjema
