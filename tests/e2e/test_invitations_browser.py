"""Invitations after a staff import in a real Chromium, through a real SMTP server: the
admin imports with the box ticked, the job page's bar moves to done and the report (who
did not get their invitation, the button to resend) appears without a reload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD
from tests.job_steps import consumer
from tests.smtp_server import Collector, smtp_server
from trygg.config import SmtpSettings
from trygg.jobs.queue import JobQueue

pytestmark = [pytest.mark.browser]

REFUSED = "liv.lund@nordpolen.no"
CSV = (
    "navn;e-post;tittel;rolle\r\n"
    "Kjærsti Ødegård;kjaersti.odegard@nordpolen.no;lærer;ansatt\r\n"
    f"Liv Lund;{REFUSED};lærer;ansatt\r\n"
)


class RefusesLiv(Collector):
    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        if REFUSED in envelope.rcpt_tos:
            return "552 5.2.2 Mailbox full"
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def mail_server() -> Iterator[tuple[Collector, int]]:
    with smtp_server(RefusesLiv()) as running:
        yield running


@pytest.fixture
def settings_overrides(mail_server: tuple[Collector, int]) -> dict[str, object]:
    return {"smtp": SmtpSettings(host="127.0.0.1", port=mail_server[1])}


def test_the_report_appears_without_a_reload(
    app: Flask,
    page: Page,
    live_server: str,
    demo: dict[str, str],
    mail_server: tuple[Collector, int],
    console_errors: list[str],
) -> None:
    page.goto(live_server + "/admin/import")
    page.get_by_label("E-postadresse").fill(demo["admin_school"])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(live_server + "/admin/import")
    page.get_by_label("CSV-fil").set_input_files(
        {"name": "ansatte.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.get_by_label("Send invitasjon på e-post til de nye brukerne")).to_be_checked()
    page.get_by_role("button", name="Importer 2 brukere").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Invitasjoner på e-post")
    expect(page.locator("#job-report")).to_be_hidden()
    page.evaluate("window.sameDocument = true")
    settings = app.extensions["trygg.settings"]
    with consumer(JobQueue(settings, settings.job_queue_name)):
        expect(page.locator("progress#job-progress")).to_have_attribute(
            "value", "100", timeout=60_000
        )
    expect(page.locator("#job-status")).to_have_text("Ferdig.")
    expect(page.locator("#job-summary")).to_have_text(
        "1 av 2 invitasjoner er sendt. 1 ble ikke sendt."
    )
    row = page.locator("#job-failure-rows tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Liv Lund")
    expect(row).to_contain_text("E-postserveren tok ikke imot e-posten.")
    expect(
        page.get_by_role("button", name="Send på nytt til dem som ikke fikk invitasjon")
    ).to_be_visible()
    assert page.evaluate("window.sameDocument") is True
    collector, _port = mail_server
    assert [e.rcpt_tos for e in collector.envelopes] == [["kjaersti.odegard@nordpolen.no"]]
    assert console_errors == []
