"""`python -m trygg.jobs.worker`: one huey consumer for Trygg's queue, with the settings
the web app reads (DATABASE_URL, REDIS_URL, TRYGG_CONVERTERS, OUTPUT_DIR, …).

`make run` starts one beside the web server. SIGINT stops it after the running job,
SIGTERM at once; a job stopped halfway, by either or by SIGKILL or a power cut, runs
again once its lease (JOB_LEASE_SECONDS) has run out (trygg.jobs.runner). JOB_WORKERS
(or --workers) runs several jobs at once, each in a thread of its own.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from trygg.config import ConfigError, settings_from_env
from trygg.documents import isolation
from trygg.jobs.queue import JobQueue

ROOT = Path(__file__).resolve().parents[2]
# An idle worker asks the SQLite queue for work less and less often, but never less often
# than this (huey's default is 10 s): its owner is watching the progress page.
MAX_POLL_SECONDS = 1.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Trygg: bakgrunnsjobber (huey).")
    # argparse converts a string default with `type`, so a bad JOB_WORKERS is its error.
    parser.add_argument("--workers", type=int, default=os.environ.get("JOB_WORKERS", "1"))
    parser.add_argument(
        "--name", default=None, help="the queue's name (Redis key prefix); JOB_QUEUE_NAME"
    )
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env(os.environ, ROOT)
    except ConfigError as error:
        print(f"Trygg starter ikke: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    isolation.configure(settings.render_limits)
    # The web nodes enqueue under JOB_QUEUE_NAME: the worker must listen on the same name.
    queue = JobQueue(settings, args.name or settings.job_queue_name)
    consumer = queue.huey.create_consumer(
        workers=args.workers, worker_type="thread", max_delay=MAX_POLL_SECONDS
    )
    consumer.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
