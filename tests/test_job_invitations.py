"""Invitations after a staff import, sent by a background job through a real SMTP server
(aiosmtpd): one mail per person, a refused one recorded for that person and listed on the
job's page, a resend to those only (once), nobody mailed twice when the job runs again
after a crash, and the job stopping when the server is gone."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, input_value, user_by_email
from tests.conftest import csrf_token, log_in
from tests.factories.users import NORDPOLEN, school_id, user
from tests.job_steps import consumer, finished, job_page_id, queue_of, text
from tests.smtp_server import Collector, free_port, smtp_server
from trygg import audit
from trygg.accounts.password_links import LINK_PATH
from trygg.accounts.principal import Principal
from trygg.accounts.staff_import import StaffRow, import_staff
from trygg.config import SmtpSettings
from trygg.jobs import INVITATIONS, start_job
from trygg.jobs.invitations import (
    ATTEMPTED,
    NOT_SENT,
    SENT,
    STOP_AFTER_FAILURES,
    UNCERTAIN,
    batch_of,
    batch_report,
    queue_invitations,
)
from trygg.models import Job, utcnow
from trygg.models.jobs import DONE, FAILED, QUEUED

STAFF = [
    ("Kjærsti Ødegård", "kjaersti.odegard@nordpolen.no"),
    ("Åse Bjørnstad", "ase.bjornstad@nordpolen.no"),
    ("Pål Prest", "pal.prest@nordpolen.no"),
    ("Liv Lund", "liv.lund@nordpolen.no"),
]
FULL_MAILBOX = "ase.bjornstad@nordpolen.no"


class RefusesSome(Collector):
    """Takes every message except those to the addresses in `refused` (a full mailbox)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        if self.refused & set(envelope.rcpt_tos):
            return "552 5.2.2 Mailbox full"
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [to for envelope in self.envelopes for to in envelope.rcpt_tos]


@pytest.fixture
def mail_server() -> Iterator[tuple[RefusesSome, int]]:
    collector = RefusesSome()
    with smtp_server(collector) as (_collector, port):
        yield collector, port


@pytest.fixture
def settings_overrides(mail_server: tuple[RefusesSome, int]) -> dict[str, object]:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=mail_server[1])}


