"""The jobs table seen from the pages: start a job, show it to its owner, hand over the
result. A job of someone else is NotFound, the same as one that does not exist: ids in
addresses get changed by hand. The page says when a job is being run again after its
worker died (trygg.jobs.runner), and when its file has been deleted (trygg.jobs.cleanup)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.errors import NotFound, Refused
from trygg.jobs.cleanup import RESULT_DELETED
from trygg.jobs.exports import ACKNOWLEDGEMENTS_PDF, CASE_PDF, EXPORTS, KEYS_CSV
from trygg.jobs.outputs import JobOutputs, output_ext
from trygg.models import Job
from trygg.models.jobs import DONE, EXPIRED, FAILED, QUEUED, RUNNING

JOB_NOT_FOUND = "Fant ikke jobben."
NOT_READY = "Filen er ikke ferdig ennå."

# What the audit trail calls the download of each kind's result, and of what.
DOWNLOADS = {
    ACKNOWLEDGEMENTS_PDF: ("acknowledgement.merged_downloaded", "school_plan"),
    CASE_PDF: ("case.bundle_downloaded", "case"),
    # The keys of all the school owner's cases; each case's own export event names the job.
    KEYS_CSV: ("case.keys_downloaded", "municipality"),
}


@dataclass(frozen=True)
class JobView:
    """What the progress page and its script show."""

    id: int
    kind: str
    status: str
    progress: int
    error: str | None
    filename: str | None
    # Runs begun: more than one (or a queued job that has begun one) is a job run again.
    attempts: int = 0
    # Running, but its worker's lease ran out: it died, and the job will run again.
    interrupted: bool = False

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED, EXPIRED)

    @property
    def retrying(self) -> bool:
        """Being run again after an interrupted or failed run, or about to be."""
        if self.status == QUEUED:
            return self.attempts >= 1
        return self.status == RUNNING and (self.attempts >= 2 or self.interrupted)

    @property
    def expired(self) -> bool:
        return self.status == EXPIRED


def start_job(session: Session, kind: str, owner_id: int, subject_id: int, now: dt.datetime) -> Job:
    """A queued job row; the caller enqueues its id once the row is committed (the worker
    reads the row, so it must be there first)."""
    if kind not in EXPORTS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        owner_id=owner_id,
        subject_id=subject_id,
        status=QUEUED,
        progress=0,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def own_job(session: Session, job_id: int, owner_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.owner_id != owner_id:
        raise NotFound(JOB_NOT_FOUND)
    return job


def job_view(
    job: Job, now: dt.datetime | None = None, lease: dt.timedelta | None = None
) -> JobView:
    """What the page shows; with `now` and the lease it also tells a running job whose
    worker has died."""
    interrupted = (
        job.status == RUNNING
        and now is not None
        and lease is not None
        and job.updated_at < now.replace(tzinfo=None) - lease
    )
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=max(0, min(100, job.progress)),
        error=job.error,
        filename=job.result_name,
        attempts=job.attempts,
        interrupted=interrupted,
    )


def job_result(
    session: Session,
    outputs: JobOutputs,
    job: Job,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> tuple[bytes, str]:
    """The finished file and its name, audited as a download of what it holds."""
    if job.status == EXPIRED:
        raise Refused(RESULT_DELETED)
    if job.status != DONE or job.result_sha256 is None or job.result_name is None:
        raise NotFound(NOT_READY)
    content = outputs.get(job.id, job.result_sha256, output_ext(job.result_name))
    action, object_type = DOWNLOADS[job.kind]
    audit.record(session, initiator, action, object_type, job.subject_id, {"job": job.id}, now=now)
    return content, job.result_name
