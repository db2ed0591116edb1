"""Shared steps for the background job tests: a real huey consumer (worker threads) on
the app's own queue, the job a page led to, waiting for a job row to finish, and reading
a job's page and file."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from trygg.config import Settings
from trygg.jobs.outputs import FOLDER, FolderOutputs, output_ext
from trygg.jobs.queue import JobQueue
from trygg.models import Job
from trygg.models.jobs import DONE, FAILED

# Converting a few kvitteringer takes seconds; this only bounds a hung test.
FINISH_WITHIN_SECONDS = 180


@contextmanager
def consumer(queue: JobQueue, *, periodic: bool = False) -> Iterator[JobQueue]:
    """huey's consumer with one worker thread, started and stopped around the block."""
    running = queue.huey.create_consumer(
        workers=1, worker_type="thread", periodic=periodic, initial_delay=0.05, max_delay=0.5
    )
    running.start()
    try:
        yield queue
    finally:
        running.stop(graceful=True)
        queue.close()


def finished(session: Session, job_id: int) -> Job:
    deadline = time.monotonic() + FINISH_WITHIN_SECONDS
    while time.monotonic() < deadline:
        session.expire_all()
        job = session.get(Job, job_id)
        assert job is not None
        if job.status in (DONE, FAILED):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def job_file(output_dir: Path, job: Job) -> bytes:
    """The job's file as the job file store holds it (verified against its SHA-256);
    `output_dir` is the settings' OUTPUT_DIR (the app fixture's is tmp_path/output)."""
    assert job.result_sha256 is not None and job.result_name is not None
    outputs = FolderOutputs(output_dir / FOLDER)
    return outputs.get(job.id, job.result_sha256, output_ext(job.result_name))


def queue_of(app: Flask, settings: Settings | None = None) -> JobQueue:
    """The app's job queue (or that of `settings`), as its worker reads it."""
    settings = settings or app.extensions["trygg.settings"]
    return JobQueue(settings, settings.job_queue_name)


def job_page_id(location: str) -> int:
    """The job a redirect led to (/jobber/<id>)."""
    assert re.fullmatch(r"/jobber/\d+", location), location
    return int(location.rsplit("/", 1)[1])


def text(client: FlaskClient, url: str) -> str:
    """A page as its reader sees the words (entities unescaped)."""
    return html.unescape(client.get(url).get_data(as_text=True))
