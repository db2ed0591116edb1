"""Benchmark: bare docxtpl vs Trygg's full render path vs a zip floor; warm vs cold PDF.

Run from the repository root: .venv/bin/python -m bench.render [--runs N] [--pdf-runs N]
Renders examples/aktivitetsplan.json; the DOCX variants run interleaved, in a
shuffled order each round, after warm-ups. Figures are medians. The warm-ups also fill
Trygg's compiled-template cache (trygg.documents.compiled), as the first document of a
template does in a running server; the bare docxtpl render has no such cache. Without LibreOffice or
.venv-uno the PDF rows are skipped and the reason is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from trygg.anonymise import Actor, scan_docx
from trygg.documents import render_document, validate_input
from trygg.documents.context import actor_records
from trygg.documents.inputs import ActivityPlanInput
from trygg.documents.render import template_bytes, template_path
from trygg.documents.service import build_context
from trygg.pdf import ConverterService, PdfUnavailable, convert_docx_to_pdfa
from trygg.pdf.locate import find_soffice, find_uno_python

KIND = "aktivitetsplan"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / f"{KIND}.json"
WARMUPS = 3


@dataclass(frozen=True)
class Case:
    data: dict[str, Any]  # the raw JSON, as a form or the CLI would hand it over
    variables: dict[str, Any]  # the context Trygg builds, for the bare docxtpl render
    template: bytes
    pupil_name: str
    actors: list[Actor]


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    outputs: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, elapsed: float, output: bytes) -> None:
        self.seconds.setdefault(name, []).append(elapsed)
        self.outputs[name] = output

    def median_ms(self, name: str) -> float:
        return statistics.median(self.seconds[name]) * 1000


def load_case(path: Path = EXAMPLE) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    validated = validate_input(KIND, data)
    assert isinstance(validated, ActivityPlanInput)
    return Case(
        data=data,
        variables=build_context(KIND, validated).variables,
        template=template_bytes(template_path(KIND)),
        pupil_name=validated.pupil.name,
        actors=actor_records(validated),
    )


def bare_render(case: Case) -> bytes:
    """docxtpl as its README shows it; autoescape because the example text holds '&'."""
    document = DocxTemplate(io.BytesIO(case.template))
    document.render(case.variables, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def floor_rezip(template: bytes) -> bytes:
    """Unzip every member and zip it again, each with its own compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
    return out.getvalue()


def measure_render(case: Case, runs: int, warmups: int = WARMUPS) -> Timings:
    """Floor, bare and full in a shuffled order each round; full = render_document + leak scan."""
    names = ["floor", "bare", "full"]
    rng = random.Random(20261122)
    timings = Timings()
    for round_number in range(warmups + runs):
        target = timings if round_number >= warmups else Timings()  # warm-ups are dropped
        rng.shuffle(names)
        for name in names:
            start = rendered = time.perf_counter()
            if name == "floor":
                output = floor_rezip(case.template)
            elif name == "bare":
                output = bare_render(case)
            else:
                document = render_document(KIND, case.data)  # validate … anonymise … guard
                output, rendered = document.docx, time.perf_counter()
                hits = scan_docx(output, document.filename, case.pupil_name, case.actors)
                if hits:
                    raise AssertionError(f"leak scan: {[hit.message for hit in hits]}")
            end = time.perf_counter()
            target.add(name, end - start, output)
            if name == "full":
                target.add("full: render_document", rendered - start, output)
                target.add("full: leak scan", end - rendered, output)
    return timings


def _free_port_pair() -> int:
    """A port p with p + 1 free too (unoserver's uno port)."""
    while True:
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port: int = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port


def cold_convert(docx: bytes, soffice: str, timeout: float = 120.0) -> bytes:
    """`soffice --headless --convert-to pdf` with a fresh profile, like a new process per doc."""
    with tempfile.TemporaryDirectory(prefix="bench-soffice-", dir="/tmp") as tmp:
        work = Path(tmp)
        (work / "document.docx").write_bytes(docx)
        profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
        command = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir"]
        command += [str(work / "out"), str(work / "document.docx")]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            process.wait(timeout=timeout)
        finally:  # soffice.bin may outlive the launcher script
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        result = work / "out" / "document.pdf"
        if not result.is_file():
            raise RuntimeError(f"soffice made no PDF (exit code {process.returncode})")
        return result.read_bytes()


