"""Issue 16 in a real Chromium: the demo rektor opens the week's overview from the case
list and its print version, then the figures with their charts; the demo school owner
opens the schools and downloads the figures as CSV and as a PDF report. The charts are SVG images that load
under the page's content security policy (no console error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import log_in, main_menu, switch_user, today
from tests.factories.cases import archive_for
from trygg.demo.year import seed_demo_year

# The PDF report is made by the warm converter (tests/factories/pdf.py).
pytestmark = [pytest.mark.browser, pytest.mark.libreoffice, pytest.mark.usefixtures("converter")]


def test_rektor_and_school_owner_open_their_overviews(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    assert seed_demo_year(session, archive_for(tmp_path), today()) > 0
    session.commit()

    log_in(page, live_server, demo["ledelse"])
    main_menu(page, "Saker")
    expect(page.get_by_role("columnheader", name="Rektor fikk vite")).to_be_visible()
    page.get_by_role("link", name="Ukens oversikt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversikt")
    expect(page.get_by_role("heading", name="Sakene etter status")).to_be_visible()
    page.get_by_label("Vis navn").check()
    page.get_by_label("Utskriftsversjon").check()
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text("Skriv ut siden fra nettleseren")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    page.get_by_role("link", name="Tall og figurer for skoleåret").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tall og figurer")
    chart = page.get_by_role("img", name="Meldinger per måned", exact=False).first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300
    # The chart's styles apply (static/css/charts.css): its background is white, not black.
    background = chart.locator("rect.background").first
    assert background.evaluate("r => getComputedStyle(r).fill") == "rgb(255, 255, 255)"

    switch_user(page, live_server, demo["skoleeier"])
    main_menu(page, "Innboks")
    page.get_by_role("link", name="Skolene").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skolene")
    expect(page.get_by_role("rowheader", name="Vestre Aker skole")).to_be_visible()
    page.get_by_role("link", name="Tall og figurer for kommunen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tall og figurer: Oslo kommune")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som CSV").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith("\ufeffTabell;Rad;Antall".encode())
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som PDF").click()
    report = Path(download.value.path()).read_bytes()
    assert report.startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")
    page.screenshot(path=str(tmp_path / "figures.png"), full_page=True)
    assert console_errors == []
