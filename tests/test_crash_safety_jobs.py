"""A crash in the middle of PDF conversions and background jobs loses no job and leaves
nothing half-written. The web server (gunicorn, master and workers) and the job worker
(`python -m trygg.jobs.worker`, two jobs at once) are killed with SIGKILL together while
reporters file meldeskjemaer, the rektor has their PDFs made, and two jobs convert:
all the kvitteringer of a plan as one PDF and a whole closed case as one PDF.

Afterwards every archived row has its file under the right SHA-256, the archive and the
job files hold no partial or temporary file, and once both are started again each job's
page says it was interrupted, each job runs again to its end, its file downloads, and
`flask audit-verify` finds the chain whole. Real processes, real LibreOffice (one warm
converter that outlives the crash, as the PDF service does beside a server)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import REGISTER, publish_direct, sign_direct
from tests.conftest import DEMO_PASSWORD
from tests.factories.cases import BY, case_at
from tests.factories.users import HANDLER, RECTOR, REPORTER, school
from tests.job_steps import finished, job_file
from tests.live_server import Client, live_server
from tests.live_worker import live_worker
from tests.report_pages import report_form
from trygg.accounts.roles import ANSATT
from trygg.accounts.users import NewUser, create_user
from trygg.archive import FolderArchive
from trygg.cases.sending import final_documents
from trygg.jobs.outputs import FOLDER, file_name, output_ext
from trygg.models import (
    Acknowledgement,
    ArchivedFile,
    CaseAttachment,
    CaseDocument,
    Job,
    SchoolPlan,
    utcnow,
)
from trygg.models.jobs import DONE, FAILED, RUNNING
from trygg.pdf import ConverterService

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

# Two file reports; the rektor has the PDFs made (and files no report of her own).
REPORTERS = (REPORTER, HANDLER, RECTOR)
# Short, so the test need not wait a minute for the dead worker's lease to run out.
LEASE_SECONDS = 3
WORKER_ENV = {"JOB_LEASE_SECONDS": str(LEASE_SECONDS), "JOB_WORKERS": "2"}
# Kvitteringer beyond the demo school's four, so the export runs long enough to be hit.
EXTRA_STAFF = 8
# Liveness limits only: how long the test waits for a state before it calls the run dead.
STATE_WITHIN_SECONDS = 240.0
INTERRUPTED = "Eksporten ble avbrutt. Den startes på nytt av seg selv om litt."


def wait_for(what: str, check: Callable[[], bool], details: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + STATE_WITHIN_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached: {what}\n{details()}")
        time.sleep(0.05)


def more_staff(app: Flask, session: Session) -> list[str]:
    nordpolen = school(session)
    emails = [f"ansatt{number}@demo.trygg.no" for number in range(1, EXTRA_STAFF + 1)]
    for number, email in enumerate(emails, start=1):
        new = NewUser(
            email, f"Ansatt Nummer{number}", ANSATT, nordpolen.municipality_id, nordpolen.id
        )
        create_user(session, app.extensions["trygg.passwords"], new, BY)
    session.commit()
    return emails


def archived_addresses(session: Session) -> list[tuple[str, str]]:
    """Every (sha256, ext) a row promises is in the archive."""
    session.expire_all()
    rows: list[tuple[str, str]] = []
    rows += [(f.sha256, f.format) for f in session.execute(select(ArchivedFile)).scalars()]
    rows += [(p.sha256, p.format) for p in session.execute(select(SchoolPlan)).scalars()]
    rows += [(a.sha256, a.format) for a in session.execute(select(CaseAttachment)).scalars()]
    for ack in session.execute(select(Acknowledgement)).scalars():
        rows.append((ack.docx_sha256, "docx"))
        if ack.pdf_sha256 is not None:
            rows.append((ack.pdf_sha256, "pdf"))
    return rows


def assert_nothing_half_written(session: Session, output_dir: Path) -> int:
    """Every row's file is there and intact; every file in the archive is a complete one
    under its own hash; each job folder holds its job's file and nothing else; no
    temporary file anywhere."""
    archive = FolderArchive(output_dir / "archive")
    rows = archived_addresses(session)
    for sha256, ext in rows:
        assert archive.get(sha256, ext)  # ArchiveDamaged if missing or altered
    for path in (output_dir / "archive").rglob("*"):
        if path.is_file():
            sha256, _, ext = path.name.partition(".")
            assert path.parent.name == sha256[:2] and ext in ("docx", "pdf"), path
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, path
    jobs = {job.id: job for job in session.execute(select(Job)).scalars()}
    for folder in (output_dir / FOLDER).glob("*"):
        job = jobs[int(folder.name)]
        names = sorted(path.name for path in folder.iterdir())
        if job.status == DONE:
            assert job.result_sha256 is not None and job.result_name is not None
            assert names == [file_name(job.result_sha256, output_ext(job.result_name))]
        else:
            # A run killed after storing its file: complete, named by its hash.
            for path in folder.iterdir():
                assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0]
    for folder in ("archive", FOLDER):
        leftovers = list((output_dir / folder).rglob(".*"))
        assert not leftovers, f"temporary files left: {leftovers}"
    return len(rows)


def job_states(session: Session, job_ids: list[int]) -> list[tuple[object, ...]]:
    session.expire_all()
    jobs = [session.get(Job, job_id) for job_id in job_ids]
    return [(j.status, j.progress, j.attempts, j.error) for j in jobs if j is not None]


def start_job(client: Client, action: str, token: str) -> int:
    reply = client.post(action, {"csrf_token": token})
    assert reply.status == 302 and reply.location, reply.text[:2000]
    return int(reply.location.rsplit("/", 1)[1])


def keep_busy(
    engine: Engine, tokens: dict[str, tuple[Client, str]]
) -> tuple[list[threading.Thread], threading.Event, list[int]]:
    """Reporters file meldeskjemaer (each archives a Word file) and the rektor has the PDF
    of each new one made (a conversion, archived): until `stop` or the server is gone."""
    stop = threading.Event()
    answers: list[int] = []

    def report(email: str, index: int) -> None:
        client, token = tokens[email]
        number = index * 1000
        while not stop.is_set():
            number += 1
            try:
                answers.append(client.post("/meldinger/ny", report_form(number, token)).status)
            except OSError:
                return  # the server is gone: the connection broke mid-request

    def convert() -> None:
        client, _ = tokens[RECTOR]
        done: set[int] = set()
        with Session(engine) as reader:
            while not stop.is_set():
                reader.expire_all()
                waiting = reader.execute(
                    select(CaseDocument.case_id, CaseDocument.id)
                    .join(ArchivedFile, ArchivedFile.document_id == CaseDocument.id)
                    .where(ArchivedFile.format == "docx", CaseDocument.kind == "meldeskjema")
                ).all()
                for case_id, document_id in waiting:
                    if document_id in done or stop.is_set():
                        continue
                    try:
                        reply = client.get(f"/saker/{case_id}/dokumenter/{document_id}/pdf")
                    except OSError:
                        return
                    answers.append(reply.status)
                    done.add(document_id)
                time.sleep(0.05)

    threads = [
        threading.Thread(target=report, args=(email, index))
        for index, email in enumerate(e for e in REPORTERS if e != RECTOR)
    ]
    threads.append(threading.Thread(target=convert))
    for thread in threads:
        thread.start()
    return threads, stop, answers


def test_killing_server_and_worker_mid_conversion_loses_no_job_and_leaves_nothing(
    app: Flask,
    session: Session,
    engine: Engine,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
) -> None:
    settings = app.extensions["trygg.settings"]
    output_dir = settings.output_dir
    plan = publish_direct(session, tmp_path)
    signers = [demo["kontaktlaerer"], demo["ansatt"], RECTOR, *more_staff(app, session)]
    for email in signers:
        sign_direct(session, tmp_path, email, plan)
    # Sara's case, closed: the meldeskjema, investigation, plan, evaluation and closing.
    case = case_at(session, tmp_path, "closed")
    documents = len(final_documents(session, case))

    with (
        live_server(settings, workers=2, threads=2, env=WORKER_ENV) as server,
        live_worker(settings, env=WORKER_ENV) as worker,
    ):
        tokens = {}
        for email in REPORTERS:
            client = server.client()
            client.log_in(email, DEMO_PASSWORD)
            tokens[email] = (client, client.csrf_token("/meldinger/ny"))
        rektor = tokens[RECTOR][0]
        threads, stop, answers = keep_busy(engine, tokens)
        job_ids: list[int] = []

        def mid_run() -> bool:
            session.expire_all()
            jobs = [session.get(Job, job_id) for job_id in job_ids]
            return all(job is not None and job.status == RUNNING for job in jobs) and any(
                job is not None and job.progress > 0 for job in jobs
            )

        try:
            # The server converts first (one LibreOffice serves all): then the jobs
            # start beside it, and the crash comes once both have begun converting.
            wait_for("a PDF made by the server", lambda: 200 in answers)
            # Started back to back (the session's one CSRF token), so the worker's two
            # threads run them side by side.
            token = rektor.csrf_token(REGISTER)
            job_ids += [
                start_job(rektor, f"/saker/{case.id}/samlet-pdf", token),
                start_job(rektor, f"/skolens-plan/{plan.id}/kvitteringer.pdf", token),
            ]
            wait_for(
                "both jobs running",
                mid_run,
                lambda: f"{job_states(session, job_ids)}\n{worker.log()[-4000:]}",
            )
            # Both at once, in the middle of whatever they are doing.
            os.killpg(server.process.pid, signal.SIGKILL)
            os.killpg(worker.process.pid, signal.SIGKILL)
            server.process.wait(timeout=15)
            worker.process.wait(timeout=15)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=70)
        log = server.log() + worker.log()

    assert set(answers) <= {200, 302}, (sorted(set(answers)), log[-3000:])
    session.expire_all()
    for job_id in job_ids:
        job = session.get(Job, job_id)
        assert job is not None and (job.status, job.attempts) == (RUNNING, 1), log[-3000:]
    archived = assert_nothing_half_written(session, output_dir)
    assert archived >= answers.count(302)  # every receipt shown was archived

    # Started again: each owner's page says the job was interrupted, until the worker runs
    # it again, to its end.
    with live_server(settings, workers=1, threads=2, env=WORKER_ENV) as server:
        rektor = server.client()
        rektor.log_in(RECTOR, DEMO_PASSWORD)

        def leases_over() -> bool:
            session.expire_all()
            stale = utcnow().timestamp() - LEASE_SECONDS - 1
            jobs = [session.get(Job, job_id) for job_id in job_ids]
            return all(job is not None and job.updated_at.timestamp() < stale for job in jobs)

        wait_for("the dead worker's leases ran out", leases_over)
        for job_id in job_ids:
            status = json.loads(rektor.get(f"/jobber/{job_id}/status").text)
            assert status["status_text"] == INTERRUPTED and not status["finished"], status
        with live_worker(settings, env=WORKER_ENV) as worker:
            texts: set[str] = set()

            def all_done() -> bool:
                states = [json.loads(rektor.get(f"/jobber/{j}/status").text) for j in job_ids]
                texts.update(state["status_text"] for state in states)
                assert worker.process.poll() is None, worker.log()[-3000:]
                assert FAILED not in [s["status"] for s in states], worker.log()[-3000:]
                return all(state["status"] == DONE for state in states)

            wait_for(
                "both jobs done",
                all_done,
                lambda: f"{job_states(session, job_ids)}\n{worker.log()[-4000:]}",
            )
        # Until done, the page said the job was being run again, never a first run.
        assert all("avbrutt" in text or "Ferdig" in text for text in texts), texts

        for job_id, bookmarks in zip(job_ids, (documents, len(signers)), strict=True):
            job = finished(session, job_id)
            assert (job.status, job.attempts, job.error) == (DONE, 2, None), worker.log()[-3000:]
            download = rektor.get(f"/jobber/{job_id}/fil")
            assert download.status == 200 and download.content == job_file(output_dir, job)
            pdf = PdfReader(io.BytesIO(download.content))
            assert len(pdf.outline) == bookmarks  # one per kvittering / per document
    assert_nothing_half_written(session, output_dir)
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
