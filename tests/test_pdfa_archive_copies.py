"""Issue 12, "PDF/A validated": no PDF/A validator can be installed from the registries
reachable here (veraPDF is a Java download from outside them), so each archive copy of
Trygg's own documents is checked for what such a validator would check first and what a
screen reader needs: the PDF/A-2b identification, every font embedded, and the document
language Norwegian (nb-NO), not the English the templates used to declare."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from trygg.documents import render_document
from trygg.pdf import ConverterService, PdfAId, convert_docx_to_pdfa, pdfa_id

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KINDS = sorted(path.stem for path in EXAMPLES.glob("*.json"))


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Each font's base name, and whether a font file is embedded for it."""
    found: dict[str, bool] = {}

    def visit(font: DictionaryObject) -> None:
        name = str(font.get("/BaseFont", "?"))
        descriptor = font.get("/FontDescriptor")
        for descendant in font.get("/DescendantFonts", []):
            visit(descendant.get_object())
        if descriptor is not None:
            descriptor = descriptor.get_object()
            found[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )

    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for font in (resources.get_object().get("/Font") or {}).values():
            visit(font.get_object())
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_each_archive_copy_is_pdfa_with_its_fonts_and_norwegian_language(
    converter: ConverterService, kind: str
) -> None:
    data = json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    docx = render_document(kind, data).docx
    pdf = convert_docx_to_pdfa(docx, converters=converter.pool(), allow_cold=False)

    assert pdfa_id(pdf) == PdfAId(part=2, conformance="B")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"].get("/Lang") == "nb-NO"
    fonts = fonts_of(reader)
    assert fonts, "no fonts found"
    assert all(fonts.values()), {name for name, embedded in fonts.items() if not embedded}
