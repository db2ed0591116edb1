"""Penetration test, issue 17: admins giving themselves or others case access.

An admin never changes their own role or school; a role that opens case content
(kontaktlærer, skoleledelse, skoleeier) is granted by a municipality admin, or by a
school admin only when the school's leadership confirms it; an admin never sets another
person's password (they send a link); and every access change is listed for the rektor
and the school owner. Over HTTP as the demo users; the same rules in the domain without
HTTP are in tests/test_security_privilege_domain.py.
"""

from __future__ import annotations

import html
import io
import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD, csrf_token, log_in
from trygg import audit
from trygg.accounts import access_changes, password_links
from trygg.accounts import users as accounts
from trygg.accounts.principal import Principal
from trygg.models import AuditEvent, School, User

NEW_PASSWORD = "et langt og trygt passord"


def user(session: Session, email: str) -> User:
    session.expire_all()
    return session.execute(select(User).where(User.email == email)).scalar_one()


def principal(session: Session, email: str) -> Principal:
    return Principal.of(user(session, email))


def by(who: Principal) -> audit.Initiator:
    return audit.Initiator(user_id=who.id, email=who.email)


def nordpolen(session: Session) -> int:
    return session.execute(select(School.id).where(School.name == "Nordpolen skole")).scalar_one()


def actions(session: Session, prefix: str = "user.") -> list[str]:
    session.expire_all()
    query = select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
    return list(session.execute(query.order_by(AuditEvent.id)).scalars())


def post(client: FlaskClient, url: str, form_url: str | None = None, **fields: str) -> object:
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **fields})


def edit(client: FlaskClient, target: User, **fields: str) -> object:
    data = {
        "name": target.name,
        "title": target.title,
        "role": target.role_code,
        "school": str(target.school_id or ""),
    }
    data.update(fields)
    return post(client, f"/admin/brukere/{target.id}", **data)


def table_row(page: str, text: str) -> str:
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if text in row]
    assert rows, f"no table row with {text!r}"
    return rows[0]


def set_password_by_link(app: Flask, client: FlaskClient, target: User) -> None:
    """What the person at the invitation's address does with the link."""
    secret = app.extensions["trygg.settings"].secret_key
    token = password_links.make_token(secret, target, password_links.INVITATION)
    url = f"/konto/nytt-passord/{token}"
    response = post(client, url, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]


# --- the finding, over HTTP --------------------------------------------------------------