def import_with_invitations(client: FlaskClient, school: int) -> str:
    lines = ["navn;e-post;tittel;rolle", *(f"{n};{e};lærer;ansatt" for n, e in STAFF)]
    token = csrf_token(client, "/admin/import")
    preview = client.post(
        "/admin/import",
        data={
            "file": (io.BytesIO("\r\n".join(lines).encode()), "ansatte.csv"),
            "school": str(school),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    # Ticked by default: the invitations go out unless the admin says otherwise.
    [invite] = re.findall(r'<input[^>]*name="invite"[^>]*>', preview)
    assert " checked " in invite and 'type="checkbox"' in invite
    done = client.post(
        "/admin/import/bekreft",
        data={
            "csrf_token": input_value(preview, "csrf_token"),
            "csv_text": input_value(preview, "csv_text"),
            "school": input_value(preview, "school"),
            "invite": "y",
        },
    )
    assert done.status_code == 302
    return str(done.headers["Location"])


def batch_details(session: Session, action: str) -> list[tuple[str, dict[str, object]]]:
    return [(e.object_id, json.loads(e.details)) for e in audit_events(session, action)]


def test_the_import_invites_by_a_job_and_the_admin_resends_to_the_refused_only(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    mail_server: tuple[RefusesSome, int],
) -> None:
    server, _port = mail_server
    server.refused.add(FULL_MAILBOX)
    log_in(client, demo["admin_school"])
    page_url = import_with_invitations(client, school_id(session, NORDPOLEN))
    job_id = job_page_id(page_url)

    # Nothing is sent in the request: the page waits for the worker.
    waiting = text(client, page_url)
    assert "4 brukere er opprettet." in waiting and "Venter i kø" in waiting
    assert server.envelopes == []

    with consumer(queue_of(app)):
        job = finished(session, job_id)

    assert (job.status, job.result_name, job.error) == (DONE, None, None)
    sent_to = [email for _name, email in STAFF if email != FULL_MAILBOX]
    assert sorted(server.recipients()) == sorted(sent_to)
    for message in server.messages():
        assert message["Subject"] == "Invitasjon til Trygg"
        assert f"{LINK_PATH}" in message.get_content()
    # One outcome per person in the trail, under the batch (the job's subject).
    sent = batch_details(session, SENT)
    assert {details["batch"] for _id, details in sent} == {job.subject_id}
    ids = {email: str(user_by_email(session, email).id) for _n, email in STAFF}  # type: ignore[union-attr]
    assert sorted(object_id for object_id, _d in sent) == sorted(ids[e] for e in sent_to)
    assert batch_details(session, NOT_SENT) == [
        (ids[FULL_MAILBOX], {"batch": job.subject_id, "reason": "refused"})
    ]

    done = text(client, page_url)
    assert "3 av 4 invitasjoner er sendt." in done
    assert "Åse Bjørnstad" in done and FULL_MAILBOX in done
    assert "E-postserveren tok ikke imot e-posten." in done
    assert "/fil" not in done and 'http-equiv="refresh"' not in done
    status = client.get(f"{page_url}/status").get_json()
    assert status["report"]["failures"] == [
        {
            "name": "Åse Bjørnstad",
            "email": FULL_MAILBOX,
            "reason": "E-postserveren tok ikke imot e-posten.",
        }
    ]
    # Someone else's job is absent, its button too.
    other = app.test_client()
    log_in(other, demo["admin_other_school"])
    assert other.get(page_url).status_code == 404
    token = csrf_token(other, "/admin/brukere")
    assert other.post(f"{page_url}/send-igjen", data={"csrf_token": token}).status_code == 404

    # The mailbox has room again: the resend goes to her alone.
    server.refused.clear()
    token = csrf_token(client, page_url)
    again = client.post(f"{page_url}/send-igjen", data={"csrf_token": token})
    retry_id = job_page_id(again.headers["Location"])
    assert retry_id != job_id
    with consumer(queue_of(app)):
        assert finished(session, retry_id).status == DONE
    assert sorted(server.recipients()) == sorted(e for _n, e in STAFF)
    assert "1 av 1 invitasjon er sendt." in text(client, f"/jobber/{retry_id}")
    # A second click on the first job's button (another tab) sends nothing.
    twice = client.post(f"{page_url}/send-igjen", data={"csrf_token": token})
    assert twice.headers["Location"] == page_url
    assert "allerede sendt på nytt" in text(client, page_url)
    assert session.query(Job).count() == 2

    # The link in the mail lets her choose a password.
    [last] = server.messages()[-1:]
    link = re.search(r"https?://\S+", last.get_content())
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    invited = app.test_client()
    assert "Velkommen til Trygg, Åse Bjørnstad" in text(invited, "/" + path)


def make_staff(app: Flask, session: Session, demo: dict[str, str], count: int) -> list[int]:
    admin = user(session, demo["admin_school"])
    rows = tuple(
        StaffRow(i, f"Ansatt {i}", f"ansatt{i}@nordpolen.no", "lærer", "ansatt")
        for i in range(count)
    )
    result = import_staff(
        session,
        app.extensions["trygg.passwords"],
        rows,
        admin.school_id or 0,
        Principal.of(admin),
        audit.Initiator(admin.id, admin.email),
    )
    session.commit()
    return list(result.user_ids)


def batch_job(session: Session, demo: dict[str, str], user_ids: list[int]) -> Job:
    admin = user(session, demo["admin_school"])
    by = audit.Initiator(admin.id, admin.email)
    batch = queue_invitations(
        session, Principal.of(admin), admin.school_id or 0, user_ids, by, utcnow()
    )
    job = start_job(session, INVITATIONS, admin.id, batch, utcnow())
    session.commit()
    return job


def test_a_run_after_a_crash_mails_nobody_twice(
    app: Flask, session: Session, demo: dict[str, str], mail_server: tuple[RefusesSome, int]
) -> None:
    collector, _port = mail_server
    first, second, *rest = make_staff(app, session, demo, 4)
    job = batch_job(session, demo, [first, second, *rest])
    # What a worker killed mid-run leaves: the first person's mail went out and was
    # recorded, the second one's was handed to the server and the worker died before
    # hearing back: it may have arrived.
    admin = user(session, demo["admin_school"])
    by = audit.Initiator(admin.id, admin.email)
    audit.record(session, by, ATTEMPTED, "user", first, {"batch": job.subject_id})
    audit.record(session, by, SENT, "user", first, {"batch": job.subject_id})
    audit.record(session, by, ATTEMPTED, "user", second, {"batch": job.subject_id})
    session.commit()

    with consumer(queue_of(app)) as queue:
        queue.enqueue(job.id)
        assert finished(session, job.id).status == DONE
    assert sorted(collector.recipients()) == ["ansatt2@nordpolen.no", "ansatt3@nordpolen.no"]
    report = batch_report(session, batch_of(session, job.subject_id))
    assert report.sent == 3 and [p.id for p in report.failed] == [second]
    assert report.failed[0].reason == UNCERTAIN
    # Recorded as such in the trail, so the admin's resend is what decides.
    assert batch_details(session, NOT_SENT) == [
        (str(second), {"batch": job.subject_id, "reason": UNCERTAIN})
    ]

    # The same job run again (its message delivered twice, or recovered): nothing new.
    job = finished(session, job.id)
    job.status, job.attempts = QUEUED, 0
    session.commit()
    with consumer(queue_of(app)) as queue:
        queue.enqueue(job.id)
        assert finished(session, job.id).status == DONE
    assert len(collector.recipients()) == 2
    assert len(audit_events(session, SENT)) == 3


def test_the_job_stops_when_the_mail_server_is_gone_and_the_rest_can_be_resent(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    ids = make_staff(app, session, demo, STOP_AFTER_FAILURES + 3)
    job = batch_job(session, demo, ids)
    gone = replace(
        app.extensions["trygg.settings"], smtp=SmtpSettings(host="127.0.0.1", port=free_port())
    )

    with consumer(queue_of(app, gone)) as queue:
        queue.enqueue(job.id)
        job = finished(session, job.id)

    assert job.status == FAILED
    assert f"de {STOP_AFTER_FAILURES} siste invitasjonene" in (job.error or "")
    report = batch_report(session, batch_of(session, job.subject_id))
    assert (report.sent, len(report.failed), len(report.not_sent)) == (0, STOP_AFTER_FAILURES, 3)
    log_in(client, demo["admin_school"])
    page = text(client, f"/jobber/{job.id}")
    assert "Sendingen stoppet." in page and "0 av 8 invitasjoner er sendt." in page
    assert page.count("Ikke forsøkt: sendingen stoppet før den kom hit.") == 3
    # The resend covers the refused and the never tried: all eight, with the server back.
    token = csrf_token(client, f"/jobber/{job.id}")
    again = client.post(f"/jobber/{job.id}/send-igjen", data={"csrf_token": token})
    retry = job_page_id(again.headers["Location"])
    assert batch_of(session, finished_job_subject(session, retry)).user_ids == tuple(ids)


def finished_job_subject(session: Session, job_id: int) -> int:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job.subject_id


def test_the_link_path_is_the_set_password_page(app: Flask) -> None:
    with app.test_request_context():
        assert url_for("password_links.set_password", token="abc") == f"{LINK_PATH}abc"
