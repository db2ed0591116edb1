"""The render benchmark measures real work: each measurement once, outputs checked, no timing."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from bench.render import Case, load_case, measure_pdf, measure_render
from tests.factories.pdf import needs_libreoffice
from trygg.documents.guard import document_text
from trygg.pdf import PdfAId, pdfa_id

MEASURE = "Voksen ute i storefri"


@pytest.fixture(scope="module")
def case() -> Case:
    return load_case()


def test_render_measurements_produce_real_documents(case: Case) -> None:
    timings = measure_render(case, runs=1, warmups=0)

    assert {name: len(s) for name, s in timings.seconds.items()} == {
        "floor": 1,
        "bare": 1,
        "full": 1,
        "full: render_document": 1,
        "full: leak scan": 1,
    }
    assert MEASURE in document_text(timings.outputs["bare"])
    assert MEASURE in document_text(timings.outputs["full"])
    # The full path anonymises; the bare render gets Trygg's already anonymised context.
    assert "Jonas" not in document_text(timings.outputs["full"])
    with (
        zipfile.ZipFile(io.BytesIO(timings.outputs["floor"])) as floor,
        zipfile.ZipFile(io.BytesIO(case.template)) as template,
    ):
        assert floor.testzip() is None
        assert floor.namelist() == template.namelist()


@pytest.mark.libreoffice
@needs_libreoffice
def test_pdf_measurements_produce_real_pdfs(case: Case) -> None:
    docx = measure_render(case, runs=1, warmups=0).outputs["full"]

    timings = measure_pdf(docx, warm_runs=1, cold_runs=1)

    assert set(timings.seconds) == {"warm pdfa", "warm pdf", "cold pdf"}
    assert all(len(seconds) == 1 for seconds in timings.seconds.values())
    assert pdfa_id(timings.outputs["warm pdfa"]) == PdfAId(part=2, conformance="B")
    for pdf in timings.outputs.values():
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert MEASURE in " ".join(text.split())
