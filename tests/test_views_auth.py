"""Logging in and out through HTTP: CSRF, cookies, headers, redirects and idle timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD, csrf_token, log_in
from trygg.config import LoginPolicy
from trygg.models import AuditEvent, LoginSession, LoginThrottle


def test_login_page_is_norwegian_and_secure(client: FlaskClient) -> None:
    response = client.get("/logg-inn")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nb">' in html
    assert "Logg inn i Trygg" in html
    assert '<label class="label" for="email">E-postadresse</label>' in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in html


def test_login_and_logout(client: FlaskClient, demo: dict[str, str]) -> None:
    log_in(client, demo["ledelse"])
    home = client.get("/")
    assert home.status_code == 200
    assert "Hilde Moe" in home.get_data(as_text=True)
    token = csrf_token(client, "/")
    response = client.post("/logg-ut", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/logg-inn")
    assert client.get("/").status_code == 302


def test_session_cookie_flags_and_new_token_at_login(
    session: Session, client: FlaskClient, demo: dict[str, str]
) -> None:
    client.get("/logg-inn")
    before = client.get_cookie("trygg_session")
    log_in(client, demo["ansatt"])
    after = client.get_cookie("trygg_session")
    assert after is not None and after.http_only and after.same_site == "Lax"
    assert before is None or before.value != after.value
    first_token = session.execute(select(LoginSession.token_hash)).scalars().all()
    log_in(client, demo["ansatt"])
    second_token = session.execute(select(LoginSession.token_hash)).scalars().all()
    assert len(second_token) == len(first_token) + 1


def test_secure_cookie_flag_in_production_settings(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app import create_app
    from tests.conftest import make_settings

    application = create_app(make_settings(database_url, tmp_path, secure_cookies=True))
    assert application.config["SESSION_COOKIE_SECURE"] is True


def test_post_without_csrf_token_is_refused_in_norwegian(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    response = client.post("/logg-inn", data={"email": demo["ansatt"], "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "sikkerhetsnøkkelen" in response.get_data(as_text=True)


def test_wrong_password_keeps_email_and_says_nothing_about_accounts(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    messages = []
    for email in (demo["ansatt"], "finnes.ikke@demo.trygg.no"):
        token = csrf_token(client, "/logg-inn")
        response = client.post(
            "/logg-inn", data={"csrf_token": token, "email": email, "password": "feil-passord-123"}
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'value="{email}"' in html
        messages.append(html.split('class="error-summary"')[1].split("</div>")[0])
    assert messages[0] == messages[1]
    assert "Feil e-postadresse eller passord." in messages[0]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(
    client: FlaskClient, demo: dict[str, str], target: str
) -> None:
    token = csrf_token(client, "/logg-inn")
    response = client.post(
        "/logg-inn?next=" + target,
        data={"csrf_token": token, "email": demo["ansatt"], "password": DEMO_PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client: FlaskClient, demo: dict[str, str]) -> None:
    response = client.get("/admin/brukere")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn?next=/admin/brukere"
    token = csrf_token(client, "/logg-inn")
    response = client.post(
        "/logg-inn?next=/admin/brukere",
        data={"csrf_token": token, "email": demo["admin"], "password": DEMO_PASSWORD},
    )
    assert response.headers["Location"] == "/admin/brukere"


def test_idle_session_expires(
    session: Session, app: Flask, client: FlaskClient, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    assert client.get("/").status_code == 200
    idle = app.extensions["trygg.settings"].idle_timeout + timedelta(minutes=1)
    for login in session.execute(select(LoginSession)).scalars():
        login.last_seen_at -= idle
    session.commit()
    response = client.get("/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ikke hadde vært aktiv" in page
    actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "session.expired" in actions


def test_login_and_failure_are_audited(
    session: Session, client: FlaskClient, demo: dict[str, str]
) -> None:
    token = csrf_token(client, "/logg-inn")
    client.post(
        "/logg-inn", data={"csrf_token": token, "email": demo["ansatt"], "password": "x" * 12}
    )
    log_in(client, demo["ansatt"])
    events = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    actions = [e.action for e in events]
    assert actions[-2:] == ["login.failed", "login.succeeded"]
    assert events[-1].ip == "127.0.0.1"


def test_change_own_password(client: FlaskClient, demo: dict[str, str]) -> None:
    log_in(client, demo["ansatt"])
    token = csrf_token(client, "/konto/passord")
    bad = client.post(
        "/konto/passord",
        data={
            "csrf_token": token,
            "current_password": "feil",
            "new_password": "kort",
            "confirm": "kort",
        },
    )
    assert "Passordet må ha mellom 12 og 256 tegn." in bad.get_data(as_text=True)
    new = "et langt nytt passord"
    ok = client.post(
        "/konto/passord",
        data={
            "csrf_token": token,
            "current_password": DEMO_PASSWORD,
            "new_password": new,
            "confirm": new,
        },
    )
    assert ok.status_code == 302
    log_in(client, demo["ansatt"], new)


@pytest.mark.parametrize(
    "settings_overrides", [{"login_policy": LoginPolicy(free_failures=5, lock_after_failures=2)}]
)
def test_failed_logins_through_the_page_are_kept_and_lock_the_address(
    session: Session, client: FlaskClient, demo: dict[str, str]
) -> None:
    # Each failure answers with an error on the form, which discards the request's
    # changes; the attempt itself is committed first (EarlyCommit.LOGIN_ATTEMPT).
    for password in ("feil-passord-123", "feil-passord-456", DEMO_PASSWORD):
        token = csrf_token(client, "/logg-inn")
        response = client.post(
            "/logg-inn",
            data={"csrf_token": token, "email": demo["ansatt"], "password": password},
        )
        assert response.status_code == 200
    assert "Innloggingen er sperret i 15 minutter." in response.get_data(as_text=True)
    throttle = session.get(LoginThrottle, "konto:" + demo["ansatt"])
    assert throttle is not None and throttle.failures == 2
    actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions[-3:] == ["login.failed", "login.failed", "login.refused_locked"]
