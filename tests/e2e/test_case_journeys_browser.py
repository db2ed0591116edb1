"""Issue 4's journeys 2–4 in a real Chromium, with the demo users: § 12-5 reports, the
leadership's steps on a fresh case, and the handler's investigation down to the Word file.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import (
    SHOTS,
    assert_no_names,
    case_row,
    download_word,
    file_report_in_browser,
    flash,
    log_in,
    main_menu,
    open_alerts,
    open_case_from_list,
    shown,
    switch_user,
    today,
    word_text,
)
from tests.factories.cases import case_at, file, sara_report
from trygg.archive import FolderArchive
from trygg.calendar.clock import oslo_now
from trygg.demo.cases import seed_demo_cases

pytestmark = pytest.mark.browser

OTHER_PUPILS = ("Jonas", "Jonte", "Berg", "Emma", "Hansen")


def test_staff_suspected_report_is_flagged_due_today_and_reported_to_the_owner(
    page: Page, live_server: str, demo: dict[str, str], console_errors: list[str]
) -> None:
    log_in(page, live_server, demo["ansatt"])
    file_report_in_browser(
        page,
        "Lea Berntsen",
        "4A",
        "Lea sa: «Per Olsen drar meg i armen og kjefter når ingen ser det.»",
        arena="Klasserom / undervisning",
        kind="Vold",
        suspect="Per Olsen",
    )

    switch_user(page, live_server, demo["ledelse"])
    main_menu(page, "Saker")
    expect(case_row(page, "Lea Berntsen")).to_contain_text("§ 12-5")
    open_case_from_list(page, "Saker", "Lea Berntsen")
    expect(page.get_by_text("Skjerpet aktivitetsplikt (§ 12-5)")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Rektor må melde saken til skoleeier straks")
    deadlines = page.get_by_role("region", name="Frister")
    # "Straks": due the same day the report came in.
    expect(deadlines).to_contain_text(f"Frist i dag: Meld til skoleeier, frist {shown(today())}")
    page.get_by_text("Vis navnenøkkelen").click()
    expect(page.get_by_role("row").filter(has_text="Per Olsen")).to_contain_text(
        "Mistenkt (§ 12-5)"
    )
    # The suspect cannot be made the handler of his own case.
    handler = page.get_by_role("combobox", name="Saksbehandler")
    expect(handler.locator("option", has_text="Hilde Moe")).to_have_count(1)
    expect(handler.locator("option", has_text="Per Olsen")).to_have_count(0)

    owner = page.get_by_role("heading", name="Meldt til skoleeier", level=3).locator("..")
    reported_at = oslo_now().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    owner.get_by_label("Når ble saken meldt til skoleeier?").fill(
        reported_at.strftime("%Y-%m-%dT%H:%M")
    )
    expect(owner.get_by_label("Meldt til", exact=True)).to_have_value(
        "Utdanningsetaten, avdeling for skolemiljø"
    )
    owner.get_by_role("button", name="Registrer melding til skoleeier").click()

    expect(flash(page)).to_have_text("Det er registrert at saken er meldt til skoleeier.")
    facts = page.locator(".case-facts")
    expect(facts).to_contain_text(
        f"Meldt til skoleeier{reported_at:%d.%m.%Y kl. %H.%M}, "
        "Utdanningsetaten, avdeling for skolemiljø"
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(deadlines).not_to_contain_text("Meld til skoleeier")
    expect(page.get_by_role("region", name="Kronologi")).to_contain_text(
        "Saken er meldt til skoleeier"
    )

    # Reported by the rektor, the case is now in the school owner's inbox too.
    switch_user(page, live_server, demo["skoleeier"])
    open_alerts(page)
    expect(page.locator(".notices")).to_contain_text("Sak meldt til skoleeier")
    main_menu(page, "Innboks")
    expect(case_row(page, "Lea Berntsen")).to_contain_text("Nordpolen skole")
    assert console_errors == []


def test_a_leadership_case_leaves_no_trace_for_the_rektor_and_reaches_the_owner(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    # An ordinary case the rektor does see, so an empty page proves nothing.
    file(session, tmp_path, demo["ansatt"], sara_report(pupil_name="Ola Nordmann", others=()))
    log_in(page, live_server, demo["ansatt"])
    file_report_in_browser(
        page,
        "Siv Lund",
        "3C",
        "Siv sa: «Hilde Moe drar meg i armen og kjefter når ingen ser det.»",
        arena="Klasserom / undervisning",
        kind="Vold",
        suspect="Hilde Moe",
    )

    switch_user(page, live_server, demo["skoleeier"])
    main_menu(page, "Innboks")
    expect(page.locator("table.case-list tbody tr")).to_have_count(1)
    expect(case_row(page, "Siv Lund")).to_contain_text("Nordpolen skole")
    open_alerts(page)
    notice = page.locator(".notices li").filter(has_text="Melding etter § 12-5 – haster")
    notice.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siv Lund, 3C")
    expect(page.get_by_text("Noen i skoleledelsen er mistenkt (§ 12-5).")).to_be_visible()
    # Gone straight to the owner: no "report to the owner" warning or deadline.
    expect(page.get_by_role("alert")).to_have_count(0)
    handler = page.get_by_role("combobox", name="Saksbehandler")
    expect(handler.locator("option", has_text="Per Olsen")).to_have_count(1)
    expect(handler.locator("option", has_text="Hilde Moe")).to_have_count(0)
    case_url = page.url
    reference = page.locator(".case-facts dd").first.inner_text()
    secrets = ("Siv", "Lund", "3C", reference)

    switch_user(page, live_server, demo["ledelse"])
    expect(page.locator(".case-counts")).to_contain_text("Åpne saker: 1.")
    pages = [page.locator("body").inner_text()]
    main_menu(page, "Saker")
    expect(page.locator("table.case-list tbody tr")).to_have_count(1)
    expect(case_row(page, "Ola Nordmann")).to_be_visible()
    pages.append(page.locator("body").inner_text())
    page.get_by_label("Status").select_option(label="Alle")
    page.get_by_role("button", name="Vis").click()
    expect(page).to_have_url(re.compile(r"status=all"))
    expect(page.locator("table.case-list tbody tr")).to_have_count(1)
    pages.append(page.locator("body").inner_text())
    open_alerts(page)
    expect(page.locator(".notices li")).to_have_count(1)
    expect(page.locator(".notices")).to_contain_text("Ny melding om skolemiljø")
    pages.append(page.locator("body").inner_text())
    # The page itself answers as if the case did not exist (a request, not a navigation,
    # so the 404 is not logged as a console error).
    hidden = page.request.get(case_url)
    assert hidden.status == 404
    pages.append(re.sub(r"<[^>]+>", " ", hidden.text()))
    for text in pages:
        assert "§ 12-5" not in text
        for secret in secrets:
            assert secret not in text, secret
    assert console_errors == []


def test_leadership_receives_the_report_assigns_the_teacher_and_reports_a_serious_case(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    seed_demo_cases(session, FolderArchive(tmp_path / "output" / "archive"), today())
    session.commit()
    log_in(page, live_server, demo["ledelse"])
    expect(page.locator(".case-counts")).to_contain_text("Åpne saker: 3.")
    open_case_from_list(page, "Saker", "Sara Nilsen")
    facts = page.locator(".case-facts")
    expect(facts).to_contain_text("Rektor fikk viteIkke registrert")
    reference = facts.locator("dd").first.inner_text()

    receipt = page.get_by_role("heading", name="Rektor har mottatt saken", level=3).locator("..")
    informed = oslo_now().replace(second=0, microsecond=0) - dt.timedelta(minutes=30)
    raised = today() - dt.timedelta(days=3)
    receipt.get_by_label("Når fikk rektor selv vite om saken?").fill(f"{informed:%Y-%m-%dT%H:%M}")
    receipt.get_by_label("Tok eleven eller hjemmet saken opp med rektor").fill(raised.isoformat())
    receipt.get_by_label("Alvorlig sak").check()
    receipt.get_by_role("button", name="Lagre mottak").click()
    expect(flash(page)).to_have_text("Det er registrert når rektor fikk vite om saken.")
    expect(facts).to_contain_text(f"Rektor fikk vite{informed:%d.%m.%Y kl. %H.%M}")
    expect(facts).to_contain_text(f"Tatt opp med rektor av eleven eller hjemmet{shown(raised)}")
    expect(page.locator(".page-head")).to_contain_text("Alvorlig sak")
    # § 12-6: a week from the earliest day the rektor personally knew.
    expect(page.get_by_role("region", name="Frister")).to_contain_text(
        f"Statsforvalteren kan behandle saken fra {shown(raised + dt.timedelta(days=7))}."
    )

    page.get_by_role("combobox", name="Saksbehandler").select_option(
        label="Per Olsen (kontaktlærer 6B)"
    )
    page.get_by_role("button", name="Sett saksbehandler").click()
    expect(flash(page)).to_have_text("Per Olsen er satt som saksbehandler.")
    expect(facts).to_contain_text("SaksbehandlerPer Olsen")

    owner = page.get_by_role("heading", name="Meldt til skoleeier", level=3).locator("..")
    owner.get_by_label("Når ble saken meldt til skoleeier?").fill(f"{informed:%Y-%m-%dT%H:%M}")
    owner.get_by_role("button", name="Registrer melding til skoleeier").click()
    expect(flash(page)).to_have_text("Det er registrert at saken er meldt til skoleeier.")
    expect(facts).to_contain_text(f"Meldt til skoleeier{informed:%d.%m.%Y kl. %H.%M}")
    chronology = page.get_by_role("region", name="Kronologi")
    for event in (
        "Rektor har mottatt saken",
        "Saksbehandler satt: Per Olsen",
        "Saken er meldt til skoleeier",
    ):
        expect(chronology).to_contain_text(event)

    # The teacher is told, and the alert leads to the case and its work.
    switch_user(page, live_server, demo["kontaktlaerer"])
    open_alerts(page)
    page.get_by_role("link", name=f"Sak {reference}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sara Nilsen, 6B")
    expect(page.get_by_role("link", name="Start/fortsett undersøkelse")).to_be_visible()
    assert console_errors == []


def test_handler_writes_the_investigation_and_the_word_file_names_no_other_pupil(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    # Sara's report: Jonas («Jonte») and Emma; Per handles it.
    case_at(session, tmp_path, "received")
    day = today().isoformat()
    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    page.get_by_role("link", name="Start/fortsett undersøkelse").click()
    # Opening the page creates nothing; the start button does (and sets the start time).
    page.get_by_role("button", name="Start undersøkelsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undersøkelse")

    page.get_by_label("Følge med").fill("Ekstra voksen ute i storefri fra dagen etter meldingen.")
    page.get_by_label("Gripe inn").fill("Per stoppet Jonas og Emma i garderoben samme dag.")
    page.get_by_label("Melde fra").fill("Mona Ruud meldte fra til rektor samme dag.")
    conversations = page.locator("#samtaler [data-row]")
    talks = (
        (
            "Sara Nilsen (eleven saken gjelder)",
            "Sara forteller at Jonas og Emma lar henne "
            "stå alene, og at Jonte skriver stygge ting på Snap.",
            None,
        ),
        ("Jonas Berg (utøvende)", "Jonas ville ikke si noe om saken.", "Ønsket ikke"),
        (
            "Jonas Berg (utøvende)",
            "Jonas sier at det bare var tull, og at Emma begynte.",
            "Kontradiksjon",
        ),
        ("Emma Hansen (medelev)", "Emma sier at hun ble med fordi Jonas gjorde det.", None),
    )
    for index, (partner, account, version) in enumerate(talks):
        if index:
            page.get_by_role("button", name="Legg til samtale").click()
            expect(conversations).to_have_count(index + 1)  # added in the page, no reload
        row = conversations.nth(index)
        row.get_by_label("Dato").fill(day)
        row.get_by_label("Samtale med").select_option(label=partner)
        row.get_by_label("Samtalen holdt av").select_option(label="Per Olsen (kontaktlærer 6B)")
        row.get_by_label("Hva som kom fram").fill(account)
        if version:
            row.get_by_label(version).check()
    observation = page.get_by_role("group", name="Observasjon 1")
    observation.get_by_label("Dato").fill(day)
    observation.get_by_label("Arena").fill("storefri")
    observation.get_by_label("Observatør").select_option(label="Per Olsen (kontaktlærer 6B)")
    observation.get_by_label("Funn").fill("Jonas og Emma snur ryggen til Sara ved sandkassen.")
    page.get_by_label("Elevens stemme").fill("Sara vil ha en voksen ute og vil ikke bytte klasse.")
    page.get_by_label("Analyse").fill("Sara holdes utenfor over tid, både ute og på Snap.")
    page.get_by_label("Vurdering av elevens beste").fill("Saras trygghet veier tyngst.")
    page.get_by_role("group", name="Har eleven et trygt og godt skolemiljø?").get_by_label(
        "Nei"
    ).check()
    page.get_by_role("group", name="Trengs det en aktivitetsplan?").get_by_label("Ja").check()
    page.get_by_label("Foresatte informert om rettighetene og Statsforvalteren").fill(day)
    page.get_by_role("button", name="Ferdigstill og arkiver").click()

    expect(flash(page)).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    expect(page.locator(".doc-meta")).to_contain_text(f"Ferdigstilt og arkivert {shown(today())}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "undersokelse-ferdigstilt.png"), full_page=True)
    name, content = download_word(page, page.get_by_role("link", name="Last ned Word (.docx)"))
    assert name.endswith(".docx")
    text = word_text(content)
    for expected in (
        "Sara Nilsen",
        "Per Olsen",
        "Elev A",
        "Elev B",
        "Ønsket ikke å gi sin versjon",
        "Egen versjon gitt",
        "og at Elev A skriver stygge ting på Snap",
        "snur ryggen til Sara ved sandkassen",
        "Saras trygghet veier tyngst.",
    ):
        assert expected in text, expected
    assert_no_names(name, content, OTHER_PUPILS, named="Sara Nilsen")
    assert console_errors == []
