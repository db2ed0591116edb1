"""DOCX → PDF/A-2b through the supervised converter service (and the cold fallback)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from tests.factories.pdf import free_port_pairs, needs_libreoffice, skip_without_libreoffice
from trygg.pdf import (
    ConversionFailed,
    ConverterService,
    PdfAId,
    PdfUnavailable,
    convert_docx_to_pdfa,
    pdfa_id,
)
from trygg.pdf.errors import (
    NO_LIBREOFFICE,
    NO_SERVICE_CONFIGURED,
    NO_UNO_PYTHON,
    SERVICE_UNREACHABLE,
    TIMED_OUT,
)

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow


def make_docx(marker: str = "MARKØR-0", *, long_paragraph_chars: int = 0) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    document.core_properties.title = "Aktivitetsplan"
    document.add_heading("Aktivitetsplan for Åse Ødegård", level=1)
    document.add_paragraph(f"Kjennetegn: {marker}")
    document.add_paragraph("Blåbærsyltetøy og rødgrøt på Bø skole. ÆØÅ æøå.")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for row_number, row in enumerate(table.rows):
        for column_number, cell in enumerate(row.cells):
            cell.text = f"Tiltak {row_number}.{column_number} – grønn"
    if long_paragraph_chars:
        words = "lærer elev ansvar tiltak "
        document.add_paragraph(words * (long_paragraph_chars // len(words)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdffonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font; the 'emb' column is fifth from the right."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        output = subprocess.run(
            ["pdffonts", file.name], capture_output=True, check=True, text=True
        ).stdout
    rows = output.splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows if row.strip()]


def wait_for_restarts(service: ConverterService, count: int) -> None:
    deadline = time.monotonic() + 15
    while service.restarts < count and time.monotonic() < deadline:
        time.sleep(0.1)
    service.wait_ready()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterService]:
    skip_without_libreoffice()
    workdir = tmp_path_factory.mktemp("lo")
    with ConverterService(free_port_pairs(2), workdir=workdir, conversion_timeout=20) as svc:
        yield svc


@pytest.fixture
def no_converters_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRYGG_CONVERTERS", raising=False)


@pytest.mark.libreoffice
@needs_libreoffice
def test_output_is_pdfa_2b_with_all_fonts_embedded(service: ConverterService) -> None:
    pdf = convert_docx_to_pdfa(make_docx(), converters=service.pool(), allow_cold=False)

    assert pdfa_id(pdf) == PdfAId(part=2, conformance="B")
    fonts = pdffonts(pdf)
    assert fonts, "pdffonts found no fonts"
    assert all(embedded for _, embedded in fonts), fonts
    text = pdftotext(pdf)
    assert "Blåbærsyltetøy og rødgrøt på Bø skole. ÆØÅ æøå." in text
    assert "Tiltak 2.2 – grønn" in text


@pytest.mark.libreoffice
@needs_libreoffice
def test_twenty_parallel_conversions_stay_apart(service: ConverterService) -> None:
    pool = service.pool()
    markers = [f"KJENNETEGN-{n:02d}-ÆØÅ" for n in range(20)]
    documents = {marker: make_docx(marker) for marker in markers}

    with ThreadPoolExecutor(max_workers=20) as executor:
        pdfs = dict(
            zip(
                markers,
                executor.map(
                    lambda m: convert_docx_to_pdfa(documents[m], converters=pool, allow_cold=False),
                    markers,
                ),
                strict=True,
            )
        )

    assert len(set(pdfs.values())) == 20
    for marker, pdf in pdfs.items():
        text = pdftotext(pdf)
        assert [m for m in markers if m in text] == [marker]


@pytest.mark.libreoffice
@needs_libreoffice
def test_killed_converter_is_restarted(service: ConverterService) -> None:
    victim = service.instances[0]
    old_pid = victim.pid
    assert old_pid is not None
    restarts = service.restarts
    os.kill(old_pid, signal.SIGKILL)

    # The other instance takes the work while the victim comes back.
    pdf = convert_docx_to_pdfa(make_docx("ETTER-DREPT"), converters=service.pool())
    assert "ETTER-DREPT" in pdftotext(pdf)

    wait_for_restarts(service, restarts + 1)
    assert victim.pid != old_pid
    assert service.restarts == restarts + 1
    # Both instances convert again (the pool spreads two conversions over both).
    pool = service.pool()
    with ThreadPoolExecutor(max_workers=2) as executor:
        results = list(executor.map(lambda m: pool.convert(make_docx(m)), ["A-1", "B-2"]))
    assert all(pdf.startswith(b"%PDF-") for pdf in results)


@pytest.mark.libreoffice
@needs_libreoffice
def test_hung_conversion_times_out_and_converter_recovers(tmp_path: Path) -> None:
    hanging = make_docx("HENGER", long_paragraph_chars=600_000)
    with ConverterService(free_port_pairs(1), workdir=tmp_path, conversion_timeout=2) as svc:
        pool = svc.pool()
        started = time.monotonic()
        with pytest.raises(ConversionFailed) as failure:
            convert_docx_to_pdfa(hanging, converters=pool, allow_cold=False)
        assert str(failure.value) == TIMED_OUT
        assert time.monotonic() - started < 15

        # unoserver exits just after answering with the timeout; then it is restarted.
        wait_for_restarts(svc, 1)
        pdf = convert_docx_to_pdfa(make_docx("FRISK"), converters=pool, allow_cold=False)
        assert "FRISK" in pdftotext(pdf)
        assert svc.restarts == 1


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.usefixtures("no_converters_env")
def test_cold_soffice_fallback_makes_pdfa() -> None:
    pdf = convert_docx_to_pdfa(make_docx("KALD"))

    assert pdfa_id(pdf) == PdfAId(part=2, conformance="B")
    assert "KALD" in pdftotext(pdf)


@pytest.mark.usefixtures("no_converters_env")
def test_without_libreoffice_says_so_in_norwegian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGG_SOFFICE", "/finnes/ikke/soffice")

    with pytest.raises(PdfUnavailable) as failure:
        convert_docx_to_pdfa(make_docx())

    assert str(failure.value) == NO_LIBREOFFICE
    assert "LibreOffice er ikke installert" in str(failure.value)


def test_service_without_uno_python_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRYGG_UNO_PYTHON", "/finnes/ikke/python3")

    with pytest.raises(PdfUnavailable) as failure:
        ConverterService([2003], workdir=tmp_path).start()

    assert str(failure.value) == NO_UNO_PYTHON


@pytest.mark.usefixtures("no_converters_env")
def test_web_path_never_starts_a_cold_soffice() -> None:
    with pytest.raises(PdfUnavailable) as failure:
        convert_docx_to_pdfa(make_docx(), allow_cold=False)

    assert str(failure.value) == NO_SERVICE_CONFIGURED


def test_unreachable_service_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    (port,) = free_port_pairs(1)
    monkeypatch.setenv("TRYGG_CONVERTERS", f"127.0.0.1:{port}")

    with pytest.raises(PdfUnavailable) as failure:
        convert_docx_to_pdfa(make_docx(), allow_cold=False)

    assert str(failure.value) == SERVICE_UNREACHABLE


def test_refuses_what_is_not_a_docx() -> None:
    with pytest.raises(ConversionFailed):
        convert_docx_to_pdfa(b"%PDF-1.7 not a word file")


def test_flask_command_is_registered() -> None:
    from flask import Flask

    from commands.pdf import register

    app = Flask(__name__)
    register(app)
    result = app.test_cli_runner().invoke(args=["pdf-service", "--help"])

    assert result.exit_code == 0
    assert "--conversion-timeout" in result.output
