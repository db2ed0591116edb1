"""Writes nobody asked for (penetration test, issue 17).

A form posted after the session ran out is kept only when the idle timeout ended the
session, with the session's own CSRF token and within a size limit; an ended session
(logout, deactivation, the absolute lifetime) writes nothing. Opening a document page
never creates the document: the start button (a POST) does, and sets its start time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from wtforms.fields import FieldList
from wtforms.validators import Length

from tests.conftest import csrf_token, log_in
from tests.factories.cases import case_at
from tests.factories.users import HANDLER, RECTOR, user
from trygg import audit
from trygg.accounts.users import deactivate_user, reactivate_user
from trygg.form_drafts import KEEP_AT_MOST
from trygg.models import AuditEvent, CaseDocument, FormDraft, LoginSession, utcnow
from trygg.models.documents import DRAFT, FINAL

NEW_USER = "/admin/brukere/ny"
NAME = "Ragnhild Åsebø-Kristoffersen"
COOKIE = "trygg_session"


def drafts(session: Session) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(FormDraft)).scalar_one()


def idle(session: Session, hours: float = 2) -> None:
    """Every login last seen `hours` ago: the idle timeout (30 minutes) has passed."""
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - dt.timedelta(hours=hours)))
    session.commit()


def post_form(client: FlaskClient, token: str | None, **fields: str) -> str:
    data = {"name": NAME, "email": "ragnhild@example.no", **fields}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(NEW_USER, data=data)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/logg-inn")
    return location


def logged_in_form(client: FlaskClient, email: str) -> tuple[str, str]:
    """Log in and open the form: its CSRF token and the cookie as it is now."""
    log_in(client, email)
    token = csrf_token(client, NEW_USER)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return token, cookie.value


# --- finding 1: an ended session writes nothing -----------------------------------------


def test_an_idle_session_keeps_the_form_with_its_csrf_token(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    idle(session)
    location = post_form(client, token)
    assert drafts(session) == 1
    assert "tatt vare på" in client.get(location).get_data(as_text=True)


def test_the_old_cookie_after_logout_writes_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, cookie = logged_in_form(client, demo["admin"])
    client.post("/logg-ut", data={"csrf_token": token})
    for _ in range(3):
        client.set_cookie(COOKIE, cookie)
        location = post_form(client, token, title="x" * 100_000)
        assert "tatt vare på" not in client.get(location).get_data(as_text=True)
    # And not after the idle timeout either: the logout ended it first.
    idle(session)
    client.set_cookie(COOKIE, cookie)
    post_form(client, token)
    assert drafts(session) == 0


def test_a_deactivated_users_cookie_writes_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, cookie = logged_in_form(client, demo["admin_school"])
    idle(session)
    admin = user(session, demo["admin"])
    by = audit.Initiator(user_id=admin.id, email=admin.email)
    deactivate_user(session, user(session, demo["admin_school"]), by, utcnow())
    session.commit()
    post_form(client, token)
    assert drafts(session) == 0
    # Active again later: the session the deactivation ended stays ended.
    reactivate_user(session, user(session, demo["admin_school"]), by)
    session.commit()
    client.set_cookie(COOKIE, cookie)
    post_form(client, token)
    assert drafts(session) == 0


def test_a_session_past_its_absolute_lifetime_writes_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    # Logged in 13 hours ago (the lifetime is 12), idle for the last two.
    session.execute(update(LoginSession).values(created_at=utcnow() - dt.timedelta(hours=13)))
    idle(session)
    post_form(client, token)
    assert drafts(session) == 0


def test_a_session_ended_by_the_idle_timeout_keeps_one_form_only(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, cookie = logged_in_form(client, demo["admin"])
    idle(session)
    post_form(client, token)
    # The same cookie sent again (a copy of it): the session is ended now.
    for _ in range(3):
        client.set_cookie(COOKIE, cookie)
        post_form(client, token, name="Noe annet")
    assert drafts(session) == 1


@pytest.mark.parametrize("token", [None, "", "forfalsket", "IjEyMyI.ZZZ.abc"])
def test_without_the_sessions_csrf_token_nothing_is_kept(
    client: FlaskClient, session: Session, demo: dict[str, str], token: str | None
) -> None:
    logged_in_form(client, demo["admin"])
    idle(session)
    post_form(client, token)
    assert drafts(session) == 0


def test_another_sessions_csrf_token_is_not_enough(
    app: Flask, session: Session, demo: dict[str, str]
) -> None:
    other = app.test_client()
    other_token, _ = logged_in_form(other, demo["admin"])
    client = app.test_client()
    logged_in_form(client, demo["admin"])
    idle(session)
    post_form(client, other_token)
    assert drafts(session) == 0


def test_a_form_larger_than_the_limit_is_not_kept_and_the_user_is_told(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    idle(session)
    location = post_form(client, token, title="x" * (KEEP_AT_MOST + 1))
    assert drafts(session) == 0
    page = client.get(location).get_data(as_text=True)
    assert "tatt vare på" not in page
    assert "kunne ikke tas vare på" in page
    assert "Du ble logget ut fordi du ikke hadde vært aktiv på en stund." in page


def test_a_form_just_within_the_limit_is_kept(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    idle(session)
    # The limit counts the characters of names and values, the CSRF token not included.
    used = len("name") + len(NAME) + len("email") + len("ragnhild@example.no") + len("title")
    post_form(client, token, title="x" * (KEEP_AT_MOST - used))
    assert drafts(session) == 1


def test_the_limit_holds_every_valid_document_form(app: Flask) -> None:
    """A valid form is never too large to keep: the limit is above the most each document
    form's length limits allow (the evaluation's 60 measures are the largest)."""
    from forms.documents.evaluation import EvaluationForm
    from forms.documents.investigation import InvestigationForm
    from forms.documents.plan import PlanForm

    def most(form: object) -> int:
        total = 0
        for field in form:  # type: ignore[attr-defined]
            if isinstance(field, FieldList):
                row = field.unbound_field.args[0](meta={"csrf": False})
                total += most(row) * (field.max_entries or 0)
                continue
            total += next((v.max for v in field.validators if isinstance(v, Length)), 0)
        return total

    with app.test_request_context():
        largest = max(
            most(form(meta={"csrf": False}))
            for form in (InvestigationForm, PlanForm, EvaluationForm)
        )
    assert largest >= 700_000
    assert largest < KEEP_AT_MOST


def test_an_address_that_is_no_page_keeps_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    idle(session)
    response = client.post("/finnes/ikke", data={"csrf_token": token, "name": NAME})
    assert response.status_code == 302
    assert drafts(session) == 0


def test_the_request_limit_refuses_a_huge_form_before_anything_is_kept(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    token, _ = logged_in_form(client, demo["admin"])
    idle(session)
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(NEW_USER, data={"csrf_token": token, "name": big})
    assert response.status_code == 413
    assert drafts(session) == 0


# --- finding 2: opening a document page creates nothing ------------------------------


def case_documents(session: Session, case_id: int, kind: str) -> list[CaseDocument]:
    session.expire_all()
    query = select(CaseDocument).where(CaseDocument.case_id == case_id, CaseDocument.kind == kind)
    return list(session.execute(query.order_by(CaseDocument.id)).scalars())


def audit_actions(session: Session, case_id: int) -> list[str]:
    session.expire_all()
    query = select(AuditEvent.action).where(AuditEvent.object_id == str(case_id))
    return list(session.execute(query.order_by(AuditEvent.id)).scalars())


@pytest.mark.parametrize(
    ("stage", "kind"),
    [("received", "undersokelse"), ("investigated", "aktivitetsplan"), ("planned", "evaluering")],
)
def test_opening_a_document_page_creates_nothing_the_start_button_does(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    stage: str,
    kind: str,
) -> None:
    case = case_at(session, tmp_path, stage)  # type: ignore[arg-type]
    log_in(client, HANDLER)
    url = f"/saker/{case.id}/dokument/{kind}"

    page = client.get(url, headers={"Referer": "https://elsewhere.example/"})

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'action="{url}/start"' in text and 'name="csrf_token"' in text
    assert 'class="doc-form"' not in text
    assert case_documents(session, case.id, kind) == []
    # A start without the form's CSRF token (another site's form) creates nothing either.
    assert client.post(f"{url}/start").status_code == 400
    assert case_documents(session, case.id, kind) == []

    before = utcnow()
    started = client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})

    assert started.status_code == 302 and started.headers["Location"] == url
    [draft] = case_documents(session, case.id, kind)
    assert draft.status == DRAFT and draft.created_at >= before.replace(microsecond=0)
    assert "document.started" in audit_actions(session, case.id)
    assert 'class="doc-form"' in client.get(url).get_data(as_text=True)
    # Pressed twice (a second tab): still one draft.
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})
    assert len(case_documents(session, case.id, kind)) == 1


def test_the_investigation_starts_when_the_button_is_pressed_not_when_the_page_opens(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = f"/saker/{case.id}/dokument/undersokelse"
    client.get(url)
    assert case_documents(session, case.id, "undersokelse") == []
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})
    [draft] = case_documents(session, case.id, "undersokelse")
    started = dt.datetime.fromisoformat(draft.data["started_at"])
    from trygg.calendar.clock import oslo_time

    assert abs(started - oslo_time(utcnow())) < dt.timedelta(minutes=1)


def test_a_final_document_is_shown_without_a_start_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "investigated")
    log_in(client, RECTOR)
    url = f"/saker/{case.id}/dokument/undersokelse"
    page = client.get(url).get_data(as_text=True)
    assert "kan ikke endres" in page and f"{url}/start" not in page
    [final] = case_documents(session, case.id, "undersokelse")
    assert final.status == FINAL


def test_a_closed_case_offers_no_start(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "closed")
    log_in(client, HANDLER)
    url = f"/saker/{case.id}/dokument/evaluering"
    client.get(url)
    count = len(case_documents(session, case.id, "evaluering"))
    response = client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert len(case_documents(session, case.id, "evaluering")) == count
