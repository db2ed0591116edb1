"""Running one job in the worker, and finding the jobs a dead worker left behind.

huey deletes a message when a worker takes it, so a worker killed mid-run (or its
machine) takes the message with it: the job row, not the queue, is the truth. A run holds
a lease on its row: the claim (a conditional UPDATE) sets `status` running, counts the
attempt and stamps `updated_at`; a thread renews the stamp every third of the lease while
the job runs, and each step of progress renews it too. A running job whose stamp is older
than the lease has lost its worker: `recover` (at the worker's start and every minute)
sends it to the queue again, and the claim also takes it directly.

The attempt number is the run's fencing token: every later write of the run (progress,
done, failed) is conditional on it, so a run that lost its lease (a worker paused for
longer than the lease while another took over) can neither overwrite the new run's
progress nor finish the job a second time: two workers never both run a job to its end.

A refusal of the domain (nothing to export, no PDF service, no access any more) fails the
job at once with its Norwegian message; anything else is retried (huey's retries, then
`recover`), up to MAX_ATTEMPTS runs in all. The file goes to the job's own folder in the
job file store under its SHA-256 (trygg.jobs.outputs): every document the export reads
was archived once, and the merge is byte-for-byte repeatable, so a rerun writes the same
file at the same address.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from types import TracebackType

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from trygg.archive import Archive
from trygg.config import Settings
from trygg.errors import DomainError, NotFound
from trygg.jobs.context import NOT_FOUND, ExportContext
from trygg.jobs.exports import export_of
from trygg.jobs.outputs import JobOutputs, file_name, output_ext
from trygg.models import Job, User, utcnow
from trygg.models.jobs import DONE, FAILED, QUEUED, RUNNING
from trygg.pdf import ConverterPool

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The default lease (Settings.job_lease): a few times longer than a renewal takes on a
# busy database, far shorter than anyone waits for an export.
LEASE = dt.timedelta(seconds=60)
# A queued job's message can be lost too (the worker died between taking it and the
# claim), but a queued job also waits while the jobs before it run: it is sent again
# only after this many leases, so a long queue is not flooded with copies.
QUEUED_LEASES = 10

FAILED_UNEXPECTEDLY = (
    "Eksporten stoppet på grunn av en feil på serveren. Prøv igjen om litt, og kontakt "
    "IT-ansvarlig hvis det skjer igjen."
)


class JobMissing(RuntimeError):
    """The row is not there (yet): huey tries again."""


class LeaseLost(RuntimeError):
    """Another worker took the job over (this run's lease ran out): stop, write nothing."""


def _this_run(job_id: int, attempt: int) -> ColumnElement[bool]:
    return and_(Job.id == job_id, Job.status == RUNNING, Job.attempts == attempt)


def _claim(session: Session, job_id: int, now: dt.datetime, lease: dt.timedelta) -> int | None:
    """The attempt number when this worker now holds the job; None when it is done,
    failed, queued elsewhere or running under a live lease."""
    attempt = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(Job.status == QUEUED, and_(Job.status == RUNNING, Job.updated_at < now - lease)),
        )
        .values(status=RUNNING, attempts=Job.attempts + 1, started_at=now, updated_at=now)
        .returning(Job.attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    session.commit()
    return attempt


def _write(session: Session, job_id: int, attempt: int, **values: object) -> bool:
    """A write of this run, if the job is still this run's; committed."""
    written = session.execute(
        update(Job)
        .where(_this_run(job_id, attempt))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(written.rowcount or 0) == 1  # type: ignore[attr-defined]


class Lease:
    """Renews the run's lease from a thread of its own (with its own session) while the
    job runs, so a long step (one big conversion) never looks like a dead worker."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        job_id: int,
        attempt: int,
        lease: dt.timedelta,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.sessions = sessions
        self.job_id = job_id
        self.attempt = attempt
        self.every = max(lease.total_seconds() / 3, 0.05)
        self.clock = clock
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"job-{job_id}-lease", daemon=True)

    def _renew(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.sessions() as session:
                    held = _write(session, self.job_id, self.attempt, updated_at=self.clock())
            except Exception as error:
                # A database hiccup: the next renewal tries again (the lease is 3 of them).
                logger.warning("job %s: lease not renewed: %s", self.job_id, type(error).__name__)
                continue
            if not held:
                self.lost.set()
                return

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(self.job_id)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def _status(session: Session, job_id: int) -> str:
    session.expire_all()
    job = session.get(Job, job_id)
    return job.status if job is not None else FAILED


def run_job(
    sessions: sessionmaker[Session],
    archive: Archive,
    outputs: JobOutputs,
    converters: ConverterPool | None,
    job_id: int,
    *,
    settings: Settings | None = None,
    lease: dt.timedelta = LEASE,
    clock: Callable[[], dt.datetime] = utcnow,
) -> str:
    """Run the job once if it is free to run; returns its status afterwards."""
    with sessions() as session:
        if session.get(Job, job_id) is None:
            raise JobMissing(job_id)
        attempt = _claim(session, job_id, clock(), lease)
        if attempt is None:
            # Done, failed, or running in another worker that is alive.
            return _status(session, job_id)
        job = session.get(Job, job_id)
        assert job is not None
        session.refresh(job)
        if attempt > MAX_ATTEMPTS:
            _write(session, job_id, attempt, **_failed(FAILED_UNEXPECTEDLY, clock()))
            return _status(session, job_id)
        with Lease(sessions, job_id, attempt, lease, clock) as held:

            def progress(done: int, total: int) -> None:
                held.check()
                percent = min(99, done * 100 // max(total, 1))
                if not _write(session, job_id, attempt, progress=percent, updated_at=clock()):
                    raise LeaseLost(job_id)

            try:
                owner = session.get(User, job.owner_id)
                if owner is None or not owner.active:
                    raise NotFound(NOT_FOUND)
                context = ExportContext(
                    session,
                    archive,
                    converters,
                    owner,
                    clock(),
                    progress,
                    settings=settings,
                    job_id=job_id,
                )
                file = export_of(job)(context, job.subject_id)
                held.check()
                stored = None
                if file is not None:
                    ext = output_ext(file.filename)
                    stored = (outputs.put(job_id, file.content, ext), ext, file.filename)
            except LeaseLost:
                session.rollback()
                logger.warning("job %s attempt %s: taken over by another worker", job_id, attempt)
                return _status(session, job_id)
            except DomainError as error:
                session.rollback()
                _write(session, job_id, attempt, **_failed(str(error), clock()))
                return _status(session, job_id)
            except Exception as error:
                session.rollback()
                # The kind of error only: its text may quote what the export was reading.
                logger.error("job %s attempt %s failed: %s", job_id, attempt, type(error).__name__)
                if attempt >= MAX_ATTEMPTS:
                    _write(session, job_id, attempt, **_failed(FAILED_UNEXPECTEDLY, clock()))
                    return _status(session, job_id)
                _write(session, job_id, attempt, status=QUEUED, updated_at=clock())
                raise
            # Still within the lease: this commit also ends the export's own transaction
            # (its last audit events), whose lock on SQLite the renewal would wait for.
            finished = _write(session, job_id, attempt, **_done(stored, clock()))
        if finished and stored is not None:
            # An interrupted earlier run may have left a file of its own (the same bytes
            # unless the case changed in between): only the one the row names stays.
            outputs.remove(job_id, keep=file_name(stored[0], stored[1]))
        return _status(session, job_id)


def _done(stored: tuple[str, str, str] | None, now: dt.datetime) -> dict[str, object]:
    done: dict[str, object] = {"status": DONE, "progress": 100, "finished_at": now}
    done["updated_at"] = now
    if stored is not None:
        done.update(result_sha256=stored[0], result_name=stored[2])
    return done


def _failed(message: str, now: dt.datetime) -> dict[str, object]:
    return {"status": FAILED, "error": message, "finished_at": now, "updated_at": now}


def recover(session: Session, now: dt.datetime, lease: dt.timedelta = LEASE) -> list[int]:
    """The ids of jobs to send to the queue again: running ones whose lease ran out (their
    worker died) and queued ones whose message was lost. Each is put back to queued with
    a fresh stamp by a conditional UPDATE, so two workers recovering at once send each
    job once; running one twice would be safe anyway (`_claim`)."""
    dead = and_(Job.status == RUNNING, Job.updated_at < now - lease)
    lost = and_(Job.status == QUEUED, Job.updated_at < now - lease * QUEUED_LEASES)
    candidates = session.execute(select(Job.id).where(or_(dead, lost)).order_by(Job.id))
    recovered = []
    for job_id in list(candidates.scalars()):
        sent = session.execute(
            update(Job)
            .where(Job.id == job_id, or_(dead, lost))
            .values(status=QUEUED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(sent.rowcount or 0) == 1:  # type: ignore[attr-defined]
            recovered.append(job_id)
    return recovered
