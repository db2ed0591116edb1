"""Many people at once (issue 15): locust, headless, on loopback only and bounded in time,
against gunicorn with the README's deployment (2 workers × 4 threads) on PostgreSQL. The
simulated people log in, read case lists and case pages, file meldeskjemaer (the real
form with its CSRF token) and download Word files (bench/load_users.py). Two tables show
requests/s, p50, p95, max and errors per kind and in all: while the people arrive and log
in, and for `--seconds` once all are there. Goal: 0 errors, p95 ≤ 300 ms once all are
there. CPU seconds per request of the server and its database follow (bench/load_cpu.py),
with the share the rest of the machine took: on a shared machine that says how far the
times are from those of a machine of our own.

    .venv/bin/python -m bench.load                          # 50 users, 60 s (make bench-load)
    .venv/bin/python -m bench.load --users 10 --seconds 20

It uses its own database (`trygg_load`, created when missing; its schema `load` is made
anew each run), never the tests'. The school is the demo of `make run` (`flask
seed-demo`), plus an account for every simulated person, as in a school: one account
logged into from many places at once is what the login throttle treats as guessing.
Locust runs in a process of its own: gevent patches the whole process it runs in.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.load_cpu import CpuMeter, CpuUse, application_url
from tests.live_server import live_server
from trygg.accounts.passwords import Passwords
from trygg.accounts.roles import ANSATT, LEDELSE
from trygg.accounts.users import NewUser, create_user
from trygg.archive import open_archive
from trygg.audit import Initiator
from trygg.calendar.clock import oslo_now
from trygg.config import PasswordHashing, Settings
from trygg.demo.cases import seed_demo_cases
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.school_plan import seed_demo_plan
from trygg.demo.seed import seed_demo
from trygg.demo.year import seed_demo_year
from trygg.models import Base, School, utcnow

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trygg_load"
SCHEMA = "load"
GOAL_P95_MS = 300.0
# The kinds of request the goal is about; the form pages and logouts around them are
# counted in the total too.
KINDS = ("login", "case list", "case page", "report", "docx")
SCHOOLS = ("Nordpolen skole", "Vestre Aker skole")
# One simulated person in this many is a leader (bench/load_users.py weighs them so).
LEADER_SHARE = 5
# People arrive (and log in) at this pace; the run's --seconds start once all are there. At
# the server's argon2 cost a login is the heaviest request there is (about 0.3 s of CPU
# here): 50 people arriving in 10 s would take most of both cores for hashing alone.
ARRIVALS_PER_SECOND = 2.0
# Liveness only: locust stops itself after its run time; this bounds a hung run.
GRACE_SECONDS = 120
FAILURES_SHOWN = 8


@dataclass(frozen=True)
class Accounts:
    """Who the simulated people log in as (the plan file bench/load_users.py reads)."""

    password: str
    leaders: list[str]
    staff: list[str]


@dataclass(frozen=True)
class Row:
    kind: str
    count: int
    per_second: float
    p50: float
    p95: float
    max: float
    errors: int


@dataclass(frozen=True)
class Phase:
    """The requests of one part of the run, per kind and in all."""

    seconds: float
    rows: list[Row]
    total: Row


@dataclass
class LoadResult:
    """`arrival`: while the people arrive and log in; `steady`: once all are there, the
    `seconds` the goal is about."""

    users: int
    arrival: Phase
    steady: Phase
    failures: list[str] = field(default_factory=list)
    cpu: CpuUse | None = None

    @property
    def errors(self) -> int:
        return self.arrival.total.errors + self.steady.total.errors

    @property
    def goal_met(self) -> bool:
        return self.errors == 0 and self.steady.total.p95 <= GOAL_P95_MS

    def made(self) -> set[str]:
        return {
            row.kind for phase in (self.arrival, self.steady) for row in phase.rows if row.count
        }


# --- the database and the school --------------------------------------------------------


def prepare_database(url: str) -> str:
    """Create the bench's database when missing and its schema anew; returns a URL on it."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    on_schema = target.update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return on_schema.render_as_string(hide_password=False)


