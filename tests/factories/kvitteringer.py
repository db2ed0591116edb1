"""Kvitteringer as the document engine renders them (examples/kvittering.json with other
employees), and Word files changed so that they cannot be composed or belong to another
template: the material of the batch conversion's tests (trygg.pdf.batch) and bench."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.shared import Cm
from lxml import etree
from PIL import Image

from trygg.documents import render_document

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kvittering.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Every line of text at its longest: the kvittering runs onto a second page.
LONG = ("Ordentlig langt navn " * 10)[:195].strip()


def kvittering_data(name: str, *, long: bool = False, day: int = 14) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["signed_at"] = f"2026-08-{day:02d}T09:12"
    if long:
        name = f"{name} {LONG}"[:195].strip()
        data["employee"].update(title=LONG, employer=LONG)
        data["school"].update(name=LONG, owner_contact=LONG, municipality=LONG)
        data["school_plan"].update(title=LONG, version=LONG, sha256=LONG)
    data["employee"]["name"] = data["typed_signature"] = name
    return data


def kvittering_docx(name: str, *, long: bool = False, day: int = 14) -> bytes:
    return render_document("kvittering", kvittering_data(name, long=long, day=day)).docx


def fonts_embedded(pdf: bytes) -> dict[str, bool]:
    """Each font's base name, and whether its font program is in the file."""
    found: dict[str, bool] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for font in document.objects:
            if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/FontDescriptor":
                files = ("/FontFile", "/FontFile2", "/FontFile3")
                found[str(font.get("/FontName"))] = any(key in font for key in files)
    return found


def parts_of(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def repacked(docx: bytes, changed: dict[str, bytes]) -> bytes:
    """``docx`` with the parts in ``changed`` replaced."""
    parts = {**parts_of(docx), **changed}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _edited_body(docx: bytes, edit: Any) -> bytes:
    root = etree.fromstring(parts_of(docx)["word/document.xml"])
    edit(root.find(f"{W}body"))
    return repacked(docx, {"word/document.xml": etree.tostring(root)})


def with_two_sections(docx: bytes) -> bytes:
    """The body split into two sections (a section break after the title)."""

    def edit(body: Any) -> None:
        first = body.find(f"{W}p")
        properties = first.find(f"{W}pPr")
        if properties is None:
            properties = etree.SubElement(first, f"{W}pPr")
            first.insert(0, properties)
        properties.append(copy.deepcopy(body[-1]))

    return _edited_body(docx, edit)


def with_field(docx: bytes, instruction: str) -> bytes:
    """A paragraph with a simple field (e.g. "DATE", "NUMPAGES \\* roman") first."""

    def edit(body: Any) -> None:
        paragraph = etree.Element(f"{W}p")
        field = etree.SubElement(paragraph, f"{W}fldSimple", {f"{W}instr": f" {instruction} "})
        etree.SubElement(etree.SubElement(field, f"{W}r"), f"{W}t").text = "1"
        body.insert(0, paragraph)

    return _edited_body(docx, edit)


def with_numbered_paragraph(docx: bytes, num_id: str = "1") -> bytes:
    """The last paragraph numbered with list ``num_id`` of the template's numbering."""

    def edit(body: Any) -> None:
        paragraph = body[-2]
        properties = paragraph.find(f"{W}pPr")
        if properties is None:
            properties = etree.Element(f"{W}pPr")
            paragraph.insert(0, properties)
        numbering = etree.SubElement(properties, f"{W}numPr")
        etree.SubElement(numbering, f"{W}ilvl", {f"{W}val": "0"})
        etree.SubElement(numbering, f"{W}numId", {f"{W}val": num_id})

    return _edited_body(docx, edit)


def _png(colour: str, size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def with_pictures(docx: bytes, colour: str = "#1f4e79") -> bytes:
    """A logo in the header, and a picture and a web link in the body (the kind of
    thing a municipality's own template brings)."""
    document = Document(io.BytesIO(docx))
    header = document.sections[0].header.paragraphs[0]
    header.add_run().add_picture(io.BytesIO(_png(colour)), width=Cm(2.0))
    body = document.paragraphs[1]
    body.add_run().add_picture(io.BytesIO(_png("#c00000", (60, 60))), width=Cm(1.0))
    link_id = document.part.relate_to("https://www.udir.no/", RELATIONSHIP_TYPE.HYPERLINK, True)
    link = etree.SubElement(body._p, f"{W}hyperlink", {f"{R}id": link_id})
    etree.SubElement(etree.SubElement(link, f"{W}r"), f"{W}t").text = " udir.no"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def without_footer(docx: bytes) -> bytes:
    def edit(body: Any) -> None:
        for reference in body[-1].findall(f"{W}footerReference"):
            body[-1].remove(reference)

    return _edited_body(docx, edit)


def of_another_template(docx: bytes) -> bytes:
    """The same document with its body text a point larger: other shared styles."""
    styles = parts_of(docx)["word/styles.xml"]
    return repacked(docx, {"word/styles.xml": styles.replace(b'w:val="22"', b'w:val="24"', 1)})
