"""The job worker in a real process of its own (`python -m trygg.jobs.worker`), beside the
servers of tests/live_server.py, with the same settings through the environment.

    with live_worker(settings) as worker:
        ...  # jobs queued by the servers are run; worker.log() has what it wrote

It consumes the queue the settings name (REDIS_URL and JOB_QUEUE_NAME, or the SQLite file
in the instance folder): a test that shares a Redis with other tests gives its settings a
queue name of its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import ROOT, STOP_TIMEOUT_SECONDS, environment_for
from trygg.config import Settings

# Long enough for the worker to import the app's modules and reach its queue; a worker
# that has stopped by then stopped at start.
START_SECONDS = 1.0


@dataclass
class LiveWorker:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_worker(
    settings: Settings, *, env: Mapping[str, str] | None = None
) -> Iterator[LiveWorker]:
    # No --name: the worker reads JOB_QUEUE_NAME from the environment, as in production.
    command = [sys.executable, "-m", "trygg.jobs.worker"]
    with tempfile.TemporaryDirectory(prefix="trygg-worker-") as folder:
        log_path = Path(folder) / "worker.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment_for(settings, env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = LiveWorker(process, log_path)
        try:
            time.sleep(START_SECONDS)
            if process.poll() is not None:
                raise RuntimeError(f"the worker stopped at start:\n{worker.log()[-4000:]}")
            yield worker
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # huey's consumer stops at once on SIGTERM
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # The process group this module started (start_new_session): the worker alone.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
