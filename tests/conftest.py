"""Fixtures: a real database per test, on SQLite and (when TEST_DATABASE_URL is set) again
on PostgreSQL, each test in its own schema so tests never see each other's rows."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from app import create_app
from database import db
from tests.factories.users import VESTRE_AKER, demo_email
from trygg.accounts.roles import ADMIN, ANSATT, KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.config import LoginPolicy, PasswordHashing, Settings
from trygg.demo.seed import seed_demo

# The warm PDF converter (`converter`), shared by every test module that converts.
pytest_plugins = ("tests.factories.pdf",)

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
DEMO_PASSWORD = "demo-passord-for-tester"
# argon2id at its cheapest: tests check behaviour, not hashing cost.
FAST_HASHING = PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long files first: the slow-marked ones, then the browser tests, then the rest
    with the most tests first. `make test` hands each file whole to one of its workers in
    this order (--dist loadfile --no-loadscope-reorder), so the long files start at once
    on both workers and the short ones fill the end; in file-size order, one worker
    finished alone with a crash test for minutes. The tests in a file keep their order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)

    def weight(path: str) -> tuple[int, int]:
        found = files[path]
        if any(item.get_closest_marker("slow") for item in found):
            group = 0
        elif path.startswith("tests/e2e/"):
            group = 1
        else:
            group = 2
        return group, -len(found)

    items[:] = [item for path in sorted(files, key=weight) for item in files[path]]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    assert PG_URL is not None
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    # No wait for the disk at each commit: the server never crashes under a test (the crash
    # tests kill Trygg's processes, not PostgreSQL), and every test commits often.
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    url = make_url(PG_URL).update_query_dict({"options": options})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "testing",
        "secret_key": "test-secret-key-" + uuid.uuid4().hex,
        "database_url": database_url,
        "output_dir": tmp_path / "output",
        "instance_dir": tmp_path / "instance",
        "secure_cookies": False,
        "password_hashing": FAST_HASHING,
        "login_policy": LoginPolicy(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    """Tests override this fixture to change settings. A test that asks for `converter`
    (tests/factories/pdf.py) gets an app that converts to PDF through it."""
    if "converter" in request.fixturenames:
        return {"converters": (request.getfixturevalue("converter").env_value,)}
    return {}


@pytest.fixture
def app(
    database_url: str, tmp_path: Path, settings_overrides: dict[str, object]
) -> Iterator[Flask]:
    # No app context stays pushed during the test: Flask would reuse it for every request,
    # and `g` would leak from one request into the next.
    application = create_app(make_settings(database_url, tmp_path, **settings_overrides))
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A plain session on the app's database, for arranging and checking rows."""
    with Session(engine) as open_session:
        yield open_session


@pytest.fixture
def demo(app: Flask, session: Session) -> dict[str, str]:
    """The demo municipality, schools and users; returns role-and-school → e-mail."""
    seed_demo(session, app.extensions["trygg.passwords"], DEMO_PASSWORD)
    session.commit()
    return {
        "ansatt": demo_email(ANSATT),
        "kontaktlaerer": demo_email(KONTAKTLAERER),
        "ledelse": demo_email(LEDELSE),
        "admin_school": demo_email(ADMIN),
        "admin": demo_email(ADMIN, None),
        "skoleeier": demo_email(SKOLEEIER, None),
        "ansatt_other_school": demo_email(ANSATT, VESTRE_AKER),
        "admin_other_school": demo_email(ADMIN, VESTRE_AKER),
    }


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def log_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> None:
    token = csrf_token(client, "/logg-inn")
    response = client.post(
        "/logg-inn", data={"csrf_token": token, "email": email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