def test_a_school_admin_cannot_make_a_second_admin_into_a_case_reader(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    school = str(nordpolen(session))
    created = post(
        client,
        "/admin/brukere/ny",
        name="Ny Admin",
        email="ny.admin@nordpolen.no",
        title="",
        role="admin",
        school=school,
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    second = user(session, "ny.admin@nordpolen.no")

    # The admin cannot set the new account's password: the route is gone.
    form = client.get(f"/admin/brukere/{second.id}").get_data(as_text=True)
    assert 'name="pw-new_password"' not in form and "Sett passord" not in form
    assert "Send invitasjon på e-post" in form
    token = csrf_token(client, f"/admin/brukere/{second.id}")
    refused = client.post(
        f"/admin/brukere/{second.id}/passord",
        data={"pw-csrf_token": token, "pw-new_password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    # No route answers (the gate refuses a URL without a view as 403).
    assert refused.status_code in (403, 404, 405)
    assert "admin.set_user_password" not in app.view_functions
    assert user(session, "ny.admin@nordpolen.no").password_hash is None

    # Whoever reads the invitation sets it; then that account tries to promote itself.
    other = app.test_client()
    set_password_by_link(app, other, second)
    log_in(other, "ny.admin@nordpolen.no", NEW_PASSWORD)
    own = other.get(f"/admin/brukere/{second.id}").get_data(as_text=True)
    assert 'name="role"' not in own and 'name="school"' not in own
    assert "Du kan ikke endre din egen rolle eller skole" in own
    edit(other, second, role="ledelse")
    assert user(session, "ny.admin@nordpolen.no").role_code == "admin"
    assert other.get("/saker").status_code == 403

    # The first admin's grant waits for the rektor; until then nothing opens.
    response = edit(client, user(session, "ny.admin@nordpolen.no"), role="ledelse")
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = client.get(f"/admin/brukere/{second.id}").get_data(as_text=True)
    assert "venter på bekreftelse fra skoleledelsen" in page
    assert user(session, "ny.admin@nordpolen.no").role_code == "admin"
    assert other.get("/saker").status_code == 403
    assert "user.role_requested" in actions(session)


def test_an_admin_cannot_set_the_rektors_password(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    for admin in ("admin", "admin_school"):
        log_in(client, demo[admin])
        rektor = user(session, demo["ledelse"])
        token = csrf_token(client, f"/admin/brukere/{rektor.id}")
        response = client.post(
            f"/admin/brukere/{rektor.id}/passord",
            data={
                "pw-csrf_token": token,
                "pw-new_password": NEW_PASSWORD,
                "pw-confirm": NEW_PASSWORD,
            },
        )
        assert response.status_code in (403, 404, 405)
    assert "user.password_set" not in actions(session)
    log_in(app.test_client(), demo["ledelse"], DEMO_PASSWORD)


def test_nobody_changes_their_own_role_or_school_through_the_form(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin"])
    me = user(session, demo["admin"])
    page = client.get(f"/admin/brukere/{me.id}").get_data(as_text=True)
    assert 'name="role"' not in page and 'name="school"' not in page
    response = edit(client, me, role="skoleeier", title="IT-sjef", school=str(nordpolen(session)))
    assert response.status_code == 302  # type: ignore[attr-defined]
    after = user(session, demo["admin"])
    assert (after.role_code, after.school_id, after.title) == ("admin", None, "IT-sjef")


def test_the_rektor_confirms_a_school_admins_grant_and_sees_it_listed(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    mona = user(session, demo["ansatt"])
    response = edit(client, mona, role="kontaktlaerer")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert user(session, demo["ansatt"]).role_code == "ansatt"

    rektor = app.test_client()
    log_in(rektor, demo["ledelse"])
    assert 'href="/tilganger"' in rektor.get("/").get_data(as_text=True)
    queue = rektor.get("/tilganger/foresporsler").get_data(as_text=True)
    row = table_row(queue, "Mona Ruud")
    assert "Kontaktlærer / saksbehandler" in row and "Tore Lie" in row
    [pending] = access_changes.pending_for(session, principal(session, demo["ledelse"]))
    confirmed = post(
        rektor, f"/tilganger/foresporsler/{pending.id}/bekreft", "/tilganger/foresporsler"
    )
    assert confirmed.status_code == 302  # type: ignore[attr-defined]
    assert user(session, demo["ansatt"]).role_code == "kontaktlaerer"

    listing = rektor.get("/tilganger").get_data(as_text=True)
    row = table_row(listing, "Mona Ruud")
    for text in ("Tore Lie", "Ansatt", "Kontaktlærer / saksbehandler", "Hilde Moe", "Bekreftet"):
        assert text in row, text
    assert actions(session, "user.role")[-2:] == ["user.role_requested", "user.role_confirmed"]


def test_the_rektor_refuses_a_grant_and_the_old_role_stays(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    edit(client, user(session, demo["ansatt"]), role="ledelse")
    rektor = app.test_client()
    log_in(rektor, demo["ledelse"])
    [pending] = access_changes.pending_for(session, principal(session, demo["ledelse"]))
    refused = post(rektor, f"/tilganger/foresporsler/{pending.id}/avvis", "/tilganger/foresporsler")
    assert refused.status_code == 302  # type: ignore[attr-defined]
    assert user(session, demo["ansatt"]).role_code == "ansatt"
    assert "Avvist" in table_row(rektor.get("/tilganger").get_data(as_text=True), "Mona Ruud")
    assert actions(session, "user.role")[-1] == "user.role_refused"


def test_only_a_leader_of_that_school_decides(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    edit(client, user(session, demo["ansatt"]), role="kontaktlaerer")
    [pending] = access_changes.pending_for(session, principal(session, demo["ledelse"]))
    url = f"/tilganger/foresporsler/{pending.id}/bekreft"
    for key, status in (("kontaktlaerer", 403), ("admin_school", 403), ("admin", 403)):
        other = app.test_client()
        log_in(other, demo[key])
        token = csrf_token(other, "/")  # the logout form's token
        assert other.post(url, data={"csrf_token": token}).status_code == status, key
    other_rektor = session.execute(
        select(User).where(User.role_code == "ledelse", User.school_id != nordpolen(session))
    ).scalar_one()
    vestre = app.test_client()
    log_in(vestre, other_rektor.email)
    token = csrf_token(vestre, "/tilganger/foresporsler")
    assert vestre.post(url, data={"csrf_token": token}).status_code == 404
    assert "Mona Ruud" not in vestre.get("/tilganger").get_data(as_text=True)
    assert user(session, demo["ansatt"]).role_code == "ansatt"


def test_a_municipality_admin_grants_directly_and_the_school_owner_sees_it(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin"])
    edit(client, user(session, demo["ansatt"]), role="kontaktlaerer")
    assert user(session, demo["ansatt"]).role_code == "kontaktlaerer"
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.changed")
    ).scalar_one()
    assert json.loads(event.details)["role_to"] == "kontaktlaerer"
    owner = app.test_client()
    log_in(owner, demo["skoleeier"])
    assert 'href="/tilganger"' in owner.get("/").get_data(as_text=True)
    row = table_row(owner.get("/tilganger").get_data(as_text=True), "Mona Ruud")
    assert "Jon Berge" in row and "Kontaktlærer / saksbehandler" in row
    assert owner.get("/tilganger/foresporsler").status_code == 403
    assert client.get("/tilganger").status_code == 403


def test_a_school_admins_new_user_with_a_case_role_starts_as_ansatt(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    response = post(
        client,
        "/admin/brukere/ny",
        name="Kari Nord",
        email="kari.nord@nordpolen.no",
        title="",
        role="ledelse",
        school=str(nordpolen(session)),
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    kari = user(session, "kari.nord@nordpolen.no")
    assert kari.role_code == "ansatt"
    [pending] = access_changes.pending_for(session, principal(session, demo["ledelse"]))
    assert (pending.user_id, pending.role_to) == (kari.id, "ledelse")


def test_an_imported_case_role_waits_for_the_rektor(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    school = nordpolen(session)
    content = (
        "Kjærsti Ødegård;kjaersti@nordpolen.no;kontaktlærer 5C;kontaktlærer\n"
        "Åse Bjørnstad;ase@nordpolen.no;miljøterapeut;ansatt\n"
    ).encode()
    token = csrf_token(client, "/admin/import")
    preview = client.post(
        "/admin/import",
        data={"file": (io.BytesIO(content), "a.csv"), "school": str(school), "csrf_token": token},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "venter på bekreftelse fra skoleledelsen" in table_row(preview, "Kjærsti Ødegård")
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', preview).group(1)  # type: ignore[union-attr]
        for name in ("csrf_token", "csv_text", "school")
    }
    response = client.post(
        "/admin/import/bekreft", data={k: html.unescape(v) for k, v in fields.items()}
    )
    assert response.status_code == 302
    assert "venter på bekreftelse" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert user(session, "kjaersti@nordpolen.no").role_code == "ansatt"
    assert user(session, "ase@nordpolen.no").role_code == "ansatt"
    [pending] = access_changes.pending_for(session, principal(session, demo["ledelse"]))
    assert pending.role_to == "kontaktlaerer"


def test_the_new_pages_have_unique_ids_a_menu_count_and_pages(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    edit(client, user(session, demo["ansatt"]), role="kontaktlaerer")
    edit(client, user(session, demo["kontaktlaerer"]), role="ledelse")
    me = user(session, demo["admin_school"])
    pages = {
        client: [f"/admin/brukere/{me.id}", f"/admin/brukere/{user(session, demo['ansatt']).id}"]
    }
    rektor = app.test_client()
    log_in(rektor, demo["ledelse"])
    pages[rektor] = ["/tilganger", "/tilganger/foresporsler"]
    for who, urls in pages.items():
        for url in urls:
            page = who.get(url).get_data(as_text=True)
            ids = re.findall(r'\sid="([^"]+)"', page)
            assert sorted({i for i in ids if ids.count(i) > 1}) == [], url
    menu = rektor.get("/").get_data(as_text=True)
    assert re.search(r'href="/tilganger">Tilganger <span class="badge[^"]*">2<', menu)

    # Sixty changes by the municipality admin: the list pages back through them.
    admin = principal(session, demo["admin"])
    mona = user(session, demo["ansatt"])
    for step in range(60):
        change = accounts.UserChange(mona.name, "", ("admin", "ansatt")[step % 2], mona.school_id)
        accounts.change_user(session, mona, change, admin, by(admin))
    session.commit()
    first = rektor.get("/tilganger").get_data(as_text=True)
    assert 'href="/tilganger?side=2"' in first and "side=0" not in first
    second = rektor.get("/tilganger?side=2").get_data(as_text=True)
    assert 'href="/tilganger?side=1"' in second and "Per Olsen" in second
