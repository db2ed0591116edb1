"""The jobs table seen from the pages: start a job, show it to its owner, hand over the
result. A job of someone else is NotFound, the same as one that does not exist: ids in
addresses get changed by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.errors import NotFound
from trygg.jobs.exports import ACKNOWLEDGEMENTS_PDF, CASE_PDF, EXPORTS
from trygg.models import Job
from trygg.models.jobs import DONE, FAILED, QUEUED

JOB_NOT_FOUND = "Fant ikke jobben."
NOT_READY = "Filen er ikke ferdig ennå."

# What the audit trail calls the download of each kind's result, and of what.
DOWNLOADS = {
    ACKNOWLEDGEMENTS_PDF: ("acknowledgement.merged_downloaded", "school_plan"),
    CASE_PDF: ("case.bundle_downloaded", "case"),
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

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)


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


def job_view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=max(0, min(100, job.progress)),
        error=job.error,
        filename=job.result_name,
    )


def job_result(
    session: Session, archive: Archive, job: Job, initiator: audit.Initiator, now: dt.datetime
) -> tuple[bytes, str]:
    """The finished file and its name, audited as a download of what it holds."""
    if job.status != DONE or job.result_sha256 is None or job.result_name is None:
        raise NotFound(NOT_READY)
    content = archive.get(job.result_sha256, "pdf")
    action, object_type = DOWNLOADS[job.kind]
    audit.record(session, initiator, action, object_type, job.subject_id, {"job": job.id}, now=now)
    return content, job.result_name
