"""The school admin's reach, the pages refused to other roles, and the audit trail,
through HTTP as the demo admins."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import (
    admin_client,
    audit_events,
    error_summary,
    input_value,
    post_new_user,
    user_by_email,
    user_count,
)
from tests.conftest import csrf_token, log_in
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg.models import AuditEvent

# --- the school admin's reach ---------------------------------------------------------------


def test_school_admin_sees_only_own_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    page = client.get("/admin/brukere").get_data(as_text=True)
    for name in ("Mona Ruud", "Per Olsen", "Hilde Moe", "Tore Lie"):
        assert name in page
    for name in ("Ali Khan", "Ingrid Dahl", "Siri Holm", "Eva Strand", "Jon Berge"):
        assert name not in page
    # Asking for the other school by filter shows nobody from it.
    other = school_id(session, VESTRE_AKER)
    filtered = client.get(f"/admin/brukere?skole={other}").get_data(as_text=True)
    assert "Ali Khan" not in filtered and "Ingen brukere." in filtered


def test_school_admin_gets_404_for_users_outside_the_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    for key in ("ansatt_other_school", "skoleeier", "admin"):
        outsider = user_by_email(session, demo[key])
        assert outsider is not None
        assert client.get(f"/admin/brukere/{outsider.id}").status_code == 404
        token = csrf_token(client, "/admin/brukere/ny")
        deactivate = client.post(
            f"/admin/brukere/{outsider.id}/status",
            data={"csrf_token": token, "action": "deactivate"},
        )
        assert deactivate.status_code == 404
        # Admins send a link instead of setting passwords (issue 17); not outside the reach.
        invite = client.post(f"/admin/brukere/{outsider.id}/invitasjon", data={"csrf_token": token})
        assert invite.status_code == 404
    assert all(user_by_email(session, demo[k]).active for k in ("ansatt_other_school", "admin"))
    assert audit_events(session, "user.password_set") == []
    assert audit_events(session, "user.invitation_sent") == []


def test_school_admin_cannot_assign_skoleeier(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    form = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert ">Skoleeier</option>" not in form
    assert "Hele kommunen" not in form
    assert VESTRE_AKER not in form
    nordpolen = str(school_id(session, NORDPOLEN))
    before = user_count(session)
    status, page, _ = post_new_user(
        client, name="Eva Ny", email="eva.ny@oslo.kommune.no", role="skoleeier", school=nordpolen
    )
    assert status == 200
    assert "Rolle: Ikke et gyldig valg" in error_summary(page)
    assert input_value(page, "email") == "eva.ny@oslo.kommune.no"
    status, page, _ = post_new_user(
        client, name="Eva Ny", email="eva.ny@oslo.kommune.no", role="admin", school=""
    )
    assert status == 200 and "Skole: Ikke et gyldig valg" in error_summary(page)
    vestre_aker = str(school_id(session, VESTRE_AKER))
    status, page, _ = post_new_user(
        client, name="Eva Ny", email="eva.ny@oslo.kommune.no", role="ansatt", school=vestre_aker
    )
    assert status == 200 and "Skole: Ikke et gyldig valg" in error_summary(page)
    assert user_count(session) == before

    # Nor by changing an existing Nordpolen user.
    user = user_by_email(session, demo["ansatt"])
    assert user is not None
    token = csrf_token(client, f"/admin/brukere/{user.id}")
    response = client.post(
        f"/admin/brukere/{user.id}",
        data={"csrf_token": token, "name": user.name, "role": "skoleeier", "school": nordpolen},
    )
    assert response.status_code == 200
    assert user_by_email(session, demo["ansatt"]).role_code == "ansatt"


def test_school_admin_creates_user_at_own_school(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin_school"])
    nordpolen = school_id(session, NORDPOLEN)
    status, _, _ = post_new_user(
        client,
        name="Kari Nord",
        email="kari.nord@nordpolen.no",
        role="ledelse",
        school=str(nordpolen),
    )
    assert status == 302
    created = user_by_email(session, "kari.nord@nordpolen.no")
    assert created is not None and created.school_id == nordpolen


@pytest.mark.parametrize("key", ["ansatt", "kontaktlaerer", "ledelse", "skoleeier"])
def test_non_admins_get_403_on_admin_pages(
    client: FlaskClient, demo: dict[str, str], key: str
) -> None:
    log_in(client, demo[key])
    for url in ("/admin/brukere", "/admin/brukere/ny", "/admin/import", "/admin/logg"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Ingen tilgang" in response.get_data(as_text=True)


# --- staff import ------------------------------------------------------------------------------


def test_audit_trail_shows_an_intact_chain_to_the_municipality_admin(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    response = client.get("/admin/logg")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    session.expire_all()
    total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert f"Kjeden er hel: {total} hendelser er kontrollert." in page
    assert "Logg over hendelser" in page
    assert "Innlogging" in page and "Bruker opprettet" in page
    assert demo["admin"] in page
    assert total > 10
    # An audit time is the stored UTC time to the second (trygg.calendar.formats).
    latest = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert latest is not None
    assert f"<td>{latest.occurred_at:%d.%m.%Y kl. %H.%M.%S}</td>" in page
    assert 'href="/admin/logg"' in page  # the menu item is there for this admin


def test_audit_trail_is_403_for_a_school_admin(client: FlaskClient, demo: dict[str, str]) -> None:
    admin_client(client, demo["admin_school"])
    response = client.get("/admin/logg")
    assert response.status_code == 403
    assert "Ingen tilgang" in response.get_data(as_text=True)
    assert 'href="/admin/logg"' not in client.get("/").get_data(as_text=True)


def test_domain_errors_are_shown_at_their_field(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    admin_client(client, demo["admin"])
    token = csrf_token(client, "/admin/brukere/ny")
    response = client.post(
        "/admin/brukere/ny",
        data={
            "csrf_token": token,
            "name": "Ola Test",
            "email": "ikke-en-epost",
            "title": "",
            "role": "ansatt",
            "school": "",
        },
    )
    html = response.get_data(as_text=True)
    field_block = html.split('id="email-error"')[1].split("</p>")[0]
    assert "«ikke-en-epost» er ikke en gyldig e-postadresse." in field_block
    assert (
        'aria-invalid="true"'
        in html.split('id="email"')[0][-400:] + html.split('id="email"')[1][:200]
    )
