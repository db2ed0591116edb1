"""The investigation page: open a draft, add rows without JavaScript, save, finalise."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.document_pages import (
    audit_actions,
    documents,
    edit_url,
    event_codes,
    form_fields,
    submit,
    text_of,
)
from tests.factories.cases import case_at, sara_report
from tests.factories.users import HANDLER, staff_value
from trygg.calendar.clock import oslo_time
from trygg.models import ArchivedFile, Case
from trygg.models.base import utcnow
from trygg.models.documents import DRAFT, FINAL


def filled(session: Session) -> dict[str, str]:
    per = staff_value(session, HANDLER)
    return {
        "watch": "Ekstra voksen ute i storefri fra 15.09.",
        "conversations-0-date": "2026-09-15",
        "conversations-0-with": "pupil",
        "conversations-0-by": per,
        "conversations-0-account": "Sara forteller at Jonas holder henne utenfor.",
        "pupil_voice": "Sara gruer seg til storefri og vil at en voksen er ute.",
        "analysis": "Sara holdes utenfor over tid.",
        "best_interest": "Saras trygghet veier tyngst.",
    }


def test_draft_is_opened_saved_and_finalised(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received", report=sara_report(pupil_said_so=False))
    assert case.unsafe_since is None
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button

    page = client.get(url)
    assert page.status_code == 200
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.status == DRAFT
    shown = text_of(page)
    assert "Undersøkelse" in shown and "kontradiksjon" in shown.lower()
    assert "Last ned Word (.docx)" in shown and "Last ned PDF" in shown

    saved = submit(client, url, page.get_data(as_text=True), filled(session))
    assert saved.status_code == 302, text_of(saved)[:3000]
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.data["watch"] == "Ekstra voksen ute i storefri fra 15.09."
    [conversation] = draft.data["conversations"]
    per_key = next(a.key for a in case.actors if a.name == "Per Olsen")
    assert conversation["by"] == per_key and conversation["with"] == "pupil"
    assert "document_saved" in event_codes(session, case.id)
    assert "document.saved" in audit_actions(session, case.id)

    # Reload: the saved draft shows the picker value again, and finalising works.
    page = client.get(url).get_data(as_text=True)
    assert form_fields(page)["conversations-0-by"] == staff_value(session, HANDLER)
    done = submit(
        client,
        url,
        page,
        {
            "conversations-1-date": "2026-09-16",
            "conversations-1-with": next(a.key for a in case.actors if a.name == "Jonas Berg"),
            "conversations-1-by": staff_value(session, HANDLER),
            "conversations-1-account": "Jonas mener det bare var tull.",
            "conversations-1-kontradiksjon": "y",
            "pupil_safe": "nei",
            "plan_needed": "ja",
        },
        button="ferdigstill",
    )
    assert done.status_code == 302, text_of(done)[:3000]
    [final] = documents(session, case.id, "undersokelse")
    assert final.status == FINAL and final.finalised_at is not None
    assert len(final.data["conversations"]) == 2
    stored = session.execute(
        select(ArchivedFile).where(ArchivedFile.document_id == final.id)
    ).scalar_one()
    assert stored.format == "docx" and stored.filename.endswith("_undersokelse_v1.docx")
    assert "document_finalised" in event_codes(session, case.id)
    session.expire_all()
    # Days are Norwegian days.
    assert session.get(Case, case.id).unsafe_since == oslo_time(utcnow()).date()

    # The final document is shown read-only, with its downloads.
    view = text_of(client.get(url))
    assert "kan ikke endres" in view and "Jonas mener det bare var tull." in view
    assert 'name="lagre"' not in view


def test_add_row_without_javascript_keeps_the_text_and_saves_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)
    [before] = documents(session, case.id, "undersokelse")

    more = submit(client, url, page, filled(session), button="add_row=conversations")

    assert more.status_code == 200
    fields = form_fields(more.get_data(as_text=True))
    assert fields["conversations-0-account"] == "Sara forteller at Jonas holder henne utenfor."
    assert fields["watch"] == "Ekstra voksen ute i storefri fra 15.09."
    assert fields["conversations-1-account"] == ""
    assert "conversations-2-account" not in fields
    [after] = documents(session, case.id, "undersokelse")
    assert (after.revision, after.data) == (before.revision, before.data)

    fewer = submit(
        client, url, more.get_data(as_text=True), {}, button="remove_row=conversations-0"
    )
    fields = form_fields(fewer.get_data(as_text=True))
    assert fields["conversations-0-account"] == ""
    assert "conversations-1-account" not in fields
    assert fields["watch"] == "Ekstra voksen ute i storefri fra 15.09."


def test_finalise_refused_lists_what_is_missing_and_keeps_the_draft(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)
    changes = {**filled(session), "analysis": ""}

    refused = submit(client, url, page, changes, button="ferdigstill")

    assert refused.status_code == 200
    shown = text_of(refused)
    assert "Dokumentet kan ikke ferdigstilles ennå" in shown
    assert "Analyse" in shown and "Konklusjon" in shown
    assert form_fields(refused.get_data(as_text=True))["watch"] == changes["watch"]
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.status == DRAFT and draft.data["watch"] == changes["watch"]
    # The form now carries the saved revision: saving again is not a conflict.
    again = submit(client, url, refused.get_data(as_text=True), {"analysis": "Utenfor."})
    assert again.status_code == 302
    assert documents(session, case.id, "undersokelse")[0].data["analysis"] == "Utenfor."


def test_a_bad_date_is_shown_beside_its_field_and_nothing_is_saved(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)

    response = submit(
        client, url, page, {**filled(session), "conversations-0-date": "femtende september"}
    )

    assert response.status_code == 200
    shown = text_of(response)
    assert "Samtale 1 › Dato: Skriv datoen som dd.mm.åååå" in shown
    assert form_fields(response.get_data(as_text=True))["conversations-0-date"] == (
        "femtende september"
    )
    assert "watch" not in documents(session, case.id, "undersokelse")[0].data
