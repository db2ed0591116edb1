"""Where the CPU went during a load run (bench/load.py): the app server (gunicorn and its
workers), its PostgreSQL backends, locust itself, and everything else on the machine.

On a machine shared with other work the times of a load run say little on their own; CPU
seconds per request do not depend on who else was running, and the share the rest of the
machine took says how far the times are from those of a machine of our own.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def application_url(url: str, name: str) -> str:
    """The database URL with an application_name, so the run's backends can be found."""
    return make_url(url).update_query_dict({"application_name": name}).render_as_string(False)


def _tree_seconds(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _backend_seconds(url: str, name: str) -> float:
    """CPU of the PostgreSQL backends serving `name` (all started during the run)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
            {"name": name},
        ).scalars()
        total = sum(_tree_seconds(pid) for pid in pids)
    engine.dispose()
    return total


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class CpuUse:
    wall: float
    cores: int
    app: float
    database: float
    locust: float
    machine: float

    @property
    def others(self) -> float:
        """Everything else on the machine: other people's work."""
        return max(0.0, self.machine - self.app - self.database - self.locust)

    def lines(self, requests: int) -> list[str]:
        per = 1000 / requests if requests else 0.0
        capacity = self.cores * self.wall
        return [
            f"CPU over the run ({self.wall:.0f} s × {self.cores} cores = {capacity:.0f} "
            f"core-seconds): app server {self.app:.1f} s ({self.app * per:.0f} ms a request), "
            f"PostgreSQL {self.database:.1f} s ({self.database * per:.0f} ms a request), "
            f"locust {self.locust:.1f} s, the rest of the machine {self.others:.1f} s "
            f"({100 * self.others / capacity if capacity else 0:.0f} % of it)."
        ]


class CpuMeter:
    """Started before locust, read after it (while the server and its backends live)."""

    def __init__(self, server_pid: int, url: str, name: str) -> None:
        self.server_pid, self.url, self.name = server_pid, url, name
        self.started = time.monotonic()
        self.app = _tree_seconds(server_pid)
        self.locust = _children_seconds()
        self.machine = _busy_seconds()

    def read(self) -> CpuUse:
        return CpuUse(
            wall=time.monotonic() - self.started,
            cores=psutil.cpu_count() or 1,
            app=_tree_seconds(self.server_pid) - self.app,
            database=_backend_seconds(self.url, self.name),
            locust=_children_seconds() - self.locust,
            machine=_busy_seconds() - self.machine,
        )
