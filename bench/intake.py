"""Benchmark: the package check of an uploaded Word template (trygg.documents.template_intake).

Run from the repository root: .venv/bin/python -m bench.intake
Prints the median time of `check_package` for Trygg's own aktivitetsplan template, for
hostile uploads (a 200 MB part packed into a few hundred KB, 20,000 members, a body of
2,000,000 empty paragraphs) and each one's ratio to the real template, measured side by
side in one run. Goal: every hostile upload is refused in well under a second, a small
multiple of what a real template costs, however big it claims to be. < 30 s.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from trygg.config import TemplateLimits
from trygg.documents.template_intake import check_package

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "doc_templates" / "aktivitetsplan.docx"


def _repacked(base: bytes, replace: dict[str, bytes], extra: int = 0) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for number in range(extra):
            target.writestr(f"word/media/extra{number}.png", b"")
    return out.getvalue()


def uploads(paragraphs: int, part_mb: int, members: int) -> dict[str, bytes]:
    real = TEMPLATE.read_bytes()
    document = zipfile.ZipFile(io.BytesIO(real)).read("word/document.xml")
    body = document.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs, 1)
    return {
        "Trygg's own template": real,
        f"a {part_mb} MB part (zip bomb)": _repacked(
            real, {"word/document.xml": bytes(part_mb * 2**20)}
        ),
        f"{members:,} members": _repacked(real, {}, extra=members),
        f"{paragraphs:,} empty paragraphs": _repacked(real, {"word/document.xml": body}),
    }


def median_seconds(check: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        check()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure(
    paragraphs: int = 2_000_000, part_mb: int = 200, members: int = 20_000, runs: int = 5
) -> dict[str, tuple[float, list[str]]]:
    """Median seconds and the reasons given, per upload."""
    # The paragraphs alone pack a thousand times and would be refused as a bomb; the
    # limit is raised so the body is searched through, the worst a real limit allows.
    limits = TemplateLimits(max_ratio=100_000)
    results = {}
    for name, data in uploads(paragraphs, part_mb, members).items():
        seconds = median_seconds(lambda data=data: check_package(data, limits), runs)
        results[name] = (seconds, check_package(data, limits))
    return results


def main() -> None:
    small = "--small" in sys.argv
    results = measure(20_000, 30, 300, 1) if small else measure()
    base, _ = results["Trygg's own template"]
    print(f"{'upload':36} {'median':>10} {'× real':>8}  refused")
    for name, (seconds, reasons) in results.items():
        print(
            f"{name:36} {seconds * 1000:8.1f} ms {seconds / base:8.1f}  {'ja' if reasons else 'nei'}"
        )


if __name__ == "__main__":
    main()
