"""The meldeskjema in a real Chromium on a phone-sized screen: rows.js adds and removes
rows without a round trip, and the report is filed with what the new row holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/trygg-shots")


def test_file_a_report_on_a_phone_with_an_added_row(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + "/meldinger/ny")
    page.get_by_label("E-postadresse").fill(demo["ansatt"])
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny melding til rektor")

    page.get_by_label("Elevens navn", exact=True).fill("Sara Nilsen")
    page.get_by_label("Klasse", exact=True).fill("6B")
    page.get_by_label("Friminutt", exact=True).check()
    page.get_by_role("group", name="Sa eleven det selv?").get_by_label("Ja").check()
    page.get_by_label("Hva så du, eller hva ble du fortalt?").fill(
        "Sara sa: «Emma og Jonas lar meg ikke være med.»"
    )
    page.get_by_label("Utestenging", exact=True).check()

    rows = page.locator("[data-rows-list] [data-row]")
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Legg til flere rader").click()
    expect(rows).to_have_count(3)
    new_name = page.locator("#others-2-name")
    expect(new_name).to_be_focused()  # no round trip: the new row has focus
    new_name.fill("Emma Hansen")
    page.locator("#others-2-role").select_option("medelev")
    page.locator("#others-0-name").fill("Jonas Berg")
    page.locator("#others-0-role").select_option("utøvende")

    rows.nth(1).get_by_role("button", name="Fjern raden").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#others-1-name")).to_have_count(0)

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "meldeskjema-375px.png"), full_page=True)
    page.get_by_role("button", name="Send melding til rektor").last.click()

    expect(page).to_have_url(re.compile(r"/meldinger/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen er sendt")
    expect(page.get_by_text("Emma Hansen – Medelev")).to_be_visible()
    expect(page.get_by_text("Jonas Berg – Utøvende (den som krenker)")).to_be_visible()
    page.screenshot(path=str(SHOTS / "kvittering-375px.png"), full_page=True)
    assert console_errors == []
