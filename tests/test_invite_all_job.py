""" "Send invitasjon til alle uten passord" as a background job, through a real SMTP server
(aiosmtpd) and a real huey consumer: the click queues a job and mails nobody, the job
mails each account without a password once (also one created after the click, never one
that has a password by then), a second click shows the running job instead of starting
another, an import's own job beside it mails nobody twice, and only an admin may click."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, input_value, post_new_user
from tests.conftest import csrf_token, log_in
from tests.factories.users import NORDPOLEN, school_id, user
from tests.job_steps import consumer, finished, job_page_id, queue_of, text
from tests.smtp_server import Collector, smtp_server
from trygg.accounts.password_links import LINK_PATH
from trygg.config import SmtpSettings
from trygg.jobs import INVITATIONS
from trygg.jobs.invitations import BATCH, SENT
from trygg.models import Job
from trygg.models.jobs import DONE, QUEUED

INVITE_ALL = "/admin/brukere/invitasjoner"


@pytest.fixture
def mail_server() -> Iterator[tuple[Collector, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def settings_overrides(mail_server: tuple[Collector, int]) -> dict[str, object]:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=mail_server[1])}


def recipients(collector: Collector) -> list[str]:
    return sorted(to for envelope in collector.envelopes for to in envelope.rcpt_tos)


def without_password(session: Session, *emails: str) -> None:
    for email in emails:
        user(session, email).password_hash = None
        session.commit()  # before the next lookup's expire_all drops the change


def click(client: FlaskClient) -> str:
    """The button on the users page; where it leads."""
    token = csrf_token(client, "/admin/brukere")
    response = client.post(INVITE_ALL, data={"csrf_token": token})
    assert response.status_code == 302
    return str(response.headers["Location"])


def job_row(session: Session, job_id: int) -> Job:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def jobs_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Job)) or 0


def test_the_click_queues_a_job_that_invites_everyone_without_a_password_once(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    mail_server: tuple[Collector, int],
) -> None:
    server, _port = mail_server
    without_password(session, demo["ansatt"], demo["kontaktlaerer"], demo["ansatt_other_school"])
    log_in(client, demo["admin_school"])
    assert "2 aktive brukere har ikke passord ennå" in text(client, "/admin/brukere")

    page_url = click(client)
    job_id = job_page_id(page_url)

    # Queued, not sent: the request mailed nobody, and the page waits for the worker.
    assert server.envelopes == []
    waiting = text(client, page_url)
    assert "Invitasjoner på e-post" in waiting and "Venter i kø" in waiting
    job = job_row(session, job_id)
    assert (job.kind, job.status) == (INVITATIONS, QUEUED)
    [batch] = audit_events(session, BATCH)
    assert batch.id == job.subject_id
    ids = {email: user(session, email).id for email in demo.values()}
    details = json.loads(batch.details)
    assert details["everyone"] is True
    assert sorted(details["users"]) == sorted([ids[demo["ansatt"]], ids[demo["kontaktlaerer"]]])

    # Before the worker gets to it: one of them chooses a password, and a new colleague
    # is added. The run goes by who lacks a password then.
    chosen = user(session, demo["ledelse"]).password_hash
    user(session, demo["kontaktlaerer"]).password_hash = chosen
    session.commit()
    status, _page, _where = post_new_user(
        client,
        name="Nina Ny",
        email="nina.ny@nordpolen.no",
        title="lærer",
        role="ansatt",
        school=str(school_id(session, NORDPOLEN)),
    )
    assert status == 302

    with consumer(queue_of(app)):
        job = finished(session, job_id)

    assert (job.status, job.error) == (DONE, None)
    assert recipients(server) == sorted([demo["ansatt"], "nina.ny@nordpolen.no"])
    for message in server.messages():
        assert message["Subject"] == "Invitasjon til Trygg"
        assert LINK_PATH in message.get_content()
    sent = audit_events(session, SENT)
    assert sorted(int(event.object_id) for event in sent) == sorted(
        [ids[demo["ansatt"]], user(session, "nina.ny@nordpolen.no").id]
    )
    assert {json.loads(event.details)["batch"] for event in sent} == {job.subject_id}

    done = text(client, page_url)
    assert "Ferdig." in done and "2 av 3 invitasjoner er sendt." in done
    assert "1 trengte ikke invitasjon lenger" in done
    assert "ble ikke sendt" not in done and 'http-equiv="refresh"' not in done

    # The same job run again (its message delivered twice, or recovered): nobody twice.
    job.status, job.attempts = QUEUED, 0
    session.commit()
    with consumer(queue_of(app)) as queue:
        queue.enqueue(job_id)
        assert finished(session, job_id).status == DONE
    assert len(server.envelopes) == 2


def test_a_second_click_shows_the_running_job_instead_of_starting_another(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    mail_server: tuple[Collector, int],
) -> None:
    server, _port = mail_server
    without_password(session, demo["ansatt"], demo["ansatt_other_school"])
    log_in(client, demo["admin_school"])

    first = click(client)
    again = click(client)
    assert again == first and jobs_count(session) == 1
    assert "Invitasjonene er allerede på vei." in text(client, again)
    # The municipality's admin reaches the same school: told to wait, nothing started.
    colleague = app.test_client()
    log_in(colleague, demo["admin"])
    assert click(colleague) == "/admin/brukere"
    assert "En annen administrator sender allerede invitasjoner" in text(
        colleague, "/admin/brukere"
    )
    assert jobs_count(session) == 1
    # Only an admin may send them: everyone else is refused before anything is queued.
    for role in ("ledelse", "kontaktlaerer", "skoleeier"):
        other = app.test_client()
        log_in(other, demo[role])
        token = csrf_token(other, "/")
        assert other.post(INVITE_ALL, data={"csrf_token": token}).status_code == 403
    assert jobs_count(session) == 1 and len(audit_events(session, BATCH)) == 1

    with consumer(queue_of(app)):
        assert finished(session, job_page_id(first)).status == DONE
    assert recipients(server) == [demo["ansatt"]]

    # Once it is done, a click is a new sending: the municipality's admin reaches both
    # schools.
    later = job_page_id(click(colleague))
    assert later != job_page_id(first) and jobs_count(session) == 2
    with consumer(queue_of(app)):
        assert finished(session, later).status == DONE
    assert recipients(server) == sorted(
        [demo["ansatt"], demo["ansatt"], demo["ansatt_other_school"]]
    )


def test_an_import_job_beside_it_mails_nobody_twice(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    mail_server: tuple[Collector, int],
) -> None:
    server, _port = mail_server
    without_password(session, demo["ansatt"])
    log_in(client, demo["admin_school"])
    everyone = job_page_id(click(client))
    # The staff import, with its own invitations, while the first job waits in the queue.
    csv = "navn;e-post;tittel;rolle\r\nOla Ny;ola.ny@nordpolen.no;lærer;ansatt"
    preview = client.post(
        "/admin/import",
        data={
            "file": (io.BytesIO(csv.encode()), "ansatte.csv"),
            "school": str(school_id(session, NORDPOLEN)),
            "csrf_token": csrf_token(client, "/admin/import"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    imported = client.post(
        "/admin/import/bekreft",
        data={
            "csrf_token": input_value(preview, "csrf_token"),
            "csv_text": input_value(preview, "csv_text"),
            "school": input_value(preview, "school"),
            "invite": "y",
        },
    )
    own = job_page_id(imported.headers["Location"])
    assert own != everyone

    with consumer(queue_of(app)):
        assert finished(session, everyone).status == DONE
        assert finished(session, own).status == DONE
    # The first job found the new teacher too; the import's job then left them out.
    assert recipients(server) == sorted([demo["ansatt"], "ola.ny@nordpolen.no"])
