"""Issue 10 in a real Chromium: the handler names the AKS worker and the helsesykepleier
(with her role) as owners of measures; the plan names both; the AKS worker finds her
measure under «Mine tiltak», and nothing else of the case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import (
    download_word,
    flash,
    log_in,
    main_menu,
    open_case_from_list,
    shown,
    switch_user,
    today,
    word_text,
)
from tests.factories.cases import case_at
from tests.measure_pages import MONA, PER

MONAS = "Mona står ved sandkassen i storefri kl. 11.30–12.00 og tar Sara med i leken"
KARIS = "Helsesykepleier har samtale med Sara hver onsdag kl. 10.00 på helserommet"


def fill_measure(row: Locator, description: str, by: str, role: str = "") -> None:
    row.get_by_label("Hva skal gjøres").fill(description)
    row.get_by_label("Nivå").select_option(label="Individ")
    row.get_by_label("Start").fill(today().isoformat())
    row.get_by_label("Hvor ofte").fill("hver onsdag")
    row.get_by_label("Hvem gjennomfører").fill(by)
    row.get_by_label("Rolle, hvis personen ikke er ansatt ved skolen").fill(role)
    row.get_by_label("Evalueringsdato").fill((today() + dt.timedelta(days=14)).isoformat())


def test_owners_inside_and_outside_the_staff_and_mine_tiltak(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "investigated")
    log_in(page, live_server, PER)
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    page.get_by_role("link", name="Skriv aktivitetsplan").click()
    page.get_by_role("button", name="Start aktivitetsplanen").click()
    page.get_by_label("Problemet tiltakene skal løse").fill(
        "Jonas og Emma holder Sara utenfor i storefri."
    )
    rows = page.locator("#tiltak [data-row]")
    fill_measure(rows.nth(0), MONAS, "Mona Ruud")
    page.get_by_role("button", name="Legg til tiltak").click()
    fill_measure(rows.nth(1), KARIS, "Kari Nordmann", "helsesykepleier")
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(flash(page)).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    _, content = download_word(page, page.get_by_role("link", name="Last ned Word (.docx)"))
    text = word_text(content)
    assert "Mona Ruud (miljøarbeider AKS)" in text
    assert "Kari Nordmann (helsesykepleier)" in text

    switch_user(page, live_server, MONA)
    main_menu(page, "Mine tiltak")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine tiltak")
    row = page.get_by_role("row").filter(has_text="Sara Nilsen")
    expect(row).to_contain_text(MONAS)
    expect(row).to_contain_text(shown(today() + dt.timedelta(days=14)))
    main = page.locator("main")
    for other in ("helsesykepleier", "Per Olsen", "Jonas", "6B"):
        expect(main).not_to_contain_text(other)
    assert console_errors == []
