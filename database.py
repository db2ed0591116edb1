"""The database handle shared by the web app, the command line and the tests.

It lives outside views/ and web/ so the commands never import the web layer; the models it
is built on are the domain's own (trygg.models)."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine

from trygg.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)

# SQLite is the embedded default, so it must bear a school's daily load: write-ahead
# logging lets pages read while another request writes, and a writer waits for the lock
# (up to the busy timeout) instead of failing at once with "database is locked". The
# timeout is long because a waiting report must be filed, not lost; transactions are short.
SQLITE_BUSY_TIMEOUT_MS = 30_000


@event.listens_for(Engine, "connect")
def _sqlite_for_many_users(connection: Any, _record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_without_jit(connection: Any, _record: Any) -> None:
    """PostgreSQL's JIT compiles a query once its estimated cost passes a threshold: the
    school owner's overview (a few correlated lookups over ten thousand open cases) crossed
    it at municipal scale and spent 65 of its 158 ms compiling (bench/scale.py). Every
    query Trygg runs is a page's, short and run again and again: compiling never pays."""
    if type(connection).__module__.startswith("psycopg"):
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        connection.commit()
