"""The kvitteringer export over HTTP: the rektor starts it, follows the progress page
(which reloads itself without JavaScript) to the download; nobody else sees the job."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import REGISTER, publish_direct, sign_direct
from tests.admin_pages import audit_events
from tests.conftest import csrf_token, log_in
from tests.job_steps import consumer, finished, job_file
from trygg.jobs.queue import JobQueue
from trygg.pdf import ConverterService


@pytest.mark.libreoffice
def test_the_rektor_follows_the_export_to_the_download(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
) -> None:
    plan = publish_direct(session, tmp_path)
    sign_direct(session, tmp_path, demo["kontaktlaerer"], plan)
    log_in(client, demo["ledelse"])
    register = client.get(REGISTER).get_data(as_text=True)
    start_url = f"/skolens-plan/{plan.id}/kvitteringer.pdf"
    assert f'action="{start_url}"' in register
    started = client.post(start_url, data={"csrf_token": csrf_token(client, REGISTER)})
    assert started.status_code == 302
    page_url = started.headers["Location"]
    job_id = int(page_url.rsplit("/", 1)[1])

    waiting = client.get(page_url).get_data(as_text=True)
    assert '<progress id="job-progress" max="100" value="0"' in waiting
    assert "0 %" in waiting and "Venter i kø" in waiting
    # Without JavaScript: the page reloads itself, and says how to do it by hand.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting
    assert f'<a href="{page_url}">Oppdater</a>' in waiting
    assert "js/jobs.js" in waiting and "<script>" not in waiting

    # The message is sent after the request's commit: the worker finds it in the queue.
    with consumer(JobQueue(app.extensions["trygg.settings"])):
        finished(session, job_id)

    done = client.get(page_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in done
    assert 'value="100"' in done and "Ferdig" in done
    status = client.get(f"{page_url}/status").get_json()
    assert status["finished"] and status["progress"] == 100
    assert status["download_url"] == f"{page_url}/fil" and status["download_url"] in done
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "kvitteringer_2026-2027_v1.pdf" in download.headers["Content-Disposition"]
    job = finished(session, job_id)
    assert job_file(tmp_path / "output", job) == download.data
    (event,) = audit_events(session, "acknowledgement.merged_downloaded")
    assert event.object_id == str(plan.id) and f'"job": {job_id}' in (event.details or "")

    # Someone else, even of the same school's leadership pages, gets a 404 for all of it.
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, demo["admin_school"])
    for url in (page_url, f"{page_url}/status", f"{page_url}/fil"):
        assert client.get(url).status_code == 404, url


def test_a_failed_job_says_why_and_stops_reloading(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    log_in(client, demo["ledelse"])
    started = client.post(
        f"/skolens-plan/{plan.id}/kvitteringer.pdf",
        data={"csrf_token": csrf_token(client, REGISTER)},
    )
    page_url = started.headers["Location"]
    with consumer(JobQueue(app.extensions["trygg.settings"])):
        finished(session, int(page_url.rsplit("/", 1)[1]))
    page = client.get(page_url).get_data(as_text=True)
    assert "Eksporten mislyktes." in page
    assert "Ingen har signert kvitteringen for denne versjonen av planen ennå." in page
    assert 'http-equiv="refresh"' not in page and "/fil" not in page
    assert client.get(f"{page_url}/fil").status_code == 404
