"""The migrations folder, and closing an app's pooled connections after migrating it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from database import db

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


def close(application: Flask) -> None:
    # Pooled connections left to the garbage collector would hold PostgreSQL locks.
    with application.app_context():
        db.engine.dispose()
