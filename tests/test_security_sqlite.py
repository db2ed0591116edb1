"""SQLite as a serious embedded default (issue 17): a writer waits for the lock instead
of failing, and pages read while another connection writes (write-ahead log).

Found by the penetration test: one 6.5 s outside write lock made the app's write fail
after 5 s ("database is locked"), and every login answered 500 meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from flask.testing import FlaskClient

from app import create_app
from database import db
from tests.conftest import DEMO_PASSWORD, csrf_token, make_settings
from trygg.demo.seed import seed_demo

HELD_SECONDS = 6.5


def _sqlite_app(tmp_path: Path) -> tuple[FlaskClient, Path]:
    path = tmp_path / "trygg.sqlite3"
    app = create_app(make_settings(f"sqlite:///{path}", tmp_path))
    with app.app_context():
        db.create_all()
        seed_demo(db.session, app.extensions["trygg.passwords"], DEMO_PASSWORD)
        db.session.commit()
    return app.test_client(), path


def test_the_database_runs_with_a_write_ahead_log(tmp_path: Path) -> None:
    _client, path = _sqlite_app(tmp_path)
    with sqlite3.connect(path) as outside:
        assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_login_waits_for_an_outside_write_lock_instead_of_failing(tmp_path: Path) -> None:
    client, path = _sqlite_app(tmp_path)
    token = csrf_token(client, "/logg-inn")
    locked = threading.Event()

    def hold_the_lock() -> None:
        outside = sqlite3.connect(path, isolation_level=None)
        outside.execute("BEGIN IMMEDIATE")
        outside.execute("UPDATE municipalities SET owner_contact = owner_contact")
        locked.set()
        time.sleep(HELD_SECONDS)
        outside.execute("COMMIT")
        outside.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait(5)
    # While the outside writer holds the lock, pages that only read still answer.
    assert client.get("/helse").status_code == 200
    response = client.post(
        "/logg-inn",
        data={
            "csrf_token": token,
            "email": "rektor.nordpolen@demo.trygg.no",
            "password": DEMO_PASSWORD,
        },
    )
    holder.join()
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get("/saker").status_code == 200
