"""Issue 10, closing in a real Chromium: the handler proposes closing, the rektor is
alerted and confirms, «Avslutning av saken» downloads as Word, the follow-up shows as a
deadline, and the answer at the follow-up is recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import (
    assert_no_names,
    download_word,
    flash,
    log_in,
    open_alerts,
    open_case_from_list,
    shown,
    switch_user,
    today,
    word_text,
)
from tests.factories.cases import case_at

pytestmark = pytest.mark.browser

EXPERIENCE = "Sara sier at hun er med i leken i storefri og ikke gruer seg lenger."
HEARD = "Samtale mellom Sara og kontaktlæreren i dag."


def test_handler_proposes_rektor_confirms_and_the_follow_up_is_answered(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "investigated")
    follow_up = today() + dt.timedelta(days=28)

    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    closing = page.get_by_role("region", name="Avslutning av saken")
    expect(closing.get_by_role("button", name="Bekreft og avslutt saken")).to_have_count(0)
    closing.get_by_label("Elevens egen opplevelse nå").fill(EXPERIENCE)
    closing.get_by_label("Hvordan skolen vet det").fill(HEARD)
    closing.get_by_label("Begrunnelse").fill("Tiltakene har virket, og Jonte er med på det.")
    closing.get_by_label("Dato for oppfølging").fill(follow_up.isoformat())
    closing.get_by_role("button", name="Send forslaget til ledelsen").click()
    # Forgotten: the pupil's own experience is confirmed; the typed text is kept.
    expect(page.get_by_role("alert")).to_contain_text("ikke selv opplever skolemiljøet")
    expect(closing.get_by_label("Elevens egen opplevelse nå")).to_have_value(EXPERIENCE)
    closing.get_by_label("Eleven opplever selv skolemiljøet som trygt og godt nå").check()
    closing.get_by_label("Dato for oppfølging").fill(follow_up.isoformat())
    closing.get_by_role("button", name="Send forslaget til ledelsen").click()
    expect(flash(page)).to_contain_text("Forslaget om å avslutte saken er sendt til ledelsen.")
    expect(closing).to_contain_text("Forslaget venter på at ledelsen bekrefter eller avslår det.")

    switch_user(page, live_server, demo["ledelse"])
    open_alerts(page)
    expect(page.get_by_role("main")).to_contain_text(
        "Forslag om å avslutte en sak venter på ledelsen"
    )
    open_case_from_list(page, "Saker", "Sara Nilsen")
    expect(closing).to_contain_text("Foreslått av Per Olsen")
    expect(closing).to_contain_text(EXPERIENCE)
    closing.get_by_role("button", name="Bekreft og avslutt saken").click()
    expect(flash(page)).to_contain_text("Saken er avsluttet.")
    expect(page.locator(".page-head")).to_contain_text("Avsluttet")

    # The follow-up is a deadline of the closed case.
    deadlines = page.get_by_role("region", name="Frister")
    expect(deadlines).to_contain_text(f"Følg opp avsluttet sak, frist {shown(follow_up)}")

    row = (
        page.get_by_role("region", name="Dokumenter")
        .locator("tbody tr")
        .filter(has_text="Avslutning av saken")
    )
    expect(row).to_contain_text("Ferdigstilt")
    name, content = download_word(page, row.get_by_role("link", name="Word"))
    assert name.endswith("_avslutning_v1.docx")
    text = word_text(content)
    for phrase in (
        "Avslutning av saken",
        "Skoleledelsen: Hilde Moe (rektor)",
        EXPERIENCE,
        HEARD,
        shown(follow_up),
        "Elev A er med på det.",
    ):
        assert phrase in text, phrase
    assert_no_names(name, content, ("Jonas", "Jonte", "Emma"), named="Sara Nilsen")

    closing.get_by_label("Eleven har det fortsatt trygt og godt").check()
    closing.get_by_label("Elevens egen opplevelse nå").fill("Sara har det fortsatt fint.")
    closing.get_by_label("Hvordan skolen vet det").fill("Samtale med Sara.")
    closing.get_by_role("button", name="Registrer oppfølgingen").click()
    expect(flash(page)).to_contain_text("Oppfølgingen er registrert")
    expect(closing).to_contain_text("eleven har det fortsatt trygt og godt.")
    expect(deadlines).to_contain_text("Ingen åpne frister.")
    assert console_errors == []
