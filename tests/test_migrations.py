"""Upgrading an empty database to head gives exactly the models' schema, and every
revision goes down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from app import create_app
from tests.conftest import make_settings
from tests.factories.migrations import MIGRATIONS, close
from trygg.models import Base


def migrated_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app(make_settings(database_url, tmp_path))
    with application.app_context():
        upgrade(directory=MIGRATIONS)
    yield application
    close(application)


def schema_differences(database_url: str) -> list[object]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    return list(differences)


migrated = pytest.fixture(migrated_app)


def test_upgrade_to_head_matches_the_models(database_url: str, migrated: Flask) -> None:
    assert schema_differences(database_url) == []


def test_migration_seeds_roles_and_protects_the_audit_trail(
    database_url: str, migrated: Flask
) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        roles = connection.execute(text("SELECT code FROM roles ORDER BY code")).scalars().all()
        head = connection.execute(text("SELECT last_id FROM audit_head")).scalar_one()
    engine.dispose()
    assert roles == ["admin", "ansatt", "kontaktlaerer", "ledelse", "skoleeier"]
    assert head == 0
    result = migrated.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert migrated.test_cli_runner().invoke(args=["audit-verify"]).exit_code == 0
    # Migration 0005's triggers stand: the demo's cases cannot be deleted.
    engine = create_engine(database_url)
    with pytest.raises(DatabaseError), engine.begin() as connection:
        connection.execute(text("DELETE FROM cases"))
    engine.dispose()


def test_every_revision_goes_down_and_up(database_url: str, migrated: Flask) -> None:
    application = migrated
    with application.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
    engine = create_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    with application.app_context():
        upgrade(directory=MIGRATIONS)
    assert schema_differences(database_url) == []
