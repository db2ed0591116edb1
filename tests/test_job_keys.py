"""The school owner's file of every case's name-to-label key, made by a background job:
only the cases routed to the owner, each line led by its case and school, a CSV Excel
opens as it is, audited per case and per download, and no name in the logs."""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.case_pages import logged_in
from tests.conftest import csrf_token
from tests.factories.cases import LEADERSHIP_CASE, NEUTRAL_TEXTS, file, sara_report
from tests.factories.users import user
from tests.job_steps import consumer, finished
from trygg.calendar.clock import oslo_now
from trygg.cases.actors import PersonInput, add_person
from trygg.cases.key_export import CASE_HEADERS, HEADERS, NO_CASES
from trygg.jobs.queue import JobQueue
from trygg.models import Case
from trygg.models.jobs import DONE, FAILED

PAGE = "/saker/navnenokler"


def start(app: Flask, client: FlaskClient, session: Session) -> tuple[str, int]:
    started = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE)})
    assert started.status_code == 302
    page_url = started.headers["Location"]
    job_id = int(page_url.rsplit("/", 1)[1])
    settings = app.extensions["trygg.settings"]
    with consumer(JobQueue(settings, settings.job_queue_name)):
        finished(session, job_id)
    return page_url, job_id


def routed_and_ordinary_cases(
    session: Session, tmp_path: Path, demo: dict[str, str]
) -> tuple[Case, Case, Case]:
    """Two cases routed to the school owner (§ 12-5, the leadership suspected) and one
    ordinary case the owner never sees."""
    ordinary, _ = file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(pupil_name="Nora Lie", pupil_class="5A", **NEUTRAL_TEXTS),
    )
    sara, _ = file(session, tmp_path, demo["ansatt"], sara_report(**LEADERSHIP_CASE))
    # A name Excel would read as a formula is written as text, here as in one case's key.
    add_person(session, sara, PersonInput("=Kalle Anka", "pupil", role="vitne"))
    ole, _ = file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(pupil_name="Ole Hansen", pupil_class="7A", **NEUTRAL_TEXTS, **LEADERSHIP_CASE),
    )
    session.commit()
    return ordinary, sara, ole


def test_the_school_owner_gets_every_routed_case_key_in_one_csv(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ordinary, sara, ole = routed_and_ordinary_cases(session, tmp_path, demo)
    owner = logged_in(client, demo["skoleeier"])
    assert f'href="{PAGE}"' in owner.get("/oversikt/skoleeier").get_data(as_text=True)
    assert "Lag filen" in owner.get(PAGE).get_data(as_text=True)

    with caplog.at_level(logging.DEBUG):
        page_url, job_id = start(app, owner, session)

    job = finished(session, job_id)
    assert (job.status, job.progress, job.error) == (DONE, 100, None)
    status = owner.get(f"{page_url}/status").get_json()
    assert status["download_url"] == f"{page_url}/fil"
    download = owner.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    filename = f"navnenokler-oslo-kommune-{oslo_now().date().isoformat()}.csv"
    assert download.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.data.startswith(codecs.BOM_UTF8)
    text = download.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [*CASE_HEADERS, *HEADERS]
    assert all(line.endswith("\r") or not line for line in text.split("\n"))
    school = sara.school.name
    own_pupil = ["Sara Nilsen", "Navngis (eleven saken gjelder)", "Elev", "", "", "", "Nei"]
    assert rows[1] == [sara.reference, school, *own_pupil]
    assert [
        sara.reference,
        school,
        "'=Kalle Anka",
        "Elev C",
        "Elev",
        "vitne",
        "",
        "",
        "Nei",
    ] in rows
    assert [ole.reference, school, "Ole Hansen"] == rows[len(sara.actors) + 2][:3]
    assert len(rows) == 1 + (len(sara.actors) + 1) + (len(ole.actors) + 1)
    # The ordinary case is not the owner's: neither its pupil nor its case is in the file.
    assert "Nora Lie" not in text and ordinary.reference not in {row[0] for row in rows[1:]}

    # Audited per case, once for the file, and per download, all naming the job.
    exported = {
        e.object_id: json.loads(e.details) for e in audit_events(session, "case.key_exported")
    }
    assert set(exported) == {str(sara.id), str(ole.id)}
    assert exported[str(sara.id)] == {
        "format": "csv",
        "rows": len(sara.actors) + 1,
        "job": job_id,
        "for": "arkiv eller innsyn",
    }
    [whole] = audit_events(session, "case.keys_exported")
    assert json.loads(whole.details) == {
        "format": "csv",
        "cases": 2,
        "rows": len(rows) - 1,
        "job": job_id,
    }
    assert whole.actor_user_id == user(session, demo["skoleeier"]).id
    owner.get(status["download_url"])
    downloads = audit_events(session, "case.keys_downloaded")
    assert [json.loads(e.details) for e in downloads] == [{"job": job_id}] * 2
    assert {e.object_type for e in downloads} == {"municipality"}
    # No name reached the logs, whatever the level.
    assert any(record.name.startswith("huey") for record in caplog.records)  # it listened
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Sara Nilsen" not in logged and "Kalle" not in logged and "Ole Hansen" not in logged

    # The leadership and the admin never get the page, nor the owner's job.
    for role in ("ledelse", "admin"):
        other = logged_in(app.test_client(), demo[role])
        assert other.get(PAGE).status_code == 403
        assert other.get(page_url).status_code == 404


def test_with_no_case_routed_to_the_owner_the_job_says_so(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(pupil_name="Nora Lie", pupil_class="5A", **NEUTRAL_TEXTS),
    )
    session.commit()
    owner = logged_in(client, demo["skoleeier"])
    page_url, job_id = start(app, owner, session)
    job = finished(session, job_id)
    assert (job.status, job.error, job.result_sha256) == (FAILED, NO_CASES, None)
    page = owner.get(page_url).get_data(as_text=True)
    assert "Ingen saker er meldt til skoleeier ennå" in page and "/fil" not in page
    assert audit_events(session, "case.key_exported") == []
