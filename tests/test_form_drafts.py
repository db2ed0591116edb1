"""A form posted after the session ran out is not lost: after logging in again the user
is back in the form with what they typed, and nobody else gets it."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from trygg.models import FormDraft, LoginSession, utcnow

LONG_NAME = "Ragnhild Åsebø-Kristoffersen"


def expire_sessions(session: Session) -> None:
    session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    session.commit()


def post_after_timeout(client: FlaskClient, session: Session, email: str) -> str:
    log_in(client, email)
    token = csrf_token(client, "/admin/brukere/ny")
    expire_sessions(session)
    response = client.post(
        "/admin/brukere/ny",
        data={"csrf_token": token, "name": LONG_NAME, "email": "ragnhild@example.no"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/logg-inn")
    return location


def test_text_survives_a_session_timeout(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    location = post_after_timeout(client, session, demo["admin"])
    assert "next=/admin/brukere/ny" in location.replace("%2F", "/")
    login_page = client.get(location).get_data(as_text=True)
    assert "tatt vare på" in login_page
    token = csrf_token(client, location)
    back = client.post(
        location,
        data={"csrf_token": token, "email": demo["admin"], "password": "demo-passord-for-tester"},
    )
    assert back.headers["Location"] == "/admin/brukere/ny"
    page = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert LONG_NAME in page and "ragnhild@example.no" in page
    # Handed back once, then gone.
    assert session.query(FormDraft).count() == 0
    assert LONG_NAME not in client.get("/admin/brukere/ny").get_data(as_text=True)


def test_another_user_on_the_same_browser_does_not_get_the_text(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    post_after_timeout(client, session, demo["admin"])
    log_in(client, demo["admin_school"])
    page = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert LONG_NAME not in page
    assert session.query(FormDraft).count() == 1


def test_passwords_are_never_kept(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["ansatt"])
    token = csrf_token(client, "/konto/passord")
    expire_sessions(session)
    client.post(
        "/konto/passord",
        data={
            "csrf_token": token,
            "current_password": "hemmelig-1",
            "new_password": "hemmelig-2",
            "confirm": "hemmelig-2",
        },
    )
    kept = session.query(FormDraft).one()
    assert "hemmelig" not in str(kept.fields)


def test_a_draft_lives_one_day_and_is_cleared_when_the_next_one_is_kept(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    post_after_timeout(client, session, demo["admin"])
    session.execute(update(FormDraft).values(saved_at=utcnow() - timedelta(days=1, minutes=1)))
    session.commit()
    log_in(client, demo["admin"])
    page = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert LONG_NAME not in page  # too old to be handed back

    post_after_timeout(client, session, demo["admin"])
    session.expire_all()
    ages = list(session.execute(select(FormDraft.saved_at)).scalars())
    assert len(ages) == 1 and ages[0] > utcnow() - timedelta(minutes=5)
