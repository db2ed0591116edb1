"""The school owner downloads a case's name-to-label key for Statsforvalteren: a CSV
Excel opens as it is, audited as its own event; nobody else gets it, and a § 12-5
leadership case stays absent for the school's leadership."""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, input_value
from tests.case_pages import fresh, logged_in
from tests.document_pages import audit_actions
from tests.factories.cases import LEADERSHIP_CASE, case_at, file, sara_report
from tests.factories.users import HANDLER, user
from trygg.cases.actors import PersonInput, add_person

HEADER = [
    "Navn",
    "Betegnelse i dokumentene",
    "Hvem",
    "Rolle eller tittel",
    "Foresatt til",
    "Kallenavn",
    "Mistenkt etter § 12-5",
]


def test_the_school_owner_downloads_the_key_as_csv_and_the_export_is_audited(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(**LEADERSHIP_CASE))
    # A name Excel would read as a formula is written as text.
    add_person(session, case, PersonInput("=Kalle Anka", "pupil", role="vitne"))
    add_person(session, case, PersonInput("Åse Berg", "guardian", guardian_of="p1"))
    session.commit()
    url = f"/saker/{case.id}/navnenokkel.csv"
    owner = logged_in(client, demo["skoleeier"])
    assert f'href="{url}"' in owner.get(f"/saker/{case.id}").get_data(as_text=True)

    response = owner.get(url)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    reference = case.reference.replace("/", "-")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=navnenokkel-sak-{reference}.csv"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(codecs.BOM_UTF8)
    text = response.data.decode("utf-8-sig")
    assert text.startswith(";".join(HEADER) + "\r\n")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1] == ["Sara Nilsen", "Navngis (eleven saken gjelder)", "Elev", "", "", "", "Nei"]
    assert ["Jonas Berg", "Elev A", "Elev", "utøvende", "", "Jonte", "Nei"] in rows
    assert ["Emma Hansen", "Elev B", "Elev", "medelev", "", "", "Nei"] in rows
    assert ["'=Kalle Anka", "Elev C", "Elev", "vitne", "", "", "Nei"] in rows
    assert ["Åse Berg", "Foresatt til Elev A", "Foresatt", "", "Jonas Berg", "", "Nei"] in rows
    [hilde] = [row for row in rows if row[0] == "Hilde Moe"]
    assert hilde[1:3] == ["Ansatt A", "Ansatt"] and hilde[-1] == "Ja"
    [reporter] = [row for row in rows if row[0] == user(session, demo["ansatt"]).name]
    assert reporter[1:3] == ["Navngis (ansatt i sin rolle)", "Ansatt"]
    assert len(rows) == len(case.actors) + 2

    [event] = audit_events(session, "case.key_exported")
    assert event.object_type == "case" and event.object_id == str(case.id)
    assert event.actor_user_id == user(session, demo["skoleeier"]).id
    assert json.loads(event.details) == {
        "format": "csv",
        "rows": len(rows) - 1,
        "for": "Statsforvalteren",
    }

    # The school's leadership does not know the case exists: absent, not forbidden.
    rektor = logged_in(app.test_client(), demo["ledelse"])
    assert rektor.get(url).status_code == 404
    assert len(audit_events(session, "case.key_exported")) == 1


def test_nobody_but_the_school_owner_gets_the_key_file(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    url = f"/saker/{case.id}/navnenokkel.csv"

    teacher = logged_in(client, demo["kontaktlaerer"])
    assert teacher.get(f"/saker/{case.id}").status_code == 200  # the handler sees the case
    assert teacher.get(url).status_code == 403
    rektor = logged_in(app.test_client(), demo["ledelse"])
    page = rektor.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "navnenokkel.csv" not in page and "Jonas Berg" in page
    assert rektor.get(url).status_code == 403
    assert logged_in(app.test_client(), demo["ansatt"]).get(url).status_code == 403
    # Not routed to the school owner: the case is absent for the owner.
    assert logged_in(app.test_client(), demo["skoleeier"]).get(url).status_code == 404
    assert audit_events(session, "case.key_exported") == []


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def test_a_person_added_from_a_document_leads_back_to_it_and_a_refusal_keeps_the_form(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    logged_in(client, HANDLER)
    url = f"/saker/{case.id}/personer/ny?navn=Sara+Nilsen&dokument=undersokelse"
    page = client.get(url).get_data(as_text=True)
    assert input_value(page, "name") == "Sara Nilsen"
    assert "case.key_viewed" in audit_actions(session, case.id)

    data = {"csrf_token": _token(page), "name": "Sara Nilsen", "kind": "pupil"}
    refused = client.post(url, data=data)
    assert refused.status_code == 200
    shown = html.unescape(refused.get_data(as_text=True))
    assert "Sara Nilsen er eleven saken gjelder, og står allerede i saken." in shown
    assert input_value(shown, "name") == "Sara Nilsen"

    # Where to go back to is a document kind, never an address taken from the link.
    elsewhere = f"/saker/{case.id}/personer/ny?dokument=https://example.org/"
    data = {"csrf_token": _token(page), "name": "Kari Holm", "kind": "pupil", "role": "vitne"}
    added = client.post(elsewhere, data=data)
    assert added.status_code == 302
    assert added.headers["Location"] == f"/saker/{case.id}#personer"
    assert [a.label for a in fresh(session, case.id).actors if a.name == "Kari Holm"] == ["Elev C"]
    staff = logged_in(client.application.test_client(), demo["ansatt"])
    assert staff.get(url).status_code == 403
