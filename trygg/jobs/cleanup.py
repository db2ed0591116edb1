"""Old jobs go. A job's file is a copy of archived data (every document in it stays in the
archive), so it is kept for a short while only (JOB_RESULT_DAYS, Settings.job_results_kept):

- a finished job's file is deleted once it is that old; its row stays, without the file's
  hash and name, so its owner's page says "Filen er slettet, start eksporten på nytt";
- a failed job's row (nothing to download) is deleted at the same age;
- the remaining row of an expired job is deleted FORGET_AFTER later (an old link then
  finds no job).

The rows change in the caller's transaction, with one audit event; the files go after
the commit (`remove_files`), so a crash in between leaves files no row names, which the
next run deletes: any folder of the job file store whose job is not queued, running or
done. `flask send-reminders` (cron) and the worker's daily run both do it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.jobs.outputs import JobOutputs
from trygg.models import Job
from trygg.models.jobs import DONE, EXPIRED, FAILED, QUEUED, RUNNING

# Long enough that a bookmark or an old e-mail's link still explains itself.
FORGET_AFTER = dt.timedelta(days=90)
RESULT_DELETED = "Filen er slettet, start eksporten på nytt."
# No person does it: the audit trail names the cleanup.
CLEANER = audit.Initiator(user_id=None, email="job-cleanup")


@dataclass(frozen=True)
class Cleanup:
    # Jobs whose file was deleted (their rows stay, expired).
    expired: list[int]
    # Jobs whose rows were deleted (failed ones, and expired ones long ago).
    deleted: list[int]


def expire_old_jobs(session: Session, now: dt.datetime, kept: dt.timedelta) -> Cleanup:
    """Mark the old jobs' files deleted and delete old rows; adds and flushes. The files
    themselves go after the commit, with `remove_files`."""
    cutoff = now - kept
    old_done = and_(Job.status == DONE, Job.finished_at < cutoff)
    expired = list(session.execute(select(Job.id).where(old_done).order_by(Job.id)).scalars())
    if expired:
        session.execute(
            update(Job)
            .where(Job.id.in_(expired), old_done)
            .values(status=EXPIRED, result_sha256=None, result_name=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    gone = or_(
        and_(Job.status == FAILED, Job.finished_at < cutoff),
        and_(Job.status == EXPIRED, Job.updated_at < now - FORGET_AFTER),
    )
    deleted = list(session.execute(select(Job.id).where(gone).order_by(Job.id)).scalars())
    if deleted:
        session.execute(
            delete(Job)
            .where(Job.id.in_(deleted), gone)
            .execution_options(synchronize_session=False)
        )
    if expired or deleted:
        audit.record(
            session,
            CLEANER,
            "jobs.cleaned_up",
            "job",
            details={"files_deleted": expired, "rows_deleted": deleted},
            now=now,
        )
    session.flush()
    return Cleanup(expired, deleted)


def remove_files(session: Session, outputs: JobOutputs) -> int:
    """Delete the files of every job that is not queued, running or done (expired,
    failed, or no longer there); the number of files deleted. Run after the commit."""
    stored = outputs.job_ids()
    if not stored:
        return 0
    live = set(
        session.execute(
            select(Job.id).where(Job.id.in_(stored), Job.status.in_((QUEUED, RUNNING, DONE)))
        ).scalars()
    )
    return sum(outputs.remove(job_id) for job_id in sorted(stored - live))
