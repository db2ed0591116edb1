"""The investigation and plan rules over HTTP (issue 10): a refusal at its field with the
typed text kept, cautions with examples and «Ferdigstill likevel», and a case page that
says what the duty «Sette inn tiltak» actually stands at."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.document_pages import documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import case_at, finish_step
from tests.factories.content import INVESTIGATION, PLAN
from tests.factories.users import HANDLER, staff_value
from trygg.models import AuditEvent, Case
from trygg.models.documents import DRAFT, FINAL

MEASURES_YES = re.compile(r"<td>Sette inn tiltak</td><td><span class=\"badge badge-green\">Ja<")


def opened(client: FlaskClient, case: Case, kind: str) -> tuple[str, str]:
    log_in(client, HANDLER)
    url = edit_url(case.id, kind)
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    return url, client.get(url).get_data(as_text=True)


def error_at(page: str, field: str) -> str:
    """The error message shown beside the field with this id."""
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error at {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_issue_investigation_is_refused_at_its_field_with_the_text_kept(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")  # Sara said so herself
    reporter = next(a.key for a in case.actors if a.name == "Mona Ruud")
    url, page = opened(client, case, "undersokelse")
    typed = {
        "watch": "Ekstra voksen ute i storefri.",
        "conversations-0-date": "2026-09-15",
        "conversations-0-with": reporter,
        "conversations-0-by": staff_value(session, HANDLER),
        "conversations-0-account": "Melderen forteller hva hun så i storefri.",
        "analysis": "En enkeltstående konflikt i storefri.",
        "best_interest": "Saras trygghet veier tyngst.",
        "pupil_safe": "ja",
        "plan_needed": "nei",
    }

    refused = submit(client, url, page, typed, button="ferdigstill")

    assert refused.status_code == 200
    shown = refused.get_data(as_text=True)
    assert error_at(shown, "pupil_not_heard_reason").startswith("Eleven selv er ikke hørt")
    assert 'href="#pupil_not_heard_reason"' in shown  # in the summary, linked
    fields = form_fields(shown)
    assert fields["conversations-0-account"] == typed["conversations-0-account"]
    assert fields["analysis"] == typed["analysis"]
    [doc] = documents(session, case.id, "undersokelse")
    assert doc.status == DRAFT

    # With Sara heard, the list of talks is refused as a whole: linked, and shown there.
    refused = submit(
        client,
        url,
        shown,
        {
            "conversations-1-date": "2026-09-15",
            "conversations-1-with": "pupil",
            "conversations-1-by": staff_value(session, HANDLER),
            "conversations-1-account": "Sara sier at hun er alene i storefri.",
        },
        button="ferdigstill",
    )
    shown = refused.get_data(as_text=True)
    assert "bygger bare på meldingen og eleven" in error_at(shown, "conversations")
    assert 'href="#conversations"' in shown

    # The case page never says «Ja» for measures while there is no plan.
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert not MEASURES_YES.search(page)
    assert "Plan trengs – ikke laget ennå" in page
    assert f'href="/saker/{case.id}/dokument/aktivitetsplan">Lag planen nå</a>' in page


def test_a_safe_conclusion_against_the_pupil_shows_its_justification_on_the_case_page(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    justification = "Sara sier i samtalen 15.09 at hun nå er med i leken og ikke gruer seg."
    safe = {
        **INVESTIGATION,
        "conclusion": {"pupil_safe": True, "plan_needed": False},
        "safe_justification": justification,
    }
    case = case_at(session, tmp_path, "investigated", investigation=safe)
    log_in(client, HANDLER)
    page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert not MEASURES_YES.search(page)
    assert '<span class="badge badge-grey">Ikke nødvendig</span>' in page
    assert justification in text_of(client.get(f"/saker/{case.id}"))
    assert "Begrunnelse for konklusjonen at eleven har et trygt og godt skolemiljø" in page


def test_cautions_are_shown_with_examples_and_can_be_passed(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    url, page = opened(client, case, "undersokelse")
    handler = staff_value(session, HANDLER)
    jonas = next(a.key for a in case.actors if a.name == "Jonas Berg")
    typed = {
        "watch": "Ekstra voksen ute i storefri.",
        "conversations-0-date": "2026-09-15",
        "conversations-0-with": "pupil",
        "conversations-0-by": handler,
        "conversations-0-account": "Sara sier at hun er alene i storefri.",
        "conversations-1-date": "2026-09-16",
        "conversations-1-with": jonas,
        "conversations-1-by": handler,
        "conversations-1-account": "Jonas mener det var tull.",
        "conversations-1-kontradiksjon": "y",
        "pupil_voice": "ok",
        "analysis": "Sara holdes utenfor i storefri over tid.",
        "best_interest": "Saras trygghet veier tyngst.",
        "pupil_safe": "nei",
        "plan_needed": "ja",
    }

    warned = submit(client, url, page, typed, button="ferdigstill")

    assert warned.status_code == 200
    shown = text_of(warned)
    assert "Se over dette før du ferdigstiller" in shown
    assert "Elevens stemme sier lite" in shown
    assert "Slik kan det skrives:" in shown and "ønsker at en voksen er ute" in shown
    assert 'href="#pupil_voice"' in shown
    assert form_fields(warned.get_data(as_text=True))["pupil_voice"] == "ok"
    [doc] = documents(session, case.id, "undersokelse")
    assert doc.status == DRAFT

    done = submit(client, url, warned.get_data(as_text=True), {}, button="ferdigstill=likevel")

    assert done.status_code == 302, text_of(done)[:2000]
    [doc] = documents(session, case.id, "undersokelse")
    assert doc.status == FINAL
    event = session.execute(
        select(AuditEvent).where(
            AuditEvent.action == "document.finalised", AuditEvent.object_id == str(doc.id)
        )
    ).scalar_one()
    assert any("Elevens stemme sier lite" in c for c in json.loads(event.details)["cautions"])


def test_a_plan_without_an_investigation_is_refused_at_its_reason(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    url, page = opened(client, case, "aktivitetsplan")
    typed = {
        "problem": PLAN["problem"],
        "pupil_voice": "Sara vil at en voksen er ute i storefri.",
        "best_interest": "Saras trygghet veier tyngst.",
        "measures-0-description": "Voksen står ved fotballbanen i storefri og organiserer lek",
        "measures-0-level": "gruppe",
        "measures-0-start": "2026-09-22",
        "measures-0-frequency": "hver skoledag",
        "measures-0-by": "Per Olsen",
        "measures-0-evaluate_on": "2026-10-20",
    }
    refused = submit(client, url, page, typed, button="ferdigstill")
    shown = refused.get_data(as_text=True)
    assert "bygger ikke på en ferdigstilt undersøkelse" in error_at(shown, "measures_first_reason")
    assert form_fields(shown)["measures-0-description"] == typed["measures-0-description"]

    reason = "Sara gruer seg til skolen; en voksen ute i storefri kan ikke vente."
    done = submit(client, url, shown, {"measures_first_reason": reason}, button="ferdigstill")
    assert done.status_code == 302, text_of(done)[:2000]
    [plan] = documents(session, case.id, "aktivitetsplan")
    assert plan.status == FINAL and plan.data["measures_first_reason"] == reason
    # The investigation is still to be done.
    finish_step(session, tmp_path, case, "undersokelse", INVESTIGATION)
