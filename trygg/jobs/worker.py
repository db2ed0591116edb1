"""`python -m trygg.jobs.worker`: one huey consumer for Trygg's queue, with the settings
the web app reads (DATABASE_URL, REDIS_URL, TRYGG_CONVERTERS, OUTPUT_DIR, …).

`make run` starts one beside the web server. SIGINT stops it after the running job,
SIGTERM at once; a job stopped halfway is run again (trygg.jobs.runner.recover).
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Trygg: bakgrunnsjobber (huey).")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--name", default="trygg", help="the queue's name (Redis key prefix)")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env(os.environ, ROOT)
    except ConfigError as error:
        print(f"Trygg starter ikke: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    isolation.configure(settings.render_limits)
    queue = JobQueue(settings, args.name)
    consumer = queue.huey.create_consumer(workers=args.workers, worker_type="thread")
    consumer.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
