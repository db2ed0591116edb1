"""Issue 4's journeys 5–7 in a real Chromium: the activity plan with rows added and removed
(with and without JavaScript), the vague owner refused, new versions with their change
summary, evaluations that close the case or continue the plan, and every archived
document downloaded from the case page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.orm import Session

from tests.e2e.journey_steps import (
    SHOTS,
    assert_no_names,
    download_word,
    flash,
    log_in,
    open_case_from_list,
    shown,
    switch_user,
    today,
    word_text,
)
from tests.factories.cases import case_at
from tests.factories.content import INVESTIGATION

pytestmark = pytest.mark.browser

OTHER_PUPILS = ("Jonas", "Jonte", "Berg", "Emma", "Hansen")
PER = "Per Olsen (kontaktlærer 6B)"
PICKER = {"Per Olsen": PER, "Hilde Moe": "Hilde Moe (rektor)"}


def measure(description: str, level: str, by: str) -> dict[str, str]:
    return {
        "description": description,
        "level": level,
        "start": "2026-09-22",
        "frequency": "hver skoledag",
        "by": by,
        "evaluate_on": "2026-12-01",
    }


MEASURES = [
    measure("Voksen ute i storefri ved sandkassen", "gruppe", "Per Olsen"),
    measure("Klassemøte om å være med i leken", "system", "Hilde Moe"),
    measure("Samtaler med Jonas om hvordan han snakker til Sara", "individ", "Per Olsen"),
]
PLAN: dict[str, object] = {
    "problem": "Jonas og Emma holder Sara utenfor i storefri.",
    "measures": MEASURES,
    "pupil_voice": "Sara vil at en voksen er ute.",
    "best_interest": "Saras trygghet veier tyngst.",
}


def evaluate_measures(page: Page, decisions: tuple[str, ...]) -> None:
    for number, decision in enumerate(decisions, start=1):
        row = page.get_by_role("group", name=f"Tiltak {number}", exact=True)
        expect(row).to_contain_text(MEASURES[number - 1]["description"])
        row.get_by_role("group", name="Gjennomført som planlagt?").get_by_label("Ja").check()
        # Who carries it out is filled in from the plan.
        expect(row.get_by_label("Gjennomført av").locator("option:checked")).to_have_text(
            PICKER[MEASURES[number - 1]["by"]]
        )
        row.get_by_label("Effekt slik eleven opplever det").fill(
            f"Sara sier tiltak {number} hjelper."
        )
        row.get_by_label("Effekt slik de ansatte ser det").fill("Roligere i storefri.")
        row.get_by_label("Effekt slik foresatte ser det").fill("Foresatte ser bedring.")
        row.get_by_label("Beslutning").select_option(label=decision)
    page.get_by_label("Deltakere").fill("Sara\nforesatte til Sara\nPer Olsen")
    page.get_by_label("Dato for evalueringen").fill(today().isoformat())
    page.get_by_label("Hvorfor evalueringen ble flyttet").fill("Planlagt møte ble flyttet.")


def test_evaluation_closes_the_case_and_every_archived_document_downloads(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "planned", plan=PLAN)
    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    page.get_by_role("link", name="Evaluer planen").click()
    page.get_by_role("button", name="Start evalueringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluering av aktivitetsplan nr. 1")
    expect(page.locator(".facts").first).to_contain_text("Planlagt dato01.12.2026")

    evaluate_measures(page, ("Avslutte", "Avslutte", "Avslutte"))
    safe_now = page.get_by_role("group", name="Opplever eleven nå skolemiljøet som trygt og godt?")
    safe_now.get_by_label("Nei").check()
    page.get_by_label("Samlet vurdering").fill("Sara sier at hun har det bra i storefri nå.")
    page.get_by_label("Planen avsluttes; dato for oppfølging").check()
    follow_up = today() + dt.timedelta(days=30)
    page.get_by_label("Oppfølging etter avslutning").fill(follow_up.isoformat())
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    # The pupil's own experience decides (§ 12-2): not closed while she does not feel safe.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("kan ikke avsluttes så lenge eleven ikke opplever")
    expect(page.get_by_label("Samlet vurdering")).to_have_value(
        "Sara sier at hun har det bra i storefri nå."
    )

    safe_now.get_by_label("Ja").check()
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(flash(page)).to_contain_text("Dokumentet er ferdigstilt og arkivert.")
    # Never a silent close (issue 10): the evaluation proposes, the rektor decides.
    expect(flash(page)).to_contain_text("Forslaget om å avslutte saken er sendt til ledelsen")

    switch_user(page, live_server, demo["ledelse"])
    open_case_from_list(page, "Saker", "Sara Nilsen")
    closing = page.get_by_role("region", name="Avslutning av saken")
    expect(closing).to_contain_text("Evaluering nr. 1 konkluderte med å avslutte planen")
    closing.get_by_role("button", name="Bekreft og avslutt saken").click()
    expect(page.locator(".page-head")).to_contain_text("Avsluttet")
    expect(page.locator(".case-facts")).to_contain_text(f"Oppfølging {shown(follow_up)}")
    reference = page.locator(".case-facts dd").first.inner_text()
    archived = {
        "Meldeskjema, nr. 1": ("Meldt av", "Mona Ruud", "Elev A og Elev B sier at jeg ikke"),
        "Undersøkelse, nr. 1": ("Grunnlag for dokumentasjonsplikten", "Egen versjon gitt"),
        "Aktivitetsplan, versjon 1": (
            "Samtaler med Elev A om hvordan han snakker til Sara",
            "Hilde Moe (rektor)",
        ),
        "Evaluering av aktivitetsplan, nr. 1": (
            "Ja, eleven opplever nå skolemiljøet som trygt og godt.",
            f"Planen avsluttes; oppfølgingspunkt\nDato\n{shown(follow_up)}",
        ),
        "Avslutning av saken, nr. 1": (
            "Skoleledelsen: Hilde Moe (rektor)",
            "Evaluering nr. 1 konkluderte med å avslutte planen.",
        ),
    }
    documents = page.get_by_role("region", name="Dokumenter").locator("tbody tr")
    expect(documents).to_have_count(len(archived))
    for row, (kind, phrases) in zip(documents.all(), archived.items(), strict=True):
        expect(row).to_contain_text(kind)
        expect(row).to_contain_text("Ferdigstilt")
        name, content = download_word(page, row.get_by_role("link", name="Word"))
        text = word_text(content)
        for phrase in (*phrases, f"Ref. {reference}", "Unntatt offentlighet, offl. § 13"):
            assert phrase in text, (kind, phrase)
        assert_no_names(name, content, OTHER_PUPILS, named="Sara Nilsen")
    assert console_errors == []


def test_evaluation_continues_into_a_new_plan_version_with_the_measures_to_keep(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "planned", plan=PLAN)
    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    page.get_by_role("link", name="Evaluer planen").click()
    page.get_by_role("button", name="Start evalueringen").click()
    evaluate_measures(page, ("Fortsette", "Justere", "Avslutte"))
    page.get_by_role(
        "group", name="Opplever eleven nå skolemiljøet som trygt og godt?"
    ).get_by_label("Nei").check()
    page.get_by_label("Samlet vurdering").fill("Bedre, men Sara er fortsatt utrygg i storefri.")
    page.get_by_label("Planen revideres (ny versjon); ny evaluering").check()
    next_date = today() + dt.timedelta(days=21)
    page.get_by_label("Neste evaluering").fill(next_date.isoformat())
    page.get_by_role("button", name="Ferdigstill og arkiver").click()

    # Straight on to the next plan version, filled in with what continues.
    expect(flash(page)).to_contain_text(
        "Evalueringen er ferdigstilt og arkivert. Her er et utkast til ny versjon av "
        "aktivitetsplanen: tiltakene som skal fortsette eller justeres, er fylt ut fra "
        "forrige versjon."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivitetsplan, versjon 2")
    rows = page.locator("#tiltak [data-row]")
    expect(rows).to_have_count(2)
    for index in (0, 1):
        row = rows.nth(index)
        description = MEASURES[index]["description"]
        expect(row.get_by_label("Hva skal gjøres")).to_have_value(description)
        expect(row.get_by_label("Evalueringsdato")).to_have_value(next_date.isoformat())
    expect(page.locator(".doc-changes").get_by_role("listitem")).to_have_text(
        ["Tiltak 1: ny evalueringsdato", "Tiltak 2: ny evalueringsdato", "Tiltak 3: fjernet"]
    )

    # Measure 2 was to be adjusted: it meets every other week from now on.
    rows.nth(1).get_by_label("Hvor ofte").fill("annenhver uke")
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(flash(page)).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    expect(page.locator(".doc-changes")).to_contain_text(
        "Tiltak 2: ny hyppighet, ny evalueringsdato"
    )
    name, content = download_word(page, page.get_by_role("link", name="Last ned Word (.docx)"))
    text = word_text(content)
    assert "Klassemøte om å være med i leken" in text and "annenhver uke" in text
    assert "Samtaler med Elev A" not in text  # the measure that ended
    assert_no_names(name, content, OTHER_PUPILS, named="Sara Nilsen")

    page.get_by_role("link", name="Tilbake til saken").click()
    expect(page.locator(".page-head")).to_contain_text("Åpen")
    expect(page.get_by_role("region", name="Frister")).to_contain_text(
        f"Evaluer aktivitetsplanen, frist {shown(next_date)}"
    )
    expect(page.get_by_role("region", name="Dokumenter").locator("tbody tr")).to_have_count(5)
    assert console_errors == []


def fill_measure(row: Locator, description: str, level: str, by: str) -> None:
    row.get_by_label("Hva skal gjøres").fill(description)
    row.get_by_label("Nivå").select_option(label=level)
    row.get_by_label("Start").fill(today().isoformat())
    row.get_by_label("Hvor ofte").fill("hver skoledag")
    row.get_by_label("Hvem gjennomfører").fill(by)
    row.get_by_label("Evalueringsdato").fill((today() + dt.timedelta(days=14)).isoformat())


def test_plan_rows_in_the_page_vague_owner_refused_then_a_new_version_with_its_changes(
    page: Page,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "investigated")  # Per handles it; a plan is needed
    log_in(page, live_server, demo["kontaktlaerer"])
    open_case_from_list(page, "Mine saker", "Sara Nilsen")
    page.get_by_role("link", name="Skriv aktivitetsplan").click()
    page.get_by_role("button", name="Start aktivitetsplanen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivitetsplan, versjon 1")
    # The plan builds on the investigation.
    expect(page.get_by_label("Bakgrunn fra undersøkelsen")).to_have_value(
        str(INVESTIGATION["analysis"])
    )
    expect(page.get_by_label("Ansvarlig leder").locator("option:checked")).to_have_text(PER)
    problem = "Jonas og Emma holder Sara utenfor i storefri."
    page.get_by_label("Problemet tiltakene skal løse").fill(problem)

    rows = page.locator("#tiltak [data-row]")
    expect(rows).to_have_count(1)
    fill_measure(rows.nth(0), "Voksen ute i storefri ved sandkassen", "Gruppe", "Per Olsen")
    add = page.get_by_role("button", name="Legg til tiltak")
    add.click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_label("Hva skal gjøres")).to_be_focused()  # no round trip
    rows.nth(1).get_by_label("Hva skal gjøres").fill("Et tiltak som likevel ikke trengs")
    add.click()
    expect(rows).to_have_count(3)
    fill_measure(rows.nth(2), "Klassemøte om å være med i leken", "System", "alle ansatte")
    # Removing the middle row leaves a gap in the field names; the server closes it, so
    # the messages below say "Tiltak 2" for the row the page calls "Tiltak 2".
    rows.nth(1).get_by_role("button", name="Fjern tiltaket").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_label("Hva skal gjøres")).to_be_focused()
    page.get_by_role("button", name="Ferdigstill og arkiver").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Noe må rettes før skjemaet kan lagres")
    expect(summary).to_contain_text(
        "Tiltak 2 › Hvem gjennomfører: «alle ansatte» kan ikke stå alene som ansvarlig. "
        "Skriv én navngitt person som har ansvaret"
    )
    # Everything typed is still there, the refused field marked.
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Problemet tiltakene skal løse")).to_have_value(problem)
    second = page.get_by_role("group", name="Tiltak 2")
    expect(second.get_by_label("Hva skal gjøres")).to_have_value("Klassemøte om å være med i leken")
    who = second.get_by_label("Hvem gjennomfører")
    expect(who).to_have_value("alle ansatte")
    expect(who).to_have_attribute("aria-invalid", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "aktivitetsplan-alle-ansatte.png"), full_page=True)

    who.fill("Hilde Moe")
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(flash(page)).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    name, content = download_word(page, page.get_by_role("link", name="Last ned Word (.docx)"))
    text = word_text(content)
    for phrase in (
        "Elev A og Elev B holder Sara utenfor i storefri.",
        "Voksen ute i storefri ved sandkassen",
        "Klassemøte om å være med i leken",
        "Hilde Moe (rektor)",
    ):
        assert phrase in text, phrase
    assert "Et tiltak som likevel ikke trengs" not in text
    assert_no_names(name, content, OTHER_PUPILS, named="Sara Nilsen")

    # A change is a new version; the archived one stays as it was.
    page.get_by_role("button", name="Lag ny versjon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktivitetsplan, versjon 2")
    expect(rows).to_have_count(2)
    page.get_by_role("group", name="Tiltak 2").get_by_label("Hvem gjennomfører").fill("Per Olsen")
    page.get_by_role("button", name="Lagre utkast").last.click()
    expect(flash(page)).to_have_text("Utkastet er lagret.")
    changes = page.locator(".doc-changes")
    expect(changes).to_contain_text("Endringer fra forrige versjon")
    expect(changes.get_by_role("listitem")).to_have_text(["Tiltak 2: ny ansvarlig"])
    page.get_by_role("button", name="Ferdigstill og arkiver").click()
    expect(flash(page)).to_have_text("Dokumentet er ferdigstilt og arkivert.")
    expect(changes).to_contain_text("Tiltak 2: ny ansvarlig")

    page.get_by_role("link", name="Tilbake til saken").click()
    documents = page.get_by_role("region", name="Dokumenter")
    expect(
        documents.get_by_role("row").filter(has_text="Aktivitetsplan, versjon 1")
    ).to_contain_text("Ferdigstilt")
    expect(
        documents.get_by_role("row").filter(has_text="Aktivitetsplan, versjon 2")
    ).to_contain_text("Tiltak 2: ny ansvarlig")
    measures = page.get_by_role("region", name="Tiltak i aktivitetsplanen, versjon 2")
    expect(measures.get_by_role("row").filter(has_text="2. Klassemøte")).to_contain_text(
        "Per Olsen"
    )
    assert console_errors == []


def test_without_javascript_the_server_adds_and_removes_measure_rows(
    browser: Browser,
    live_server: str,
    demo: dict[str, str],
    session: Session,
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    case_at(session, tmp_path, "investigated")  # Per handles it; a plan is needed
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        log_in(page, live_server, demo["kontaktlaerer"])
        open_case_from_list(page, "Mine saker", "Sara Nilsen")
        page.get_by_role("link", name="Skriv aktivitetsplan").click()
        page.get_by_role("button", name="Start aktivitetsplanen").click()
        page.get_by_label("Problemet tiltakene skal løse").fill("Sara holdes utenfor.")
        rows = page.locator("#tiltak [data-row]")
        rows.nth(0).get_by_label("Hva skal gjøres").fill("Voksen ute i storefri")
        page.get_by_role("button", name="Legg til tiltak").click()

        # The server drew the form again with one row more and kept what was typed.
        expect(rows).to_have_count(2)
        expect(page.get_by_role("group", name="Tiltak 2")).to_be_visible()
        expect(page.get_by_label("Problemet tiltakene skal løse")).to_have_value(
            "Sara holdes utenfor."
        )
        expect(rows.nth(0).get_by_label("Hva skal gjøres")).to_have_value("Voksen ute i storefri")
        rows.nth(1).get_by_label("Hva skal gjøres").fill("Klassemøte")
        page.get_by_role("group", name="Tiltak 1").get_by_role(
            "button", name="Fjern tiltaket"
        ).click()
        expect(rows).to_have_count(1)
        expect(rows.nth(0).get_by_label("Hva skal gjøres")).to_have_value("Klassemøte")

        page.get_by_role("button", name="Lagre utkast").last.click()
        expect(flash(page)).to_have_text("Utkastet er lagret.")
        expect(rows.nth(0).get_by_label("Hva skal gjøres")).to_have_value("Klassemøte")
    finally:
        context.close()
    assert console_errors == []
