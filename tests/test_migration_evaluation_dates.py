"""Migration 0020 gives the final plans and evaluations finalised before it their next
evaluation date, through the database's guard on final rows, and puts the guard back: on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DatabaseError

from app import create_app
from tests.conftest import make_settings
from tests.factories.migrations import MIGRATIONS, close
from trygg.cases.evaluation_dates import evaluation_date_set_by

NOW = dt.datetime(2026, 3, 2, 9, 0)
PLAN = {
    "measures": [
        {"description": "Voksen i friminutt", "evaluate_on": "2026-04-20"},
        {"description": "Samtale hver uke", "evaluate_on": "2026-04-06"},
        {"description": "Uten dato"},
    ]
}
DOCUMENTS = (
    # (id, kind, status, parent, data, the date migration 0020 must give it)
    (1, "aktivitetsplan", "final", None, PLAN, dt.date(2026, 4, 6)),
    (
        2,
        "evaluering",
        "final",
        1,
        {"next": {"action": "ny_evaluering", "evaluate_on": "2026-05-04"}},
        dt.date(2026, 5, 4),
    ),
    (3, "evaluering", "final", 1, {"next": {"action": "avslutte"}}, None),
    (4, "aktivitetsplan", "draft", None, PLAN, None),  # a draft gets its date when finalised
    (5, "undersokelse", "final", None, {"watch": "Følger med"}, None),
)


def _insert_before_0020(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO municipalities (id, name, owner_contact) VALUES (1, 'K', 'k@k.no')")
        )
        c.execute(text("INSERT INTO schools (id, municipality_id, name) VALUES (1, 1, 'S')"))
        c.execute(
            text(
                "INSERT INTO cases (id, reference, school_id, pupil_name, pupil_key, pupil_class,"
                " status, opened_at, staff_suspected, leadership_suspected, serious,"
                " owner_reported_to) VALUES (1, '2026/0001', 1, 'Lea Holm', 'lea holm', '5B',"
                " 'open', :now, false, false, false, '')"
            ),
            {"now": NOW},
        )
        for doc_id, kind, status, parent, data, _ in DOCUMENTS:
            c.execute(
                text(
                    "INSERT INTO case_documents (id, case_id, kind, number, status, data,"
                    " parent_id, created_at, updated_at, change_summary, revision)"
                    " VALUES (:id, 1, :kind, :number, :status, :data, :parent, :now, :now,"
                    " '[]', 1)"
                ),
                {
                    "id": doc_id,
                    "kind": kind,
                    "number": doc_id,
                    "status": status,
                    "data": json.dumps(data),
                    "parent": parent,
                    "now": NOW,
                },
            )
    engine.dispose()


def test_0020_dates_the_final_documents_and_keeps_the_guard(
    database_url: str, tmp_path: Path
) -> None:
    application = create_app(make_settings(database_url, tmp_path))
    with application.app_context():
        upgrade(directory=MIGRATIONS, revision="0019")
    _insert_before_0020(database_url)
    with application.app_context():
        upgrade(directory=MIGRATIONS, revision="0020")
    close(application)

    engine = create_engine(database_url)
    with engine.connect() as c:
        found = dict(
            c.execute(text("SELECT id, next_evaluation_on FROM case_documents ORDER BY id")).all()
        )
    as_dates = {k: dt.date.fromisoformat(v) if isinstance(v, str) else v for k, v in found.items()}
    assert as_dates == {doc_id: expected for doc_id, *_, expected in DOCUMENTS}
    # The frozen rule in the migration and the app's rule agree on these documents.
    for _, kind, status, _, data, expected in DOCUMENTS:
        if status == "final":
            assert evaluation_date_set_by(kind, data) == expected
    # The guard is back: a final document still refuses every change.
    with pytest.raises(DatabaseError), engine.begin() as c:
        c.execute(text("UPDATE case_documents SET next_evaluation_on = NULL WHERE id = 1"))
    with engine.begin() as c:  # a draft may still change
        c.execute(text("UPDATE case_documents SET revision = 2 WHERE id = 4"))
    engine.dispose()
