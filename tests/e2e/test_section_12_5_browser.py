"""Issue 10's two § 12-5 paths in a real Chromium, with the demo users: a report about the
rektor reaches the school owner, who picks a handler from another school; and an ordinary
report about a pupil with a case hidden from the leadership goes to the pupil's ordinary
case, which the rektor sees, while the school owner sees both and the link between them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import (
    case_row,
    file_report_in_browser,
    flash,
    log_in,
    main_menu,
    open_alerts,
    open_case_from_list,
    switch_user,
    today,
)
from tests.factories.cases import LEADERSHIP_CASE, file, sara_report
from tests.factories.users import VESTRE_AKER, demo_email
from trygg.accounts.roles import KONTAKTLAERER

pytestmark = pytest.mark.browser

INGRID = demo_email(KONTAKTLAERER, VESTRE_AKER)


def test_a_report_about_the_rektor_reaches_the_owner_who_picks_a_handler_elsewhere(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    log_in(page, live_server, demo["ansatt"])
    file_report_in_browser(
        page,
        "Siv Lund",
        "3C",
        "Siv sa: «Hilde Moe kjefter på meg foran klassen.»",
        suspect="Hilde Moe",
    )
    receipt = page.locator(".receipt-head")
    expect(receipt).to_contain_text(re.compile(r"Sendt til\s*Skoleeier \(Oslo kommune\)"))
    expect(receipt).to_contain_text("ikke synlig for skoleledelsen")
    expect(receipt).not_to_contain_text("Rektor")
    expect(receipt).to_contain_text(re.compile(rf"Saksnummer\s*SE-{today().year}/0001"))

    switch_user(page, live_server, demo["skoleeier"])
    open_alerts(page)
    notice = page.locator(".notices li").filter(has_text="Melding etter § 12-5 – haster")
    notice.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siv Lund, 3C")
    expect(page.get_by_text("Noen i skoleledelsen er mistenkt (§ 12-5).")).to_be_visible()
    expect(page.locator(".case-facts")).to_contain_text("Skoleeier fikk vite")
    expect(page.get_by_role("heading", name="Skoleeier har mottatt saken")).to_be_visible()
    expect(page.get_by_role("region", name="Kronologi")).to_contain_text(
        "Melding til skoleeier registrert"
    )
    body = page.locator("main").inner_text()
    assert "Rektor fikk vite" not in body and "Melding til rektor" not in body
    handler = page.get_by_role("combobox", name="Saksbehandler")
    expect(handler.locator("option", has_text="Hilde Moe")).to_have_count(0)
    expect(handler.locator("option", has_text="skoleeier behandler saken selv")).to_have_count(1)
    ingrid = handler.locator("option", has_text="Ingrid Dahl")
    expect(ingrid).to_contain_text("Vestre Aker skole")
    handler.select_option(ingrid.get_attribute("value"))
    page.get_by_role("button", name="Sett saksbehandler").click()
    expect(flash(page)).to_have_text("Ingrid Dahl er satt som saksbehandler.")
    case_url = page.url

    # The handler from another school finds the case among her own.
    switch_user(page, live_server, INGRID)
    open_case_from_list(page, "Mine saker", "Siv Lund")
    expect(page.get_by_role("link", name="Skriv aktivitetsplan")).to_be_visible()

    # The rektor: no trace, not even a gap in the school's case numbers.
    switch_user(page, live_server, demo["ledelse"])
    main_menu(page, "Saker")
    expect(page.locator("table.case-list tbody tr")).to_have_count(0)
    assert page.request.get(case_url).status == 404
    assert "Siv" not in page.locator("body").inner_text()
    assert console_errors == []


def test_an_ordinary_report_beside_a_hidden_case_goes_to_the_ordinary_case(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    hidden, _ = file(session, tmp_path, demo["ansatt"], sara_report(**LEADERSHIP_CASE))

    log_in(page, live_server, demo["kontaktlaerer"])
    file_report_in_browser(
        page, "Sara Nilsen", "6B", "Sara sa at ingen i klassen vil sitte ved siden av henne."
    )
    receipt = page.locator(".receipt-head")
    expect(receipt).to_contain_text("Rektor og skoleledelsen ved Nordpolen skole")
    expect(receipt).not_to_contain_text(hidden.reference)
    ordinary_reference = f"{today().year}/0001"
    expect(receipt).to_contain_text(re.compile(rf"Saksnummer\s*{ordinary_reference}"))

    # The rektor receives it, in a case that says nothing of the other one.
    switch_user(page, live_server, demo["ledelse"])
    open_alerts(page)
    expect(page.locator(".notices")).to_contain_text("Ny melding om skolemiljø")
    open_case_from_list(page, "Saker", "Sara Nilsen")
    expect(page.locator(".case-facts")).to_contain_text(ordinary_reference)
    body = page.locator("body").inner_text()
    assert hidden.reference not in body and "skjult for skoleledelsen" not in body
    assert "Skjerpet aktivitetsplikt" not in body and "mistenkt (§ 12-5)." not in body

    # The school owner sees both cases and the link between them.
    switch_user(page, live_server, demo["skoleeier"])
    open_alerts(page)
    expect(page.locator(".notices")).to_contain_text("Ny melding om skolemiljø")
    main_menu(page, "Innboks")
    expect(case_row(page, "Sara Nilsen")).to_have_count(2)
    page.get_by_role("link", name=hidden.reference).click()
    linked = page.get_by_role("region", name="Elevens ordinære sak ved skolen")
    linked.get_by_role("link", name=f"Sak {ordinary_reference}").click()
    expect(page.locator(".case-facts")).to_contain_text(ordinary_reference)
    back = page.get_by_role("region", name="Saken skjult for skoleledelsen (§ 12-5)")
    expect(back.get_by_role("link", name=f"Sak {hidden.reference}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/saker/\d+$"))
    assert console_errors == []
