"""The progress page in a real Chromium: the rektor starts the kvitteringer export and
the bar moves to done, and the download appears, without the page reloading."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import REGISTER, publish_direct, sign_direct
from tests.conftest import DEMO_PASSWORD
from tests.job_steps import consumer
from trygg.jobs.queue import JobQueue
from trygg.pdf import ConverterService

pytestmark = [pytest.mark.browser, pytest.mark.libreoffice]


def test_the_progress_bar_moves_to_done_without_a_reload(
    app: Flask,
    page: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
    console_errors: list[str],
) -> None:
    plan = publish_direct(session, tmp_path)
    for role in ("kontaktlaerer", "ansatt"):
        sign_direct(session, tmp_path, demo[role], plan)
    page.goto(live_server + REGISTER)
    page.get_by_label("E-postadresse").fill(demo["ledelse"])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto(live_server + REGISTER)
    page.get_by_role("button", name="Alle kvitteringer som én PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle kvitteringer som én PDF")
    bar = page.locator("progress#job-progress")
    expect(bar).to_have_attribute("value", "0")
    # Gone if the page were loaded again.
    page.evaluate("window.sameDocument = true")

    with consumer(JobQueue(app.extensions["trygg.settings"])):
        expect(bar).to_have_attribute("value", "100", timeout=120_000)
    expect(page.locator("#job-percent")).to_have_text("100 %")
    expect(page.get_by_role("status")).to_contain_text("Ferdig")
    expect(page.get_by_role("link", name="Oppdater")).to_be_hidden()
    assert page.evaluate("window.sameDocument") is True
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kvitteringer_2026-2027_v1.pdf").click()
    assert download.value.suggested_filename == "kvitteringer_2026-2027_v1.pdf"
    assert console_errors == []
