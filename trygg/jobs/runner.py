"""Running one job in the worker, and finding the jobs a dead worker left behind.

A job is claimed with a conditional UPDATE, so two workers given the same id (a message
sent again by `recover`) never both run it. Progress is committed step by step: it is
the heartbeat by which a dead worker's job is found. A refusal of the domain (nothing to
export, no PDF service, no access any more) fails the job at once with its Norwegian
message; anything else is retried (huey's retries, then `recover`), up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from trygg.archive import Archive
from trygg.errors import DomainError, NotFound
from trygg.jobs.exports import NOT_FOUND, ExportContext, export_of
from trygg.models import Job, User, utcnow
from trygg.models.jobs import DONE, FAILED, QUEUED, RUNNING
from trygg.pdf import ConverterPool

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A running job whose heartbeat is older than this lost its worker; a queued one this
# old lost its queue message. One step (a PDF conversion) takes seconds, not minutes.
STALE_AFTER = dt.timedelta(minutes=5)

FAILED_UNEXPECTEDLY = (
    "Eksporten stoppet på grunn av en feil på serveren. Prøv igjen om litt, og kontakt "
    "IT-ansvarlig hvis det skjer igjen."
)


class JobMissing(RuntimeError):
    """The row is not there (yet): huey tries again."""


def _claim(session: Session, job_id: int, now: dt.datetime, stale_after: dt.timedelta) -> bool:
    stale = now - stale_after
    claimed = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(Job.status == QUEUED, (Job.status == RUNNING) & (Job.updated_at < stale)),
        )
        .values(status=RUNNING, attempts=Job.attempts + 1, started_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(claimed.rowcount or 0) == 1  # type: ignore[attr-defined]


def _fail(session: Session, job: Job, message: str, now: dt.datetime) -> str:
    job.status = FAILED
    job.error = message
    job.finished_at = job.updated_at = now
    session.commit()
    return FAILED


def run_job(
    sessions: sessionmaker[Session],
    archive: Archive,
    converters: ConverterPool | None,
    job_id: int,
    clock: Callable[[], dt.datetime] = utcnow,
    stale_after: dt.timedelta = STALE_AFTER,
) -> str:
    """Run the job once if it is free to run; returns its status afterwards."""
    with sessions() as session:
        if session.get(Job, job_id) is None:
            raise JobMissing(job_id)
        if not _claim(session, job_id, clock(), stale_after):
            # Done, failed, or running in another worker that is alive.
            return session.get(Job, job_id).status  # type: ignore[union-attr]
        job = session.get(Job, job_id)
        assert job is not None
        session.refresh(job)
        if job.attempts > MAX_ATTEMPTS:
            return _fail(session, job, FAILED_UNEXPECTEDLY, clock())

        def progress(done: int, total: int) -> None:
            job.progress = min(99, done * 100 // max(total, 1))
            job.updated_at = clock()
            session.commit()

        try:
            owner = session.get(User, job.owner_id)
            if owner is None or not owner.active:
                raise NotFound(NOT_FOUND)
            context = ExportContext(session, archive, converters, owner, clock(), progress)
            file = export_of(job)(context, job.subject_id)
            sha256 = archive.put(file.content, "pdf")
        except DomainError as error:
            session.rollback()
            return _fail(session, job, str(error), clock())
        except Exception as error:
            session.rollback()
            # The kind of error only: its text may quote what the export was reading.
            logger.error("job %s attempt %s failed: %s", job.id, job.attempts, type(error).__name__)
            if job.attempts >= MAX_ATTEMPTS:
                return _fail(session, job, FAILED_UNEXPECTEDLY, clock())
            job.status = QUEUED
            job.updated_at = clock()
            session.commit()
            raise
        job.status = DONE
        job.progress = 100
        job.result_sha256 = sha256
        job.result_name = file.filename
        job.finished_at = job.updated_at = clock()
        session.commit()
        return DONE


def recover(
    session: Session, now: dt.datetime, stale_after: dt.timedelta = STALE_AFTER
) -> list[int]:
    """The ids of jobs to send to the queue again: running ones whose worker died (no
    heartbeat) and queued ones whose message was lost. Their clocks are reset, so one
    recovery sends each once; running them again is safe (`_claim`)."""
    stale = now - stale_after
    ids = list(
        session.execute(
            select(Job.id).where(Job.status.in_((QUEUED, RUNNING)), Job.updated_at < stale)
        ).scalars()
    )
    if ids:
        session.execute(
            update(Job)
            .where(Job.id.in_(ids))
            .values(status=QUEUED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return ids
