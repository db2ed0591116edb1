"""Jobs survive their worker: a run holds a lease on its row, a job whose lease ran out is
sent to the queue again, a run that lost its lease writes nothing, two runs never both
finish a job, a rerun writes the same file, and the owner's page says when a job is being
run again. Real database, real LibreOffice, the worker's own functions (trygg.jobs.runner)
called as huey calls them."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import publish_direct, sign_direct
from tests.conftest import log_in
from tests.factories.users import user
from tests.job_steps import job_file
from trygg.jobs import ACKNOWLEDGEMENTS_PDF, start_job
from trygg.jobs.outputs import FOLDER
from trygg.jobs.queue import JobQueue
from trygg.jobs.runner import recover, run_job
from trygg.models import Job, SchoolPlan, utcnow
from trygg.models.jobs import DONE, QUEUED, RUNNING
from trygg.pdf import ConverterService

SIGNERS = ("kontaktlaerer", "ansatt", "ledelse", "admin_school")
# Liveness limit only: how long a test waits for a run it started to claim its job.
CLAIM_WITHIN_SECONDS = 120.0


def plan_with_kvitteringer(session: Session, demo: dict[str, str], tmp_path: Path) -> SchoolPlan:
    plan = publish_direct(session, tmp_path)
    for role in SIGNERS:
        sign_direct(session, tmp_path, demo[role], plan)
    return plan


def new_job(session: Session, demo: dict[str, str], subject_id: int, **state: object) -> Job:
    job = start_job(
        session, ACKNOWLEDGEMENTS_PDF, user(session, demo["ledelse"]).id, subject_id, utcnow()
    )
    for name, value in state.items():
        setattr(job, name, value)
    session.commit()
    return job


def fresh(session: Session, job_id: int) -> Job:
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None
    return job


def files_of(app: Flask, job_id: int) -> list[str]:
    folder = app.extensions["trygg.settings"].output_dir / FOLDER / str(job_id)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def wait_for_claim(session: Session, job_id: int) -> Job:
    deadline = dt.datetime.now() + dt.timedelta(seconds=CLAIM_WITHIN_SECONDS)
    while dt.datetime.now() < deadline:
        job = fresh(session, job_id)
        if job.status != QUEUED:
            return job
        threading.Event().wait(0.02)
    raise AssertionError(f"job {job_id} was never claimed")


def run(
    queue: JobQueue,
    job_id: int,
    *,
    lease: dt.timedelta | None = None,
    clock: Callable[[], dt.datetime] = utcnow,
) -> str:
    """One run of the job, as the worker's task runs it."""
    return run_job(
        queue.sessions,
        queue.archive,
        queue.outputs,
        queue.converters,
        job_id,
        lease=lease or queue.lease,
        clock=clock,
    )


@pytest.mark.libreoffice
def test_a_second_worker_leaves_a_job_alone_while_its_lease_is_renewed(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path, converter: ConverterService
) -> None:
    queue = JobQueue(app.extensions["trygg.settings"])
    plan = plan_with_kvitteringer(session, demo, tmp_path)
    job_id = new_job(session, demo, plan.id).id
    # A lease far shorter than the whole export: only its renewal keeps the job this run's.
    lease = dt.timedelta(seconds=1)
    first: list[str] = []
    runner = threading.Thread(target=lambda: first.append(run(queue, job_id, lease=lease)))
    runner.start()
    seen = []
    try:
        wait_for_claim(session, job_id)
        while runner.is_alive():
            seen.append(run(queue, job_id, lease=lease))  # a copy of the message, elsewhere
    finally:
        runner.join()
        queue.close()
    assert first == [DONE]
    assert RUNNING in seen and set(seen) <= {RUNNING, DONE}
    job = fresh(session, job_id)
    assert (job.status, job.attempts, job.progress) == (DONE, 1, 100)
    assert files_of(app, job_id) == [f"{job.result_sha256}.pdf"]