def fill(
    session: Session, settings: Settings, passwords: Passwords, people: int, *, year: bool = True
) -> Accounts:
    """The demo municipality as `flask seed-demo` makes it (the school year for the
    overview with `year`), and an account for each of `people`: one in five a leader, the
    rest staff, taking turns between the two demo schools (Nordpolen has the demo cases,
    Vestre Aker the school year's). A school has a few leaders, and each report alerts
    each of them: fifty leaders of one school would make every report fifty alerts."""
    password = "last-" + secrets.token_urlsafe(12)
    archive = open_archive(settings)
    today = oslo_now().date()
    seed_demo(session, passwords, password)
    seed_demo_pupils(session, utcnow())
    seed_demo_cases(session, archive, today)
    seed_demo_plan(session, archive, today)
    if year:
        seed_demo_year(session, archive, today)
    schools = [
        session.execute(select(School).where(School.name == name)).scalar_one() for name in SCHOOLS
    ]
    # One hash at the server's cost for every account: each login still verifies it.
    hashed = passwords.hash(password)
    by = Initiator(user_id=None, email="bench-load")
    leaders = max(1, round(people / LEADER_SHARE))
    accounts = Accounts(password, [], [])
    for number in range(max(people, leaders + 1)):
        role, emails, word = (
            (LEDELSE, accounts.leaders, "leder")
            if number < leaders
            else (ANSATT, accounts.staff, "ansatt")
        )
        school = schools[len(emails) % len(schools)]
        email = f"{word}{len(emails)}.last@demo.trygg.no"
        new = NewUser(
            email, f"{word.title()} {len(emails)}", role, school.municipality_id, school.id
        )
        create_user(session, passwords, new, by).password_hash = hashed
        emails.append(email)
    session.flush()
    return accounts


# --- the run -------------------------------------------------------------------------------


