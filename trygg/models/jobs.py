"""Background jobs: an export that grows with the school, made by the huey worker
(trygg.jobs) while its owner watches the progress page.

The row is the job's truth, not the queue: a queue message lost with a dead worker is
found again from the row (trygg.jobs.runner.recover), and the result is a file in the
content-addressed archive, named here by its SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trygg.models.base import Base, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
# Done long ago: the file is deleted (trygg.jobs.cleanup); the row says so to its owner.
EXPIRED = "expired"
JOB_STATUSES = (QUEUED, RUNNING, DONE, FAILED, EXPIRED)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it makes: a key of trygg.jobs.exports.EXPORTS.
    kind: Mapped[str] = mapped_column(String(40))
    # Only the owner sees the progress and downloads the result.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The plan or case the export is of; its meaning follows from `kind`.
    subject_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    # Percent, 0-100.
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # Runs begun; a worker that died mid-run leaves the job to be run again, up to a limit.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    result_name: Mapped[str | None] = mapped_column(String(200))
    # Norwegian, shown to the owner as it is; never case content.
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The worker's heartbeat: touched at every step, so a stale running job is a dead one.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