@pytest.mark.libreoffice
def test_a_run_that_lost_its_lease_writes_nothing_and_the_new_run_finishes(
    app: Flask,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue = JobQueue(app.extensions["trygg.settings"])
    plan = plan_with_kvitteringer(session, demo, tmp_path)
    job_id = new_job(session, demo, plan.id).id
    # A worker whose clock stands an hour behind: its lease looks long gone to everyone
    # else, as a worker's does after a pause longer than the lease (a frozen VM).
    behind = dt.timedelta(hours=1)
    paused: list[str] = []
    runner = threading.Thread(
        target=lambda: paused.append(
            run(queue, job_id, clock=lambda: utcnow() - behind, lease=dt.timedelta(seconds=1))
        )
    )
    runner.start()
    try:
        assert wait_for_claim(session, job_id).attempts == 1
        # Another worker takes the job over and runs it to its end.
        assert run(queue, job_id) == DONE
    finally:
        runner.join()
        queue.close()
    job = fresh(session, job_id)
    assert (job.status, job.attempts, job.progress, job.error) == (DONE, 2, 100, None)
    # Finished by the second run (its clock), never overwritten by the first.
    assert job.finished_at is not None and job.finished_at > utcnow() - behind / 2
    # The first run noticed and stopped, at its next step or its end.
    assert len(paused) == 1 and paused[0] in (RUNNING, DONE)
    assert "taken over by another worker" in caplog.text
    assert files_of(app, job_id) == [f"{job.result_sha256}.pdf"]


@pytest.mark.libreoffice
def test_a_rerun_writes_the_same_file_and_leaves_only_it(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path, converter: ConverterService
) -> None:
    queue = JobQueue(app.extensions["trygg.settings"])
    plan = plan_with_kvitteringer(session, demo, tmp_path)
    job_id = new_job(session, demo, plan.id).id
    try:
        assert run(queue, job_id) == DONE
        first = fresh(session, job_id)
        sha256, content = first.result_sha256, job_file(tmp_path / "output", first)
        # What a worker killed in the middle of a later run leaves: the row running with
        # an old stamp, no result named, and a file of its own in the job's folder.
        queue.outputs.put(job_id, b"%PDF-1.7 an earlier run's file", "pdf")
        first.status, first.result_sha256, first.result_name = RUNNING, None, None
        first.updated_at = utcnow() - dt.timedelta(minutes=5)
        session.commit()
        assert run(queue, job_id) == DONE
        # Another job of the same plan makes the same bytes: they depend on archived data.
        other_id = new_job(session, demo, plan.id).id
        assert run(queue, other_id) == DONE
    finally:
        queue.close()
    again = fresh(session, job_id)
    assert (again.attempts, again.result_sha256) == (2, sha256)
    assert job_file(tmp_path / "output", again) == content
    assert files_of(app, job_id) == [f"{sha256}.pdf"]
    assert fresh(session, other_id).result_sha256 == sha256


def test_recovery_sends_dead_and_lost_jobs_again_and_each_once(
    app: Flask, session: Session, demo: dict[str, str]
) -> None:
    lease = app.extensions["trygg.settings"].job_lease
    now = utcnow()
    dead = new_job(session, demo, 1, status=RUNNING, attempts=1, updated_at=now - 2 * lease)
    alive = new_job(session, demo, 1, status=RUNNING, attempts=1, updated_at=now)
    # A queued job waits while others run: only a long wait means its message was lost.
    waiting = new_job(session, demo, 1, updated_at=now - 2 * lease)
    lost = new_job(session, demo, 1, updated_at=now - 11 * lease)
    done = new_job(session, demo, 1, status=DONE, updated_at=now - 11 * lease)

    assert recover(session, now, lease) == [dead.id, lost.id]
    session.commit()
    assert recover(session, now, lease) == []  # sent once: the stamps are fresh again
    assert [fresh(session, j.id).status for j in (dead, alive, waiting, lost, done)] == [
        QUEUED,
        RUNNING,
        QUEUED,
        QUEUED,
        DONE,
    ]
    assert fresh(session, dead.id).attempts == 1  # counted when it runs, not when sent


def page_text(client: FlaskClient, job_id: int) -> tuple[str, str]:
    page = client.get(f"/jobber/{job_id}").get_data(as_text=True)
    status = client.get(f"/jobber/{job_id}/status").get_json()
    return page, status["status_text"]


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (
            {"status": RUNNING, "attempts": 1, "stale": True},
            "Eksporten ble avbrutt. Den startes på nytt av seg selv om litt.",
        ),
        (
            {"status": QUEUED, "attempts": 1, "stale": False},
            "Eksporten ble avbrutt og venter i kø for å startes på nytt …",
        ),
        (
            {"status": RUNNING, "attempts": 2, "stale": False},
            "Eksporten ble avbrutt og lages nå på nytt: 40 % ferdig.",
        ),
        ({"status": RUNNING, "attempts": 1, "stale": False}, "Lages nå: 40 % ferdig."),
        ({"status": QUEUED, "attempts": 0, "stale": False}, "Venter i kø …"),
    ],
    ids=["worker-died", "queued-again", "running-again", "first-run", "waiting"],
)
def test_the_progress_page_says_when_a_job_is_run_again(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    state: dict[str, object],
    text: str,
) -> None:
    lease = app.extensions["trygg.settings"].job_lease
    stamp = utcnow() - (2 * lease if state["stale"] else dt.timedelta(0))
    job = new_job(
        session,
        demo,
        1,
        status=state["status"],
        attempts=state["attempts"],
        progress=40,
        updated_at=stamp,
    )
    log_in(client, demo["ledelse"])
    page, status_text = page_text(client, job.id)
    assert text in page and status_text == text
    # Still running as far as the page knows: it keeps reloading itself.
    assert 'http-equiv="refresh"' in page