def run_load(
    settings: Settings,
    accounts: Accounts,
    users: int,
    seconds: int,
    *,
    workers: int = 2,
    threads: int = 4,
) -> tuple[LoadResult, str]:
    """locust against gunicorn serving `settings`; the result and the server's log."""
    name = "trygg-load-" + secrets.token_hex(4)
    settings = replace(settings, database_url=application_url(settings.database_url, name))
    with (
        tempfile.TemporaryDirectory(prefix="trygg-load-") as folder,
        live_server(settings, workers=workers, threads=threads) as server,
    ):
        plan = Path(folder) / "plan.json"
        samples = Path(folder) / "samples.json"
        plan.write_text(json.dumps({**asdict(accounts), "samples": str(samples)}))
        command = [
            sys.executable,
            "-m",
            "locust",
            "--locustfile",
            str(ROOT / "bench" / "load_users.py"),
            "--headless",
            "--host",
            server.url,
            "--users",
            str(users),
            "--spawn-rate",
            str(ARRIVALS_PER_SECOND),
            "--run-time",
            f"{math.ceil(users / ARRIVALS_PER_SECOND) + seconds}s",
            "--stop-timeout",
            "10",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        meter = CpuMeter(server.process.pid, settings.database_url, name)
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, "LOAD_PLAN": str(plan)},
            capture_output=True,
            text=True,
            timeout=users / ARRIVALS_PER_SECOND + seconds + GRACE_SECONDS,
            check=False,
        )
        if not samples.exists():
            raise RuntimeError(f"locust wrote no samples:\n{finished.stderr[-4000:]}")
        cpu = meter.read()
        recorded = json.loads(samples.read_text())
        log = server.log()
    result = summarise(recorded, users)
    result.cpu = cpu
    return result, log


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest time that `share` of the requests took at most."""
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(len(ordered) * share)) - 1]


def _row(kind: str, times: list[float], errors: int, seconds: float) -> Row:
    ordered = sorted(times)
    return Row(
        kind=kind,
        count=len(ordered),
        per_second=len(ordered) / seconds if seconds else 0.0,
        p50=percentile(ordered, 0.50),
        p95=percentile(ordered, 0.95),
        max=ordered[-1] if ordered else 0.0,
        errors=errors,
    )


def _phase(samples: list[list[Any]], seconds: float) -> tuple[Phase, Counter[str]]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for kind, milliseconds, error, _ in samples:
        times[kind].append(milliseconds)
        if error is not None:
            errors[kind] += 1
            reasons[f"{kind}: {error}"] += 1
    others = sorted(set(times) - set(KINDS))
    rows = [_row(kind, times[kind], errors[kind], seconds) for kind in (*KINDS, *others)]
    everything = [t for kind_times in times.values() for t in kind_times]
    total = _row("total", everything, sum(errors.values()), seconds)
    return Phase(seconds, rows, total), reasons


def summarise(recorded: dict[str, Any], users: int) -> LoadResult:
    """The samples file of bench/load_users.py: [kind, ms, error, ended at] per request,
    the moment the last person arrived and the moment the run stopped."""
    samples: list[list[Any]] = recorded["samples"]
    first = min((sample[3] for sample in samples), default=0.0)
    stopped = recorded.get("stopped", max((sample[3] for sample in samples), default=first))
    arrived = recorded.get("arrived", stopped)
    arrival, early = _phase([x for x in samples if x[3] < arrived], arrived - first)
    steady, late = _phase([x for x in samples if x[3] >= arrived], stopped - arrived)
    reasons = early + late
    failures = [f"{n} × {reason}" for reason, n in reasons.most_common(FAILURES_SHOWN)]
    return LoadResult(users, arrival, steady, failures)


def _lines(title: str, phase: Phase) -> list[str]:
    header = f"{title:<14}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    header += f"{'max ms':>8}{'errors':>8}"
    lines = [header, "-" * len(header)]
    for row in [*phase.rows, phase.total]:
        over = "  > goal" if row.p95 > GOAL_P95_MS else ""
        lines.append(
            f"{row.kind:<14}{row.count:>9}{row.per_second:>8.1f}{row.p50:>8.0f}"
            f"{row.p95:>8.0f}{row.max:>8.0f}{row.errors:>8}{over}"
        )
    return lines


def table(result: LoadResult) -> str:
    arrival, steady = result.arrival, result.steady
    lines = [
        f"Arrival: {result.users} people log in, {ARRIVALS_PER_SECOND:g} a second "
        f"({arrival.seconds:.0f} s)",
        *_lines("kind", arrival),
        "",
        f"All {result.users} there ({steady.seconds:.0f} s): the goal is about this part",
        *_lines("kind", steady),
    ]
    verdict = "met" if result.goal_met else "NOT met"
    lines.append(
        f"\nGoal (0 errors in all, p95 ≤ {GOAL_P95_MS:.0f} ms over all requests once everyone "
        f"is there): {verdict}. Errors: {result.errors}."
    )
    lines.extend(f"  {failure}" for failure in result.failures)
    if result.cpu is not None:
        lines.extend(result.cpu.lines(arrival.total.count + steady.total.count))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL (its own database)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    url = prepare_database(args.url)
    with tempfile.TemporaryDirectory(prefix="trygg-load-server-") as folder:
        settings = Settings(
            environment="production",
            secret_key=secrets.token_urlsafe(48),
            database_url=url,
            output_dir=Path(folder) / "output",
            instance_dir=Path(folder) / "instance",
            # Plain HTTP on loopback: a Secure cookie would never come back.
            secure_cookies=False,
        )
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        started = time.monotonic()
        with Session(engine) as session:
            accounts = fill(session, settings, Passwords(PasswordHashing()), args.users)
            session.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        engine.dispose()
        print(f"Filled in {time.monotonic() - started:.0f} s; running {args.users} users ...")
        result, log = run_load(
            settings,
            accounts,
            args.users,
            args.seconds,
            workers=args.workers,
            threads=args.threads,
        )
    print(table(result))
    if result.errors:
        print("\nThe server's log, last lines:\n" + log[-3000:])
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2))


if __name__ == "__main__":
    main()
