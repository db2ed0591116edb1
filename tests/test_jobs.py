"""Background jobs in a real huey consumer, on the SQLite queue and on Redis: the merged
PDF of all kvitteringer is made with its progress, kept in the archive, and a job that
fails says why in Norwegian; a job whose worker died is found and run again."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import publish_direct, sign_direct
from tests.factories.users import user
from tests.job_steps import consumer, finished, job_file
from trygg.jobs import ACKNOWLEDGEMENTS_PDF, start_job
from trygg.jobs.exports import NO_ACKNOWLEDGEMENTS
from trygg.jobs.queue import JobQueue
from trygg.models import Job, utcnow
from trygg.models.jobs import DONE, FAILED, RUNNING
from trygg.pdf import ConverterService

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue(request: pytest.FixtureRequest, app: Flask) -> Iterator[JobQueue]:
    settings = app.extensions["trygg.settings"]
    if request.param == "sqlite-queue":
        yield JobQueue(settings)
        return
    # A queue name of its own is a key prefix of its own; flushed afterwards.
    made = JobQueue(replace(settings, redis_url=REDIS_URL), "test-" + uuid.uuid4().hex)
    yield made
    made.huey.storage.flush_all()


def rektor_job(session: Session, demo: dict[str, str], plan_id: int) -> int:
    rektor = user(session, demo["ledelse"])
    job = start_job(session, ACKNOWLEDGEMENTS_PDF, rektor.id, plan_id, utcnow())
    session.commit()
    return job.id


@pytest.mark.libreoffice
def test_the_kvitteringer_become_one_pdf_in_the_worker(
    queue: JobQueue,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
) -> None:
    plan = publish_direct(session, tmp_path)
    for role in ("kontaktlaerer", "ansatt"):
        sign_direct(session, tmp_path, demo[role], plan)
    job_id = rektor_job(session, demo, plan.id)
    with consumer(queue):
        queue.enqueue(job_id)
        job = finished(session, job_id)
    assert (job.status, job.progress, job.error) == (DONE, 100, None)
    assert job.attempts == 1 and job.finished_at is not None
    assert job.result_name == "kvitteringer_2026-2027_v1.pdf"
    pdf = PdfReader(io.BytesIO(job_file(tmp_path / "output", job)))
    # One bookmark per kvittering, in the register's order (by name).
    assert [item.title for item in pdf.outline] == ["Mona Ruud", "Per Olsen"]  # type: ignore[union-attr]


def test_a_job_with_nothing_to_export_fails_with_a_norwegian_message(
    queue: JobQueue, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    job_id = rektor_job(session, demo, plan.id)
    with consumer(queue):
        queue.enqueue(job_id)
        job = finished(session, job_id)
    assert (job.status, job.error, job.result_sha256) == (FAILED, NO_ACKNOWLEDGEMENTS, None)


def test_a_job_whose_worker_died_is_run_again(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    queue = JobQueue(app.extensions["trygg.settings"])
    plan = publish_direct(session, tmp_path)
    job_id = rektor_job(session, demo, plan.id)
    # What a worker killed mid-run leaves: the row running, its heartbeat old, the queue
    # message gone.
    job = session.get(Job, job_id)
    assert job is not None
    job.status, job.attempts = RUNNING, 1
    job.updated_at = utcnow() - dt.timedelta(minutes=6)
    session.commit()
    # A live worker's job is left alone.
    fresh = rektor_job(session, demo, plan.id)
    session.get(Job, fresh).status = RUNNING  # type: ignore[union-attr]
    session.commit()
    # The worker's start-up runs the recovery (huey's on_startup hook).
    with consumer(queue):
        job = finished(session, job_id)
    assert job.status == FAILED and job.attempts == 2
    assert job.error == NO_ACKNOWLEDGEMENTS  # it ran again, to its real end
    session.expire_all()
    assert session.get(Job, fresh).status == RUNNING  # type: ignore[union-attr]
