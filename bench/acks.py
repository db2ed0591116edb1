"""Benchmark (issue 15): the merged PDF of a plan version's kvitteringer, side by side in
one run with the same warm converters: the old path, one LibreOffice conversion per
employee (acknowledgement_pdf for each, as the export did), and the new, the missing
PDFs composed and converted in chunks (trygg.acknowledgements.pdfs). Both end in the
same merge with a bookmark per employee. Goal: the new path ≤ 15 s for 300.

    .venv/bin/python -m bench.acks                       # 300 kvitteringer (make bench-acks)
    .venv/bin/python -m bench.acks --count 30 --chunk 10

It signs the kvitteringer in its own SQLite database and archive in a temporary folder
(not timed) and starts its own converters, one per core, unless --converters names
running ones (host:port,…). Each path starts with no PDF made and is rolled back after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from trygg import acknowledgements, audit
from trygg.accounts.roles import ANSATT
from trygg.acknowledgements.pdfs import acknowledgement_pdfs
from trygg.archive import FolderArchive
from trygg.models import Acknowledgement, Base, Municipality, School, User
from trygg.pdf import ConverterPool, ConverterService, merge_pdfs
from trygg.pdf.batch import CHUNK
from trygg.pdf.client import parse_converters

BY = audit.Initiator(user_id=None, email="bench")
NOW = dt.datetime(2026, 8, 14, 7, 12)
GOAL_SECONDS = 15.0
FIRST = ("Kari", "Ola", "Åse", "Per", "Mona", "Hilde", "Tore", "Siri", "Jon", "Liv", "Øystein")
LAST = ("Nordmann", "Hansen", "Øvrebø", "Olsen", "Ruud", "Moe", "Lie", "Berg", "Dahl", "Strand")


Export = Callable[[Session, FolderArchive, Sequence[Acknowledgement], ConverterPool], list[bytes]]


class CountingPool(ConverterPool):
    """The converters, counting the conversions asked of them."""

    conversions = 0

    def convert(self, data: bytes, **options: Any) -> bytes:
        self.conversions += 1
        return super().convert(data, **options)


@dataclass(frozen=True)
class PathResult:
    seconds: float
    conversions: int
    pages: int
    bookmarks: list[str]
    # CPU seconds of this process and of the converters (None: not ours to measure).
    # On a busy machine the wall-clock seconds say little; the CPU a path needs does.
    python_cpu: float
    converter_cpu: float | None


CpuProbe = Callable[[], float | None]


def _plan_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_all(session: Session, archive: FolderArchive, count: int) -> list[int]:
    """A school with ``count`` employees who have each signed; their kvitteringer' ids."""
    municipality = Municipality(name="Benkvik kommune", owner_contact="Oppvekstetaten")
    school = School(municipality=municipality, name="Benkvik skole")
    session.add_all([municipality, school])
    session.flush()
    plan = acknowledgements.publish_plan(
        session,
        archive,
        school.id,
        acknowledgements.NewPlan(
            title="Skolens plan for trygt og godt skolemiljø",
            school_year="2026/2027",
            version_date=dt.date(2026, 8, 10),
            filename="plan.pdf",
            content=_plan_pdf(),
        ),
        BY,
        NOW,
    )
    for number in range(count):
        name = f"{FIRST[number % len(FIRST)]} {LAST[number // len(FIRST) % len(LAST)]} {number}"
        employee = User(
            email=f"ansatt{number}@benkvik.no",
            name=name,
            title="lærer",
            role_code=ANSATT,
            municipality_id=municipality.id,
            school_id=school.id,
        )
        session.add(employee)
        session.flush()
        acknowledgements.sign(
            session,
            archive,
            employee,
            acknowledgements.Signature(
                plan.id, dict.fromkeys(acknowledgements.CONFIRMATIONS, True), name
            ),
            BY,
            NOW + dt.timedelta(minutes=number),
        )
    session.commit()
    return list(
        session.execute(
            select(Acknowledgement.id).join(User).order_by(User.name, User.id)
        ).scalars()
    )


def _old_path(
    session: Session, archive: FolderArchive, acks: Sequence[Acknowledgement], pool: ConverterPool
) -> list[bytes]:
    """The export until now: one acknowledgement_pdf (one conversion) per employee."""
    return [acknowledgements.acknowledgement_pdf(session, archive, a, pool, BY, NOW) for a in acks]


def _new_path(chunk: int) -> Export:
    """The export now: the missing PDFs composed, ``chunk`` kvitteringer a conversion."""

    def make(
        session: Session,
        archive: FolderArchive,
        acks: Sequence[Acknowledgement],
        pool: ConverterPool,
    ) -> list[bytes]:
        return acknowledgement_pdfs(session, archive, acks, pool, BY, NOW, chunk=chunk)

    return make


