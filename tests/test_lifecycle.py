"""One request, one transaction (web/lifecycle.py): a request that succeeds is committed
once at its end; an error page, or a refusal shown on a form, keeps nothing; work queued
with after_commit runs after the commit and cannot undo it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from database import db
from tests.conftest import log_in
from trygg.errors import Refused
from trygg.models import Municipality
from web.form_errors import show_error
from web.lifecycle import EarlyCommit, after_commit, commit_now


class _Form:
    """The smallest thing show_error puts a message on."""

    def __init__(self) -> None:
        self._fields: dict[str, object] = {}
        self.form_errors: list[str] = []


def _open(app: Flask, name: str, view: Callable[[], object]) -> None:
    app.add_url_rule(f"/test/{name}", name, view, methods=["GET", "POST"])
    app.view_functions[name].required_rule = lambda user: True  # type: ignore[attr-defined]


def _count(session: Session, prefix: str) -> int:
    query = select(func.count()).select_from(Municipality)
    return session.scalar(query.where(Municipality.name.like(f"{prefix}%"))) or 0


@pytest.fixture
def client_for(app: Flask, demo: dict[str, str]) -> Callable[[], FlaskClient]:
    def make() -> FlaskClient:
        client = app.test_client()
        log_in(client, demo["ansatt"])
        return client

    return make


def test_a_request_that_succeeds_is_committed(
    app: Flask, client_for: Callable[[], FlaskClient], session: Session
) -> None:
    def ok() -> str:
        db.session.add(Municipality(name="Lagret kommune"))
        return "ok"

    _open(app, "ok", ok)
    assert client_for().get("/test/ok").status_code == 200
    assert _count(session, "Lagret") == 1


def test_a_refusal_on_a_form_keeps_nothing_although_the_page_is_200(
    app: Flask, client_for: Callable[[], FlaskClient], session: Session
) -> None:
    form = _Form()

    def refused() -> str:
        db.session.add(Municipality(name="Halv kommune"))
        db.session.flush()
        show_error(form, Refused("Navnet er i bruk."))
        return "skjema med feil"

    _open(app, "refused", refused)
    assert client_for().get("/test/refused").status_code == 200
    assert form.form_errors == ["Navnet er i bruk."]
    assert _count(session, "Halv") == 0


def test_what_the_page_records_after_a_refusal_is_kept(
    app: Flask, client_for: Callable[[], FlaskClient], session: Session
) -> None:
    # The refused form is shown again with the case's data: that read is audited.
    def refused_then_shown() -> str:
        db.session.add(Municipality(name="Halv kommune"))
        db.session.flush()
        show_error(_Form(), Refused("Navnet er i bruk."))
        db.session.add(Municipality(name="Vist kommune"))  # stands for the read's audit row
        return "skjema med feil"

    _open(app, "shown", refused_then_shown)
    assert client_for().get("/test/shown").status_code == 200
    assert (_count(session, "Halv"), _count(session, "Vist")) == (0, 1)


def test_an_unexpected_exception_keeps_nothing(
    app: Flask, client_for: Callable[[], FlaskClient], session: Session
) -> None:
    def crash() -> str:
        db.session.add(Municipality(name="Krasj kommune"))
        db.session.flush()
        raise RuntimeError("programfeil")

    _open(app, "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 page a user meets
    assert client_for().get("/test/crash").status_code == 500
    assert _count(session, "Krasj") == 0


def test_work_after_commit_runs_after_it_and_cannot_undo_it(
    app: Flask, client_for: Callable[[], FlaskClient], session: Session
) -> None:
    seen: list[int] = []

    def later() -> None:
        # The request's row is already committed when this runs: another connection sees it.
        with Session(db.engine) as other:
            seen.append(_count(other, "Først"))
        raise OSError("e-postserveren svarer ikke")

    def with_mail() -> str:
        db.session.add(Municipality(name="Først kommune"))
        after_commit(later)
        return "ok"

    _open(app, "mail", with_mail)
    assert client_for().get("/test/mail").status_code == 200
    assert seen == [1]
    assert _count(session, "Først") == 1


def test_an_early_commit_needs_a_named_reason(app: Flask) -> None:
    with app.app_context(), pytest.raises(TypeError):
        commit_now("fordi")  # type: ignore[arg-type]
    assert {reason.name for reason in EarlyCommit} >= {"SESSION_RESUMED", "LOGIN_ATTEMPT"}
