"""The queue: huey, with its messages in a SQLite file in the instance folder, or in
Redis when REDIS_URL is set (several app servers and workers sharing one queue).

The web app only enqueues (`JobQueue.enqueue`); `python -m trygg.jobs.worker` consumes.
Both build the same JobQueue from the settings, so the task names match. Beside the
exports the worker runs two periodic tasks: the daily run (the same as `flask
send-reminders`, which stays for cron: reminders, forgetting old login attempts, deleting
old jobs' files) and, every minute and at start-up, the recovery of jobs a dead worker
left behind (trygg.jobs.runner).
"""

from __future__ import annotations

import sqlite3
from functools import cached_property
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from trygg.archive import Archive, open_archive
from trygg.calendar.clock import oslo_now
from trygg.cases import reminders
from trygg.config import Settings
from trygg.jobs.cleanup import Cleanup, expire_old_jobs, remove_files
from trygg.jobs.outputs import JobOutputs, open_outputs
from trygg.jobs.runner import MAX_ATTEMPTS, recover, run_job
from trygg.models import utcnow
from trygg.models.security import prune
from trygg.pdf import ConverterPool, shared_pool

QUEUE_FILE = "jobs.sqlite3"
# 05:00 UTC is 06:00 or 07:00 in Oslo: before the school day, like a morning cron job.
REMINDER_HOUR_UTC = "5"
# Seconds before huey runs a failed job again.
RETRY_DELAY = 10
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # The same as the web app's (database.py): readers beside one writer, and a writer
    # waits for the lock instead of failing.
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()


class JobQueue:
    def __init__(self, settings: Settings, name: str | None = None) -> None:
        self.settings = settings
        # One name for the web nodes and the worker: JOB_QUEUE_NAME unless told otherwise.
        name = name or settings.job_queue_name
        self.huey: Huey
        if settings.redis_url:
            self.huey = RedisHuey(name, url=settings.redis_url)
        else:
            settings.instance_dir.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey(name, filename=str(settings.instance_dir / QUEUE_FILE))
        self.lease = settings.job_lease
        # huey's own retries; `recover` picks up what they do not (a killed worker).
        self._run = self.huey.task(
            retries=MAX_ATTEMPTS - 1, retry_delay=RETRY_DELAY, name="trygg.run_job"
        )(self.run)
        self.huey.periodic_task(crontab(minute="*"), name="trygg.recover_jobs")(self.recover)
        self.huey.periodic_task(
            crontab(minute="0", hour=REMINDER_HOUR_UTC), name="trygg.send_reminders"
        )(self.send_reminders)
        self.huey.on_startup(name="trygg.recover_on_startup")(self.recover)

    def enqueue(self, job_id: int) -> None:
        self._run(job_id)

    # --- in the worker -------------------------------------------------------------------

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        engine = create_engine(self.settings.database_url, pool_pre_ping=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return sessionmaker(engine, expire_on_commit=False)

    @cached_property
    def archive(self) -> Archive:
        return open_archive(self.settings)

    @cached_property
    def outputs(self) -> JobOutputs:
        return open_outputs(self.settings)

    @property
    def converters(self) -> ConverterPool | None:
        addresses = self.settings.converters
        return shared_pool(addresses) if addresses else None

    def run(self, job_id: int) -> str:
        return run_job(
            self.sessions,
            self.archive,
            self.outputs,
            self.converters,
            job_id,
            settings=self.settings,
            lease=self.lease,
        )

    def recover(self) -> list[int]:
        with self.sessions() as session:
            ids = recover(session, utcnow(), self.lease)
            session.commit()
        for job_id in ids:
            self.enqueue(job_id)
        return ids

    def send_reminders(self) -> reminders.ReminderRun:
        settings = self.settings
        with self.sessions() as session:
            result = reminders.run(
                session,
                reminders.mailer_for(settings),
                settings.base_url,
                oslo_now().date(),
                utcnow(),
            )
            session.commit()
        with self.sessions.kw["bind"].begin() as connection:
            prune(connection, settings.login_policy, utcnow())
        self.clean_up()
        return result

    def clean_up(self) -> Cleanup:
        """Old jobs' files deleted, old rows forgotten (trygg.jobs.cleanup)."""
        with self.sessions() as session:
            cleanup = expire_old_jobs(session, utcnow(), self.settings.job_results_kept)
            session.commit()
            remove_files(session, self.outputs)
        return cleanup

    def close(self) -> None:
        if "sessions" in self.__dict__:
            self.sessions.kw["bind"].dispose()
