"""Password links by e-mail: "Glemt passord?" and an admin's invitation. The link comes
out of the real outbox file, works once, expires, and the pages never tell whether an
address has an account."""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.conftest import csrf_token, log_in
from tests.job_steps import consumer, finished
from trygg.accounts.password_links import _SALT, make_token
from trygg.jobs.queue import JobQueue
from trygg.mail import ACCOUNT_FOOTER, ACCOUNT_KINDS, notice
from trygg.models import User
from web.gate import PUBLIC_ENDPOINTS

NEW_PASSWORD = "en lang og god setning"
SENT = "Hvis adressen hører til en konto i Trygg"


def outbox(tmp_path: Path) -> list[EmailMessage]:
    folder = tmp_path / "output" / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [
        email.message_from_bytes(f.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for f in files
    ]


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://\S+(/konto/nytt-passord/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def ask_for_reset(client: FlaskClient, address: str) -> str:
    data = {"csrf_token": csrf_token(client, "/glemt-passord"), "email": address}
    response = client.post("/glemt-passord", data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def choose_password(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> int:
    data = {"csrf_token": csrf_token(client, path), "new_password": password, "confirm": password}
    return client.post(path, data=data).status_code


def user(session: Session, address: str) -> User:
    session.expire_all()
    return session.execute(select(User).where(User.email == address)).scalar_one()


def test_only_login_health_static_the_password_links_and_feide_are_public() -> None:
    # Feide's two steps come before a Trygg session exists: the start sends the browser to
    # the provider, and the provider sends it back to the callback (issue 14).
    assert {
        "auth.login",
        "home.health",
        "static",
        "password_links.forgot",
        "password_links.set_password",
        "feide.start",
        "feide.callback",
    } == PUBLIC_ENDPOINTS


def test_forgotten_password_by_e_mail_works_once(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    assert 'href="/glemt-passord"' in client.get("/logg-inn").get_data(as_text=True)
    assert SENT in ask_for_reset(client, demo["kontaktlaerer"].upper())

    [message] = outbox(tmp_path)
    assert message["To"] == demo["kontaktlaerer"]
    assert message["Subject"] == "Nytt passord i Trygg"
    path = link_in(message)
    page = client.get(path).get_data(as_text=True)
    assert "Velg nytt passord" in page

    assert choose_password(client, path) == 302
    log_in(client, demo["kontaktlaerer"], NEW_PASSWORD)
    # Spent: the password hash it was bound to is gone.
    again = client.get(path)
    assert again.status_code == 410 and "Lenken virker ikke" in again.get_data(as_text=True)
    [used] = audit_events(session, "user.password_link_used")
    assert used.actor_user_id == user(session, demo["kontaktlaerer"]).id


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: FlaskClient, demo: dict[str, str], tmp_path: Path
) -> None:
    assert SENT in ask_for_reset(client, "finnes.ikke@demo.trygg.no")
    assert outbox(tmp_path) == []


def test_at_most_three_reset_mails_an_hour(
    client: FlaskClient, demo: dict[str, str], tmp_path: Path
) -> None:
    for _ in range(5):
        assert SENT in ask_for_reset(client, demo["ansatt"])
    assert len(outbox(tmp_path)) == 3


def test_an_old_reset_link_is_refused_and_a_forged_one_too(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    teacher = user(session, demo["kontaktlaerer"])
    secret = app.extensions["trygg.settings"].secret_key

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    fresh = make_token(secret, teacher, "reset")
    payload = URLSafeTimedSerializer(secret, salt=_SALT).loads(fresh)
    old = URLSafeTimedSerializer(secret, salt=_SALT, signer=TwoHoursAgo).dumps(payload)
    assert client.get(f"/konto/nytt-passord/{fresh}").status_code == 200
    assert client.get(f"/konto/nytt-passord/{old}").status_code == 410
    forged = URLSafeTimedSerializer("en annen nøkkel", salt=_SALT).dumps(payload)
    assert client.get(f"/konto/nytt-passord/{forged}").status_code == 410
    # The same age is fine for an invitation, which lasts a week.
    invitation = URLSafeTimedSerializer(secret, salt=_SALT, signer=TwoHoursAgo).dumps(
        {**payload, "p": "invitation"}
    )
    assert client.get(f"/konto/nytt-passord/{invitation}").status_code == 200


def test_an_admin_invites_a_user_who_then_chooses_a_password(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    teacher = user(session, demo["kontaktlaerer"])
    admin = app.test_client()
    log_in(admin, demo["admin_school"])
    edit = f"/admin/brukere/{teacher.id}"
    page = admin.get(edit).get_data(as_text=True)
    assert "Send invitasjon på e-post" in page
    token = csrf_token(admin, edit)
    response = admin.post(f"{edit}/invitasjon", data={"csrf_token": token}, follow_redirects=True)
    assert f"Invitasjonen er sendt til {demo['kontaktlaerer']}." in response.get_data(as_text=True)
    [message] = outbox(tmp_path)
    assert message["Subject"] == "Invitasjon til Trygg"
    assert len(audit_events(session, "user.invitation_sent")) == 1

    invited = app.test_client()
    path = link_in(message)
    assert "Velkommen til Trygg, Per Olsen" in invited.get(path).get_data(as_text=True)
    # Too short: the form says so and nothing changes.
    assert choose_password(invited, path, "kort") == 200
    assert choose_password(invited, path) == 302
    log_in(invited, demo["kontaktlaerer"], NEW_PASSWORD)


def test_invitations_stay_within_the_admins_school_and_die_with_the_account(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    teacher = user(session, demo["kontaktlaerer"])
    other = app.test_client()
    log_in(other, demo["admin_other_school"])
    token = csrf_token(other, "/")
    refused = other.post(f"/admin/brukere/{teacher.id}/invitasjon", data={"csrf_token": token})
    assert refused.status_code == 404 and outbox(tmp_path) == []

    secret = app.extensions["trygg.settings"].secret_key
    link = f"/konto/nytt-passord/{make_token(secret, teacher, 'invitation')}"
    teacher.active = False
    session.commit()
    assert app.test_client().get(link).status_code == 410


def test_account_mail_speaks_of_the_account_not_of_a_case() -> None:
    for kind, (subject, sentence) in ACCOUNT_KINDS.items():
        item = notice("per@skole.example.no", kind, "https://trygg.example.no/konto/x")
        assert item.subject == subject
        assert item.body == (
            f"Hei,\n\n{sentence}\n\nhttps://trygg.example.no/konto/x\n\n{ACCOUNT_FOOTER}\n"
        )
        assert "saken" not in item.body


def test_one_click_invites_every_account_without_a_password_in_the_admins_school(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    for address in (demo["ansatt"], demo["kontaktlaerer"], demo["ansatt_other_school"]):
        user(session, address).password_hash = None
        session.commit()  # before the next lookup's expire_all drops the change
    admin = app.test_client()
    log_in(admin, demo["admin_school"])
    page = admin.get("/admin/brukere").get_data(as_text=True)
    assert "2 aktive brukere har ikke passord ennå" in page

    token = csrf_token(admin, "/admin/brukere")
    done = admin.post("/admin/brukere/invitasjoner", data={"csrf_token": token})
    assert done.status_code == 302
    # Sent by a background job (tests/test_invite_all_job.py), not in the request.
    assert outbox(tmp_path) == []
    settings = app.extensions["trygg.settings"]
    with consumer(JobQueue(settings, settings.job_queue_name)):
        finished(session, int(done.headers["Location"].rsplit("/", 1)[1]))
    # Only the admin's own school: the other school's teacher gets nothing.
    assert sorted(m["To"] for m in outbox(tmp_path)) == sorted(
        [demo["ansatt"], demo["kontaktlaerer"]]
    )
    assert len(audit_events(session, "user.invitation_sent")) == 2
