"""The activity plan page: vague owners refused, the completeness gate, read-only final
versions, new versions with their change summary, and two people saving at once."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.document_pages import documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import case_at
from tests.factories.content import INVESTIGATION
from tests.factories.users import HANDLER, RECTOR, staff_value
from trygg.models.documents import DRAFT, FINAL


def measure(number: int, **values: str) -> dict[str, str]:
    row = {
        "description": "Voksen ute i storefri, aktiv tilstedeværelse",
        "level": "gruppe",
        "start": "2026-11-23",
        "frequency": "hver skoledag",
        "end": "2026-12-18",
        "by": "Per Olsen",
        "evaluate_on": "2026-12-18",
        **values,
    }
    return {f"measures-{number}-{key}": value for key, value in row.items()}


def plan_fields(session: Session) -> dict[str, str]:
    return {
        "responsible": staff_value(session, RECTOR),
        "problem": "Sara blir holdt utenfor i storefri.",
        "pupil_voice": "Sara vil ha en voksen ute i storefri.",
        "best_interest": "Saras trygghet veier tyngst.",
        **measure(0),
    }


def test_plan_starts_from_the_investigation(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_id = case_at(session, tmp_path, "investigated").id
    log_in(client, HANDLER)

    url = edit_url(case_id, "aktivitetsplan")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(edit_url(case_id, "aktivitetsplan")).get_data(as_text=True)

    fields = form_fields(page)
    assert fields["background"] == INVESTIGATION["analysis"]
    assert fields["pupil_voice"] == INVESTIGATION["pupil_voice"]
    assert fields["responsible"] == staff_value(session, HANDLER)
    assert '<datalist id="staff-names">' in page and '<option value="Hilde Moe">' in page


def test_everyone_as_owner_is_refused_with_the_reason_and_the_text_is_kept(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_id = case_at(session, tmp_path, "investigated").id
    log_in(client, HANDLER)
    url = edit_url(case_id, "aktivitetsplan")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)
    [before] = documents(session, case_id, "aktivitetsplan")

    response = submit(client, url, page, {**plan_fields(session), **measure(0, by="alle ansatte")})

    assert response.status_code == 200
    shown = text_of(response)
    assert "«alle ansatte» kan ikke stå alene som ansvarlig" in shown
    assert "Tiltak 1 › Hvem gjennomfører" in shown  # in the summary, linked to the field
    assert 'href="#measures-0-by"' in shown
    fields = form_fields(response.get_data(as_text=True))
    assert fields["measures-0-by"] == "alle ansatte"
    assert fields["problem"] == "Sara blir holdt utenfor i storefri."
    [after] = documents(session, case_id, "aktivitetsplan")
    assert (after.revision, after.data) == (before.revision, before.data)


def test_finalise_is_refused_until_every_measure_has_an_evaluation_date(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_id = case_at(session, tmp_path, "investigated").id
    log_in(client, HANDLER)
    url = edit_url(case_id, "aktivitetsplan")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    page = client.get(url).get_data(as_text=True)
    changes = {**plan_fields(session), **measure(1, evaluate_on="", description="Klassemøte")}

    refused = submit(client, url, page, changes, button="ferdigstill")

    assert refused.status_code == 200
    shown = text_of(refused)
    assert "Dokumentet kan ikke ferdigstilles ennå" in shown
    assert "Aktivitetsplan › Tiltak 2 › Evalueringsdato: feltet mangler" in shown
    assert 'href="#measures-1-evaluate_on"' in shown
    assert form_fields(refused.get_data(as_text=True))["measures-1-description"] == "Klassemøte"
    [draft] = documents(session, case_id, "aktivitetsplan")
    assert draft.status == DRAFT
    assert [m["description"] for m in draft.data["measures"]] == [
        "Voksen ute i storefri, aktiv tilstedeværelse",
        "Klassemøte",
    ]


def test_final_plan_is_read_only_and_a_new_version_shows_what_changed(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_id = case_at(session, tmp_path, "investigated").id
    log_in(client, HANDLER)
    url = edit_url(case_id, "aktivitetsplan")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    loaded = client.get(url).get_data(as_text=True)
    done = submit(client, url, loaded, plan_fields(session), button="ferdigstill")
    assert done.status_code == 302, text_of(done)[:3000]
    [v1] = documents(session, case_id, "aktivitetsplan")
    assert v1.status == FINAL

    # A stale form cannot change the archived version.
    revision = v1.revision
    late = submit(client, url, loaded, {"problem": "Endret etterpå"})
    assert "kan ikke endres. Lag en ny versjon." in text_of(late)
    assert form_fields(late.get_data(as_text=True))["problem"] == "Endret etterpå"
    more = submit(client, url, loaded, {"problem": "Endret etterpå"}, button="add_row=measures")
    assert "kan ikke endres. Lag en ny versjon." in text_of(more)
    assert form_fields(more.get_data(as_text=True))["problem"] == "Endret etterpå"
    [v1] = documents(session, case_id, "aktivitetsplan")
    assert v1.data["problem"] == "Sara blir holdt utenfor i storefri."
    assert (v1.status, v1.revision) == (FINAL, revision)

    view = text_of(client.get(url))
    assert "kan ikke endres" in view and "Lag ny versjon" in view
    token = form_fields(loaded)["csrf_token"]
    started = client.post(f"{url}/ny-versjon", data={"csrf_token": token})
    assert started.status_code == 302
    v1, v2 = documents(session, case_id, "aktivitetsplan")
    assert (v2.number, v2.status, v2.parent_id) == (2, DRAFT, v1.id)

    page = client.get(url).get_data(as_text=True)
    assert form_fields(page)["measures-0-by"] == "Per Olsen"
    finished = submit(client, url, page, {"measures-0-by": "Hilde Moe"}, button="ferdigstill")
    assert finished.status_code == 302, text_of(finished)[:3000]
    v1, v2 = documents(session, case_id, "aktivitetsplan")
    assert v2.status == FINAL and v2.change_summary == ["Tiltak 1: ny ansvarlig"]
    assert v1.data["measures"][0]["by"] != v2.data["measures"][0]["by"]
    assert "Tiltak 1: ny ansvarlig" in text_of(client.get(url))


def test_second_save_of_the_same_revision_gets_the_conflict_page_and_loses_nothing(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case_id = case_at(session, tmp_path, "investigated").id
    rector = app.test_client()
    log_in(client, HANDLER)
    log_in(rector, RECTOR)
    url = edit_url(case_id, "aktivitetsplan")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})  # start button
    handler_page = client.get(url).get_data(as_text=True)
    rector_page = rector.get(url).get_data(as_text=True)

    first = submit(client, url, handler_page, {"problem": "Per sin beskrivelse av problemet."})
    assert first.status_code == 302
    second = submit(rector, url, rector_page, {"problem": "Hildes beskrivelse av problemet."})

    assert second.status_code == 200
    shown = text_of(second)
    assert "Per Olsen lagret dokumentet etter at du åpnet det" in shown
    assert "Per sin beskrivelse av problemet." in shown
    assert "Hildes beskrivelse av problemet." in shown
    [draft] = documents(session, case_id, "aktivitetsplan")
    assert draft.data["problem"] == "Per sin beskrivelse av problemet."
    fields = form_fields(second.get_data(as_text=True))
    assert fields["problem"] == "Hildes beskrivelse av problemet."
    assert fields["revision"] == str(draft.revision)

    # The form on the conflict page is the merge: saving it now is deliberate and works.
    merged = submit(rector, url, second.get_data(as_text=True), {"problem": "Begge deler."})
    assert merged.status_code == 302
    assert documents(session, case_id, "aktivitetsplan")[0].data["problem"] == "Begge deler."


def test_another_school_and_unknown_kinds_get_404(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, "rektor.vestreaker@demo.trygg.no")
    assert client.get(edit_url(case.id, "aktivitetsplan")).status_code == 404
    assert client.get(edit_url(case.id, "meldeskjema")).status_code == 404
