"""Admin pages for user accounts and the audit trail, through HTTP as the demo admins."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import (
    NEW_PASSWORD,
    admin_client,
    audit_events,
    error_summary,
    input_value,
    post_new_user,
    selected_option,
    user_by_email,
    user_count,
    wrong_login_message,
)
from tests.conftest import DEMO_PASSWORD, csrf_token, log_in
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg.accounts.password_links import INVITATION, make_token
from trygg.models import LoginSession


def test_municipality_admin_creates_user_who_sets_password_from_the_link_and_logs_in(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = school_id(session, NORDPOLEN)
    status, _, location = post_new_user(
        client,
        name="  Åse Bjørnstad  ",
        email="Ase.Bjornstad@Nordpolen.Oslo.no",
        title="sosiallærer",
        role="ansatt",
        school=str(nordpolen),
    )
    assert status == 302
    user = user_by_email(session, "ase.bjornstad@nordpolen.oslo.no")
    assert user is not None
    assert location == f"/admin/brukere/{user.id}"
    assert (user.name, user.title, user.role_code, user.school_id) == (
        "Åse Bjørnstad",
        "sosiallærer",
        "ansatt",
        nordpolen,
    )
    assert user.password_hash is None and user.active
    created = audit_events(session, "user.created")[-1]
    assert created.object_id == str(user.id)
    assert json.loads(created.details) == {"role": "ansatt", "school_id": nordpolen}

    page = client.get(location).get_data(as_text=True)
    assert (
        "Brukeren er opprettet. Send en invitasjon på e-post, så velger brukeren passordet selv."
        in page
    )
    assert "Mangler passord" in page
    # An admin never sets someone's password (issue 17): no field, no route; a link does.
    assert 'name="pw-new_password"' not in page and "Send invitasjon på e-post" in page
    assert "admin.set_user_password" not in app.view_functions

    # Without a password the account cannot log in yet.
    other = app.test_client()
    assert "Feil e-postadresse eller passord." in wrong_login_message(
        other, "ase.bjornstad@nordpolen.oslo.no", NEW_PASSWORD
    )

    # The person sets it from the invitation's link (its e-mail: test_invitations_mail.py).
    secret = app.extensions["trygg.settings"].secret_key
    link = "/konto/nytt-passord/" + make_token(secret, user, INVITATION)
    token = csrf_token(other, link)
    mismatch = other.post(
        link, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm": "noe annet"}
    )
    assert mismatch.status_code == 200
    assert "Passordene er ikke like." in mismatch.get_data(as_text=True)
    assert user_by_email(session, "ase.bjornstad@nordpolen.oslo.no").password_hash is None

    response = other.post(
        link, data={"csrf_token": token, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    [password_set] = audit_events(session, "user.password_set")
    assert (password_set.object_id, password_set.actor_user_id) == (str(user.id), user.id)

    fresh = app.test_client()
    log_in(fresh, "ase.bjornstad@nordpolen.oslo.no", NEW_PASSWORD)
    home = fresh.get("/").get_data(as_text=True)
    assert "Åse Bjørnstad" in home and "Nordpolen skole" in home


def test_new_user_form_lists_roles_and_schools_for_municipality_admin(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    page = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert "<h1>Ny bruker</h1>" in page
    for label in ("Navn", "E-postadresse", "Tittel", "Rolle", "Skole"):
        assert f">{label}</label>" in page
    for role in ("Ansatt", "Kontaktlærer / saksbehandler", "Skoleledelse", "Skoleeier"):
        assert f">{role}</option>" in page
    assert "Hele kommunen (ingen skole)" in page
    assert NORDPOLEN in page and VESTRE_AKER in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"email": "per.olsen@", "role": "ansatt"},
            "«per.olsen@» er ikke en gyldig e-postadresse.",
        ),
        (
            {"email": "ANSATT.Nordpolen@demo.trygg.no", "role": "ansatt"},
            "Det finnes allerede en bruker med e-postadressen ansatt.nordpolen@demo.trygg.no.",
        ),
        (
            {"email": "per.olsen@nordpolen.oslo.no", "role": "kontaktlaerer", "school": ""},
            "Rollen «Kontaktlærer / saksbehandler» må høre til en skole.",
        ),
        (
            {"email": "per.olsen@nordpolen.oslo.no", "role": "skoleeier", "school": "SCHOOL"},
            "Skoleeier hører til kommunen, ikke til én skole.",
        ),
    ],
    ids=["invalid-email", "duplicate-email", "kontaktlaerer-without-school", "skoleeier-at-school"],
)
def test_bad_input_is_explained_in_norwegian_and_what_was_typed_is_kept(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    fields: dict[str, str],
    message: str,
) -> None:
    admin_client(client, demo["admin"])
    nordpolen = str(school_id(session, NORDPOLEN))
    data = {"name": "Per Olsen", "title": "kontaktlærer 6B", "school": nordpolen, **fields}
    if data["school"] == "SCHOOL":
        data["school"] = nordpolen
    before = user_count(session)
    status, page, _ = post_new_user(client, **data)
    assert status == 200
    assert message in error_summary(page)
    assert "Noe må rettes før skjemaet kan sendes" in page
    assert input_value(page, "name") == "Per Olsen"
    assert input_value(page, "email") == data["email"]
    assert input_value(page, "title") == "kontaktlærer 6B"
    assert selected_option(page, "role") == data["role"]
    assert selected_option(page, "school") == data["school"]
    assert user_count(session) == before
    assert audit_events(session, "user.created")[-1].actor_email == "demo-seed"


def test_missing_fields_are_named_in_norwegian(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    before = user_count(session)
    status, page, _ = post_new_user(client, role="ansatt", title="vikar")
    assert status == 200
    summary = error_summary(page)
    assert "Navn: Navn må fylles ut." in summary
    assert "E-postadresse: E-postadresse må fylles ut." in summary
    assert 'href="#name"' in summary and 'href="#email"' in summary
    assert 'aria-invalid="true"' in page
    assert input_value(page, "title") == "vikar"
    assert user_count(session) == before


def test_fields_without_hint_or_error_have_no_dangling_aria_describedby(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    page = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert 'aria-describedby="None"' not in page


# --- changing roles ------------------------------------------------------------------------


def test_changing_a_role_is_saved_and_audited_with_from_and_to(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    user = user_by_email(session, demo["ansatt"])
    assert user is not None
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    response = client.post(
        f"/admin/brukere/{user.id}",
        data={
            "csrf_token": token,
            "name": user.name,
            "title": "kontaktlærer 7A",
            "role": "kontaktlaerer",
            "school": str(user.school_id),
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Endringene er lagret." in page
    assert selected_option(page, "role") == "kontaktlaerer"
    changed = user_by_email(session, demo["ansatt"])
    assert changed is not None
    assert (changed.role_code, changed.title) == ("kontaktlaerer", "kontaktlærer 7A")
    event = audit_events(session, "user.changed")[-1]
    assert event.object_type == "user" and event.object_id == str(user.id)
    assert event.actor_email == demo["admin"]
    assert json.loads(event.details) == {
        "fields": ["title", "role"],
        "role_from": "ansatt",
        "role_to": "kontaktlaerer",
    }


def test_saving_without_changes_writes_no_audit_event(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    user = user_by_email(session, demo["ledelse"])
    assert user is not None
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    response = client.post(
        f"/admin/brukere/{user.id}",
        data={
            "csrf_token": token,
            "name": user.name,
            "title": user.title,
            "role": user.role_code,
            "school": str(user.school_id),
        },
    )
    assert response.status_code == 302
    assert audit_events(session, "user.changed") == []


def test_changing_to_a_school_role_without_school_is_refused(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    user = user_by_email(session, demo["skoleeier"])
    assert user is not None
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    response = client.post(
        f"/admin/brukere/{user.id}",
        data={"csrf_token": token, "name": user.name, "title": "", "role": "ledelse", "school": ""},
    )
    assert response.status_code == 200
    assert "Rollen «Skoleledelse» må høre til en skole." in error_summary(
        response.get_data(as_text=True)
    )
    assert user_by_email(session, demo["skoleeier"]).role_code == "skoleeier"
    assert audit_events(session, "user.changed") == []


# --- deactivating ------------------------------------------------------------------------------


def test_deactivated_user_is_logged_out_at_once_and_cannot_log_in_but_is_kept(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    victim = app.test_client()
    log_in(victim, demo["kontaktlaerer"])
    assert victim.get("/").status_code == 200

    admin_client(client, demo["admin"])
    user = user_by_email(session, demo["kontaktlaerer"])
    assert user is not None
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    response = client.post(
        f"/admin/brukere/{user.id}/status", data={"csrf_token": token, "action": "deactivate"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Brukeren er deaktivert og logget ut. Historikken er bevart." in page
    assert "Deaktivert" in page and "Aktiver bruker igjen" in page

    # The victim's open session ends on its very next request.
    response = victim.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/logg-inn")
    assert victim.get("/konto/passord").status_code == 302

    # Logging in again gets the same message as a wrong password for an unknown address.
    refused = wrong_login_message(app.test_client(), demo["kontaktlaerer"], DEMO_PASSWORD)
    unknown = wrong_login_message(app.test_client(), "finnes.ikke@demo.trygg.no", DEMO_PASSWORD)
    assert "Feil e-postadresse eller passord." in refused
    assert refused == unknown

    kept = user_by_email(session, demo["kontaktlaerer"])
    assert kept is not None and kept.id == user.id
    assert kept.active is False and kept.deactivated_at is not None
    assert kept.name == "Per Olsen"
    open_sessions = session.execute(
        select(func.count())
        .select_from(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    ).scalar_one()
    assert open_sessions == 0
    assert [e.object_id for e in audit_events(session, "user.deactivated")] == [str(user.id)]

    listing = client.get("/admin/brukere").get_data(as_text=True)
    assert "Per Olsen" in listing

    # Reactivated, the same account works again with its old password.
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    client.post(
        f"/admin/brukere/{user.id}/status", data={"csrf_token": token, "action": "reactivate"}
    )
    assert user_by_email(session, demo["kontaktlaerer"]).active is True
    log_in(app.test_client(), demo["kontaktlaerer"])


def test_admin_cannot_deactivate_themselves(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    me = user_by_email(session, demo["admin"])
    assert me is not None
    page = client.get(f"/admin/brukere/{me.id}").get_data(as_text=True)
    assert "Deaktiver bruker" not in page
    token = csrf_token(client, f"/admin/brukere/{me.id}")
    response = client.post(
        f"/admin/brukere/{me.id}/status", data={"csrf_token": token, "action": "deactivate"}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du kan ikke deaktivere din egen bruker." in page
    assert user_by_email(session, demo["admin"]).active is True


def test_deactivation_needs_the_csrf_token(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    user = user_by_email(session, demo["ansatt"])
    assert user is not None
    response = client.post(f"/admin/brukere/{user.id}/status", data={"action": "deactivate"})
    assert response.status_code == 400
    assert user_by_email(session, demo["ansatt"]).active is True
