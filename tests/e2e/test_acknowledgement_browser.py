"""Skolens plan in a real Chromium on a phone-sized screen: an employee follows the front
page to the plan, mistypes their name (and keeps what they ticked), then signs."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import publish_direct
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/trygg-shots")


def test_an_employee_signs_the_kvittering_on_a_phone(
    app: Flask,
    page: Page,
    live_server: str,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    publish_direct(session, tmp_path)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + "/")
    page.get_by_label("E-postadresse").fill(demo["ansatt"])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("link", name="Les og kvitter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skolens plan")
    expect(page.get_by_text("Skoleeier: Utdanningsetaten, avdeling for skolemiljø")).to_be_visible()

    for box in page.get_by_role("group", name="Jeg bekrefter at").get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Signatur: skriv fullt navn").fill("Mona Rud")
    page.get_by_role("button", name="Signer kvitteringen").click()
    expect(page.locator(".error-summary")).to_contain_text("«Mona Ruud»")
    expect(page.get_by_label("Signatur: skriv fullt navn")).to_have_value("Mona Rud")
    expect(page.get_by_role("checkbox", checked=True)).to_have_count(4)

    page.get_by_label("Signatur: skriv fullt navn").fill("mona ruud")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "skolens-plan-375px.png"), full_page=True)
    page.get_by_role("button", name="Signer kvitteringen").click()
    expect(page.get_by_text("Takk! Kvitteringen er signert og arkivert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Du har kvittert for denne versjonen")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned kvitteringen (Word)").click()
    assert download.value.suggested_filename == "2026-2027_kvittering_v1.docx"
    assert console_errors == []
