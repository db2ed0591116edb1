"""Invitations through a real SMTP server that fails half-way: the admin is told how many
went out, and the audit trail records exactly those, no more and no fewer. "Alle uten
passord" is sent by a background job (trygg.jobs.invitations), run here by a real huey
consumer; its page tells the admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.conftest import csrf_token, log_in
from tests.job_steps import consumer, finished
from tests.smtp_server import Collector, smtp_server
from trygg.config import SmtpSettings
from trygg.jobs.queue import JobQueue
from trygg.models import User
from trygg.models.jobs import DONE


class AcceptsOne(Collector):
    """Takes the first message, then refuses every later one (a full mailbox quota)."""

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        if self.envelopes:
            return "554 5.2.2 Kvoten er full"
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def mail_server() -> Iterator[tuple[Collector, int]]:
    with smtp_server(AcceptsOne()) as running:
        yield running


@pytest.fixture
def settings_overrides(mail_server: tuple[Collector, int]) -> dict[str, object]:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=mail_server[1])}


def test_a_half_sent_batch_records_exactly_the_invitations_that_went_out(
    app: Flask, session: Session, demo: dict[str, str], mail_server: tuple[Collector, int]
) -> None:
    waiting = (demo["ansatt"], demo["kontaktlaerer"], demo["ledelse"])
    for address in waiting:
        session.execute(select(User).where(User.email == address)).scalar_one().password_hash = None
    session.commit()
    admin = app.test_client()
    log_in(admin, demo["admin_school"])

    token = csrf_token(admin, "/admin/brukere")
    done = admin.post("/admin/brukere/invitasjoner", data={"csrf_token": token})

    assert done.status_code == 302
    collector, _port = mail_server
    assert collector.envelopes == []
    job_page = done.headers["Location"]
    settings = app.extensions["trygg.settings"]
    with consumer(JobQueue(settings, settings.job_queue_name)):
        job = finished(session, int(job_page.rsplit("/", 1)[1]))
    # Each refusal is one person's (a full mailbox), so the job goes on to the end.
    assert job.status == DONE
    page = admin.get(job_page).get_data(as_text=True)
    assert "1 av 3 invitasjoner er sendt. 2 ble ikke sendt." in page
    assert page.count("E-postserveren tok ikke imot e-posten.") == 2
    assert len(collector.envelopes) == 1
    invited = audit_events(session, "user.invitation_sent")
    assert len(invited) == 1
    sent_to = collector.envelopes[0].rcpt_tos[0]
    user_id = session.execute(select(User.id).where(User.email == sent_to)).scalar_one()
    assert invited[0].object_id == str(user_id)
