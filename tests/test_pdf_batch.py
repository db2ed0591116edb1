"""Issue 15: many kvitteringer to PDF/A with a few LibreOffice conversions
(trygg.pdf.batch), on real LibreOffice. Each file's PDF must be what its own conversion
gives (trygg.acknowledgements.signing.acknowledgement_pdf): the same pages, the same
text with its own "Side X av Y", the same look, PDF/A-2b with its fonts, Norwegian
language, tagged structure and bookmarks, and the archive stamp; and nothing of another
employee's pages. Files that cannot be composed, or of another template, are mixed in.
No timing here: bench/acks.py measures."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from tests.factories.kvitteringer import (
    fonts_embedded,
    kvittering_docx,
    of_another_template,
    with_pictures,
    with_two_sections,
)
from trygg.pdf import ConverterPool, ConverterService, PdfAId, convert_docx_to_pdfa, pdfa_id
from trygg.pdf.archive_stamp import ArchiveStamp
from trygg.pdf.batch import convert_many
from trygg.pdf.metadata import read_xmp
from trygg.pdf.xmp import read_property

NAMES = [
    "Kari Nordmann",
    "Ola Hansen",
    "Åse Øvrebø",
    "Per Olsen",
    "Mona Ruud",
    "Hilde Moe",
    "Tore Lie",
    "Siri Berg",
    "Jon Dahl",
    "Liv Strand",
]
LONG = {3, 8}  # two pages each, so the page count is written out a second time
PICTURES = {1, 6}  # a logo in the header, a picture and a link in the body
CHUNK = 4


class CountingPool(ConverterPool):
    """The warm pool, counting the conversions it was asked for."""

    conversions = 0

    def convert(self, data: bytes, **options: object) -> bytes:  # type: ignore[override]
        self.conversions += 1
        return super().convert(data, **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Batch:
    docs: list[bytes]
    stamps: list[ArchiveStamp]
    pdfs: list[bytes]
    singles: list[bytes]
    conversions: int


def stamp(number: int) -> ArchiveStamp:
    return ArchiveStamp(
        title="Kvittering for at skolens plan er lest",
        reference="Skoleår 2026/2027",
        school="Nordpolen skole",
        created=dt.datetime(2026, 8, 14, 7, 12, tzinfo=dt.UTC),
        source_sha256=f"{number:064x}",
    )


@pytest.fixture(scope="module")
def batch(converter: ConverterService) -> Batch:
    docs = [kvittering_docx(n, long=i in LONG, day=1 + i) for i, n in enumerate(NAMES)]
    docs = [with_pictures(d) if i in PICTURES else d for i, d in enumerate(docs)]
    # Mixed in: one converted alone (two sections), two of another template.
    docs.append(with_two_sections(kvittering_docx("Eva To Seksjoner")))
    docs += [of_another_template(kvittering_docx(n)) for n in ("Anne Annen", "Bjørn Bakke")]
    stamps = [stamp(n) for n in range(len(docs))]
    pool = CountingPool(converter.addresses)
    made = dict(convert_many(docs, stamps, converters=pool, chunk=CHUNK))
    singles = [
        s.onto(convert_docx_to_pdfa(d, allow_cold=False, converters=pool))
        for d, s in zip(docs, stamps, strict=True)
    ]
    return Batch(docs, stamps, [made[i] for i in range(len(docs))], singles, pool.conversions)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_far_fewer_conversions_than_kvitteringer(batch: Batch) -> None:
    # 10 kvitteringer in 3 chunks, each long one again, the odd one alone, the other
    # template's pair in one; then one single conversion per file for the comparison.
    assert batch.conversions - len(batch.docs) == 3 + 2 + 1 + 1


def test_each_kvittering_reads_as_its_own_conversion(batch: Batch) -> None:
    for number, (made, single) in enumerate(zip(batch.pdfs, batch.singles, strict=True)):
        pages = page_texts(made)
        assert pages == page_texts(single), number
        expected = 2 if number in LONG or number == len(NAMES) else 1
        assert len(pages) == expected, number
        for page, text in enumerate(pages, start=1):
            assert text.rstrip().endswith(f"Side {page} av {expected}"), (number, text[-40:])
        text = "".join(pages)
        others = [n for n in NAMES if n in text and n != NAMES[min(number, len(NAMES) - 1)]]
        assert others == [], number


def _rendered(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "in.pdf")
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-gray", str(path), str(Path(folder, "page"))], check=True
        )
        return [Image.open(p).copy() for p in sorted(Path(folder).glob("page*.pgm"))]


def test_each_page_looks_as_its_own_conversion(batch: Batch) -> None:
    # Glyphs may land a fraction of a pixel apart (a subset font, a field written out
    # as text), never a line or a word: at most a few pixels differ, none by much.
    for number in (0, 1, 3, len(NAMES)):
        made, single = _rendered(batch.pdfs[number]), _rendered(batch.singles[number])
        assert len(made) == len(single)
        for ours, theirs in zip(made, single, strict=True):
            histogram = ImageChops.difference(ours, theirs).histogram()
            assert sum(histogram[96:]) == 0, number
            assert sum(histogram[16:]) < 20, number


def test_each_pdf_is_pdfa_in_norwegian_with_its_fonts_structure_and_bookmarks(
    batch: Batch,
) -> None:
    for number, (made, single) in enumerate(zip(batch.pdfs, batch.singles, strict=True)):
        assert pdfa_id(made) == PdfAId(part=2, conformance="B")
        ours, theirs = PdfReader(io.BytesIO(made)), PdfReader(io.BytesIO(single))
        assert ours.trailer["/Root"]["/Lang"] == "nb-NO"
        fonts = fonts_embedded(made)
        assert fonts and all(fonts.values()), fonts
        assert set(fonts) == set(fonts_embedded(single))
        assert _structure(ours) == _structure(theirs), number
        assert [o.title for o in _flat(ours.outline)] == [o.title for o in _flat(theirs.outline)]
        assert ours.metadata is not None and theirs.metadata is not None
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Producer", "/CreationDate"):
            assert ours.metadata.get(key) == theirs.metadata.get(key), key
        xmp = read_xmp(made)
        assert read_property(xmp, "dc:source") == f"sha256:{number:064x}"
        assert read_property(xmp, "pdf:Producer") == ours.metadata.get("/Producer")


def _flat(items: Sequence[object]) -> list[object]:
    return [i for item in items for i in (_flat(item) if isinstance(item, list) else [item])]


def _structure(reader: PdfReader) -> list[str]:
    """The tagged structure's element types, depth first."""
    found: list[str] = []

    def walk(element: object) -> None:
        element = getattr(element, "get_object", lambda: element)()
        if isinstance(element, dict) and "/S" in element:
            found.append(str(element["/S"]))
        if isinstance(element, dict):
            kids = element.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_no_pdf_holds_pages_of_another_employee(batch: Batch) -> None:
    for made, single in zip(batch.pdfs, batch.singles, strict=True):
        with pikepdf.open(io.BytesIO(made)) as pdf, pikepdf.open(io.BytesIO(single)) as alone:
            pages = [
                o
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"
            ]
            assert len(pages) == len(pdf.pages) == len(alone.pages)
            # The structure and everything else come to about what one conversion has.
            assert len(pdf.objects) < 1.2 * len(alone.objects)