def measure_pdf(docx: bytes, warm_runs: int, cold_runs: int) -> Timings:
    """Warm unoserver (PDF/A-2b as Trygg asks, and plain PDF) vs cold soffice (plain PDF).

    Raises PdfUnavailable (with the reason) when LibreOffice or .venv-uno is missing.
    """
    soffice = find_soffice()
    find_uno_python()
    timings = Timings()
    with (
        tempfile.TemporaryDirectory(prefix="bench-lo-") as workdir,
        ConverterService([_free_port_pair()], workdir=workdir) as service,
    ):
        pool = service.pool()
        variants: dict[str, Callable[[], bytes]] = {
            "warm pdfa": lambda: convert_docx_to_pdfa(docx, converters=pool, allow_cold=False),
            "warm pdf": lambda: pool.convert(docx, filter_options=()),
        }
        for convert in variants.values():
            convert()  # warm-up: the first conversion loads the Writer filters
        for _ in range(warm_runs):
            for name, convert in variants.items():
                start = time.perf_counter()
                output = convert()
                timings.add(name, time.perf_counter() - start, output)
    for _ in range(cold_runs):  # after the service has stopped: it must not compete for CPU
        start = time.perf_counter()
        output = cold_convert(docx, soffice)
        timings.add("cold pdf", time.perf_counter() - start, output)
    return timings


def _libreoffice_version() -> str:
    if (soffice := shutil.which("soffice")) is None:
        return ""
    out = subprocess.run([soffice, "--version"], capture_output=True, text=True, check=False)
    return ", " + " ".join(out.stdout.split()[:2])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render")
    parser.add_argument("--runs", type=int, default=30, help="timed render rounds (default 30)")
    parser.add_argument("--pdf-runs", type=int, default=10, help="timed warm PDF runs")
    args = parser.parse_args(argv)
    case = load_case()
    render = measure_render(case, args.runs)
    floor, bare, full = (render.median_ms(n) for n in ("floor", "bare", "full"))
    print(f"Trygg render benchmark: {EXAMPLE.name}, medians over interleaved runs")
    rows: list[tuple[str, str, int | str]] = [
        ("operation", "median ms", "runs"),
        ("floor: unzip + re-zip the template (zipfile)", f"{floor:.1f}", args.runs),
        ("bare docxtpl: load + render + save to BytesIO", f"{bare:.1f}", args.runs),
        ("full Trygg: render_document + leak scan", f"{full:.1f}", args.runs),
        ("  of which render_document", f"{render.median_ms('full: render_document'):.1f}", ""),
        ("  of which leak scan (scan_docx)", f"{render.median_ms('full: leak scan'):.1f}", ""),
        ("ratio full / bare", f"{full / bare:.2f}x", ""),
        ("ratio full / floor", f"{full / floor:.2f}x", ""),
    ]
    cold_runs = max(3, args.pdf_runs // 3)
    try:
        pdf = measure_pdf(render.outputs["full"], args.pdf_runs, cold_runs)
    except (PdfUnavailable, OSError) as error:
        reason = str(error).split(". ")[0].rstrip(".")  # drop the advice meant for teachers
        rows.append((f"PDF figures skipped (make test installs them): {reason}", "", ""))
    else:
        warm_pdfa, warm, cold = (pdf.median_ms(n) for n in ("warm pdfa", "warm pdf", "cold pdf"))
        rows += [
            ("PDF warm: unoserver, PDF/A-2b (Trygg's path)", f"{warm_pdfa:.0f}", args.pdf_runs),
            ("PDF warm: unoserver, plain pdf", f"{warm:.0f}", args.pdf_runs),
            ("PDF cold: soffice --convert-to pdf, fresh profile", f"{cold:.0f}", cold_runs),
            ("ratio cold / warm (plain pdf both)", f"{cold / warm:.1f}x", ""),
        ]
    for label, value, runs in rows:
        print(f"{label:<52} {value:>10} {runs!s:>5}".rstrip())
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, docxtpl {version('docxtpl')}{_libreoffice_version()}; "
        f"load average {os.getloadavg()[0]:.2f} (other work skews the medians)"
    )


if __name__ == "__main__":
    main()
