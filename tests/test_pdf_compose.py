"""Composing Word files into one document of a section each (trygg.pdf.composable,
trygg.pdf.compose) and finding the sections again (trygg.pdf.split), without
LibreOffice: which files may be composed and with which, and what the composed package
holds. tests/test_pdf_batch.py converts it for real."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from pypdf import PdfWriter

from tests.factories.kvitteringer import (
    kvittering_docx,
    of_another_template,
    parts_of,
    repacked,
    with_field,
    with_numbered_paragraph,
    with_pictures,
    with_two_sections,
    without_footer,
)
from trygg.pdf.batch import open_offline
from trygg.pdf.composable import NotComposable, open_word_file
from trygg.pdf.compose import compose, section_marks
from trygg.pdf.split import SplitFailed, split_sections
from trygg.pdf.word_fields import fields_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.fixture(scope="module")
def kvitteringer() -> list[bytes]:
    return [kvittering_docx(name) for name in ("Kari Nordmann", "Ola Hansen", "Åse Øvrebø")]


def test_kvitteringer_of_one_template_are_one_group(kvitteringer: list[bytes]) -> None:
    groups = {open_word_file(docx).group for docx in kvitteringer}
    assert len(groups) == 1
    other = open_word_file(of_another_template(kvitteringer[0])).group
    assert other not in groups


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (with_two_sections, "more than one section"),
        (lambda d: with_field(d, "DATE"), "a DATE field"),
        (lambda d: with_field(d, "SEQ Figur"), "a SEQ field"),
        (lambda d: with_field(d, "NUMPAGES \\* roman"), "NUMPAGES with a number format"),
        (lambda d: with_numbered_paragraph(d, "9"), "a numbered list"),
        (without_footer, "no footerReference"),
        (lambda d: b"not a zip", "not a readable package"),
    ],
)
def test_what_would_look_different_in_one_document_is_not_composed(
    kvitteringer: list[bytes], change: object, reason: str
) -> None:
    with pytest.raises(NotComposable, match=reason):
        open_word_file(change(kvitteringer[0]))  # type: ignore[operator]


def test_plain_number_switches_and_bullets_are_composed(kvitteringer: list[bytes]) -> None:
    # Word adds \* MERGEFORMAT by itself; the template's list 1 is bullets, 9 counts.
    open_word_file(with_field(kvitteringer[0], "NUMPAGES \\* MERGEFORMAT"))
    numbering = parts_of(kvitteringer[0])["word/numbering.xml"]
    assert b'<w:num w:numId="1"><w:abstractNumId w:val="8"/>' in numbering
    assert b'<w:num w:numId="9"><w:abstractNumId w:val="0"/>' in numbering
    open_word_file(with_numbered_paragraph(kvitteringer[0], "1"))


def _document(composed: bytes) -> etree._Element:
    return etree.fromstring(parts_of(composed)["word/document.xml"])


def test_each_file_becomes_a_section_numbered_from_one(kvitteringer: list[bytes]) -> None:
    composed = compose([open_word_file(d) for d in kvitteringer], [1, 2, 1])
    body = _document(composed).find(f"{W}body")
    sections = list(body.iter(f"{W}sectPr"))
    assert len(sections) == 3 and body[-1] is sections[-1]
    for section in sections:
        assert section.find(f"{W}type").get(f"{W}val") == "nextPage"
        assert section.find(f"{W}pgNumType").get(f"{W}start") == "1"
    # Each section its own header and footer, each a part of the package.
    parts = parts_of(composed)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    footers = [s.find(f"{W}footerReference").get(R_ID) for s in sections]
    assert len(set(footers)) == 3
    # NUMPAGES written out as each section's expected count, PAGE kept as a field.
    for footer_id, pages in zip(footers, [1, 2, 1], strict=True):
        footer = etree.fromstring(parts[f"word/{targets[footer_id]}"])
        assert [f.name for f in fields_of(footer)] == ["PAGE"]
        text = "".join(footer.itertext())
        assert text.endswith(f" av {pages}"), text
    # The employees in order, each between their section's two bookmarks.
    names = [m.get(f"{W}name") for m in body.iter(f"{W}bookmarkStart")]
    marks = [name for index in range(3) for name in section_marks(index)]
    assert [n for n in names if n.startswith("Trygg")] == marks
    text = "".join(body.itertext())
    assert text.index("Kari Nordmann") < text.index("Ola Hansen") < text.index("Åse Øvrebø")
    with zipfile.ZipFile(io.BytesIO(composed)) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"


def test_the_archived_files_are_not_changed_by_composing(kvitteringer: list[bytes]) -> None:
    files = [open_word_file(d) for d in kvitteringer]
    before = [etree.tostring(f.document) for f in files]
    compose(files, [1, 1, 1])
    compose(files, [2, 2, 2])
    assert [etree.tostring(f.document) for f in files] == before


def test_a_pdf_without_the_section_marks_is_not_split() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(SplitFailed):
        split_sections(out.getvalue(), [section_marks(0)], [])


def test_nothing_external_reaches_libreoffice_but_links(kvitteringer: list[bytes]) -> None:
    # A remote attached template, as a template made from a network share carries.
    remote = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id='
        b'"rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://192.0.2.1/mal.dotx" TargetMode="External"/>'
        b"</Relationships>"
    )
    attached = repacked(kvitteringer[0], {"word/_rels/settings.xml.rels": remote})
    assert b"192.0.2.1" in b"".join(parts_of(attached).values())
    composed = parts_of(compose([open_offline(attached), open_offline(attached)], [1, 1]))
    assert b"192.0.2.1" not in b"".join(composed.values())
    linked = parts_of(compose([open_offline(with_pictures(kvitteringer[1]))], [1]))
    rels = etree.fromstring(linked["word/_rels/document.xml.rels"])
    external = [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    assert external == ["https://www.udir.no/"]