def run_path(
    session: Session,
    archive: FolderArchive,
    ids: Sequence[int],
    addresses: Sequence[Any],
    make: Export,
    converter_cpu: CpuProbe = lambda: None,
) -> PathResult:
    """One export through ``make``, timed from the first PDF to the merged file."""
    acks = [session.get_one(Acknowledgement, i) for i in ids]
    names = [a.employee_name for a in acks]
    pool = CountingPool(addresses)
    cpu_before, converters_before = time.process_time(), converter_cpu()
    started = time.perf_counter()
    pdfs = make(session, archive, acks, pool)
    merged = merge_pdfs(list(zip(names, pdfs, strict=True)))
    seconds = time.perf_counter() - started
    python_cpu, converters_after = time.process_time() - cpu_before, converter_cpu()
    # Each path starts from nothing made: its PDFs are recorded in this transaction only.
    session.rollback()
    reader = PdfReader(io.BytesIO(merged))
    titles = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    used = None
    if converters_before is not None and converters_after is not None:
        used = converters_after - converters_before
    return PathResult(seconds, pool.conversions, len(reader.pages), titles, python_cpu, used)


def _free_port_pairs(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port: int = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        if not {port - 1, port, port + 1} & set(ports):
            ports.append(port)
    return ports


def _group_cpu(groups: Sequence[int]) -> float:
    """CPU seconds of every process in these process groups (an instance: unoserver
    and the LibreOffice it started), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextmanager
def converters(given: str, folder: Path) -> Iterator[tuple[tuple[Any, ...], CpuProbe]]:
    """The addresses of warm converters, ``given`` or a service of our own, and how to
    read the CPU time our own have used."""
    if given:
        yield parse_converters(given), lambda: None
        return
    ports = _free_port_pairs(os.cpu_count() or 1)
    with ConverterService(ports, workdir=folder / "lo", conversion_timeout=120) as service:

        def probe() -> float | None:
            groups = [i.process.pid for i in service.instances if i.process is not None]
            return _group_cpu(groups) if Path("/proc").is_dir() else None

        yield service.addresses, probe


def measure(
    count: int, *, chunk: int = CHUNK, given: str = "", old: bool = True
) -> dict[str, PathResult]:
    """Sign ``count`` kvitteringer, then time each path on the same warm converters."""
    results: dict[str, PathResult] = {}
    with tempfile.TemporaryDirectory(prefix="bench-acks-") as name:
        folder = Path(name)
        engine = create_engine(f"sqlite:///{folder / 'acks.sqlite'}")
        Base.metadata.create_all(engine)
        archive = FolderArchive(folder / "archive")
        with Session(engine) as session, converters(given, folder) as (addresses, probe):
            ids = sign_all(session, archive, count)
            # Warm: every converter has converted a kvittering before the clock starts.
            warm = [session.get_one(Acknowledgement, i) for i in ids[: len(addresses)]]
            run_path(session, archive, [a.id for a in warm], addresses, _old_path)
            if old:
                results["old: one conversion per employee"] = run_path(
                    session, archive, ids, addresses, _old_path, probe
                )
            results[f"new: composed, {chunk} per conversion"] = run_path(
                session, archive, ids, addresses, _new_path(chunk), probe
            )
        engine.dispose()
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.acks", description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="kvitteringer (default 300)")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="kvitteringer per conversion")
    parser.add_argument("--converters", default=os.environ.get("TRYGG_CONVERTERS", ""))
    parser.add_argument("--new-only", action="store_true", help="skip the old path")
    args = parser.parse_args(argv)
    results = measure(args.count, chunk=args.chunk, given=args.converters, old=not args.new_only)
    print(f"{args.count} kvitteringer, warm converters, merged PDF with a bookmark each")
    print(
        f"{'path':36} {'seconds':>8} {'per kvittering':>15} {'conversions':>12} {'pages':>6}"
        f" {'CPU: Python':>12} {'LibreOffice':>12}"
    )
    for name, result in results.items():
        office = "n/a" if result.converter_cpu is None else f"{result.converter_cpu:.1f} s"
        print(
            f"{name:36} {result.seconds:8.1f} {result.seconds / args.count * 1000:12.0f} ms"
            f" {result.conversions:12d} {result.pages:6d} {result.python_cpu:10.1f} s"
            f" {office:>12}"
        )
    *before, new = results.values()
    for old in before:
        same = (old.pages, old.bookmarks) == (new.pages, new.bookmarks)
        print(f"old / new: {old.seconds / new.seconds:.1f}x; same pages and bookmarks: {same}")
        if old.converter_cpu is not None and new.converter_cpu is not None:
            old_cpu, new_cpu = (
                old.python_cpu + old.converter_cpu,
                new.python_cpu + new.converter_cpu,
            )
            print(f"CPU old / new: {old_cpu:.1f} s / {new_cpu:.1f} s = {old_cpu / new_cpu:.1f}x")
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    verdict = "met" if new.seconds <= GOAL_SECONDS else "not met"
    print(f"goal: new path <= {GOAL_SECONDS:.0f} s for 300 kvitteringer: {verdict}")


if __name__ == "__main__":
    main()
