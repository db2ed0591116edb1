"""Several Word files as one document, a section each, for one LibreOffice conversion.

The files come from trygg.pdf.composable, all of one group (the same shared parts). The
first file's package is the frame: its shared parts stay as they are, and every file
brings its own body, headers and footers (its own date and reference) and pictures,
renamed so that they do not meet. Each section starts on a new page and numbers its pages
from 1. NUMPAGES would count every section of the composed document, and LibreOffice 7.4
knows no page count per section (it reads Word's SECTIONPAGES as plain text), so the
number is written out as the caller expects it; the caller checks it against the PDF
and composes again where it was wrong (trygg.pdf.batch). The archived files are never
changed: only their composed copy is.

Two bookmarks mark each section, at the start of its first paragraph and at the end of
its last; exported as named destinations they tell which pages are whose.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from collections.abc import Sequence
from typing import Any

from lxml import etree

from trygg.pdf.composable import (
    DOCUMENT,
    HEADER_FOOTER,
    R_NS,
    Relationship,
    WordFile,
    parse_xml,
    references,
    relationships_of,
    rels_name,
)
from trygg.pdf.word_fields import W, write_out_page_counts

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_CONTENT_TYPES = "[Content_Types].xml"
_R_ID = f"{{{R_NS}}}id"
# The order the schema gives a section's properties (CT_SectPr).
_SECTION_ORDER = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)


def section_marks(index: int) -> tuple[str, str]:
    """The bookmarks at the start and the end of section ``index`` (letters and digits
    only: LibreOffice escapes anything else in a destination's name)."""
    return f"TryggStart{index}", f"TryggEnd{index}"


def _xml(root: Any) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


class _Package:
    """The composed package as it grows: its parts, content types and relationships."""

    def __init__(self, frame: WordFile) -> None:
        self.parts = dict(frame.parts)
        for name in _own_parts(frame):
            self.parts.pop(name, None)
        self.types = parse_xml(frame.parts[_CONTENT_TYPES])
        for override in list(self.types.iter(f"{{{_CT_NS}}}Override")):
            if override.get("PartName", "").lstrip("/") not in self.parts:
                self.types.remove(override)
        self.defaults = {d.get("Extension", "").lower() for d in self.types}
        self.rels = parse_xml(frame.parts[rels_name(DOCUMENT)])
        for element in list(self.rels):
            rel = frame.relationships.get(element.get("Id", ""))
            if rel is None or rel.type in HEADER_FOOTER or rel.type in ("image", "hyperlink"):
                self.rels.remove(element)

    def add_part(self, name: str, data: bytes, source: WordFile, source_name: str) -> None:
        """Add ``data`` as ``name`` with the content type ``source_name`` had there."""
        self.parts[name] = data
        override = source.overrides.get(source_name)
        if override is not None:
            etree.SubElement(
                self.types, f"{{{_CT_NS}}}Override", PartName=f"/{name}", ContentType=override
            )
            return
        extension = posixpath.splitext(name)[1].lstrip(".").lower()
        if extension not in self.defaults and extension in source.defaults:
            etree.SubElement(
                self.types,
                f"{{{_CT_NS}}}Default",
                Extension=extension,
                ContentType=source.defaults[extension],
            )
            self.defaults.add(extension)

    def write(self, document: Any) -> bytes:
        self.parts[DOCUMENT] = _xml(document)
        self.parts[rels_name(DOCUMENT)] = _xml(self.rels)
        self.parts[_CONTENT_TYPES] = _xml(self.types)
        out = io.BytesIO()
        # Sent to LibreOffice and thrown away: the fastest compression that still packs.
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            package.writestr(_CONTENT_TYPES, self.parts.pop(_CONTENT_TYPES))
            for name, data in self.parts.items():
                package.writestr(name, data)
        return out.getvalue()


def _own_parts(frame: WordFile) -> set[str]:
    """The frame's parts that belong to its own section, not to the whole document."""
    own = set()
    for rel in frame.relationships.values():
        if rel.external:
            continue
        if rel.type in HEADER_FOOTER:
            own |= {rel.target, rels_name(rel.target)}
            own |= {r.target for r in relationships_of(frame.parts, rel.target).values()}
        elif rel.type == "image":
            own.add(rel.target)
    return own


def _relationship(rels_root: Any, rel_id: str, rel: Relationship, target: str) -> None:
    element = etree.SubElement(
        rels_root,
        f"{{{_RELS_NS}}}Relationship",
        Id=rel_id,
        Type=f"{R_NS}/{rel.type}",
        Target=target,
    )
    if rel.external:
        element.set("TargetMode", "External")


def _carry(
    package: _Package,
    source: WordFile,
    rels: dict[str, Relationship],
    root: Any,
    rels_root: Any,
    prefix: str,
    pages: int,
) -> None:
    """Bring the parts ``root`` (a body or a header) refers to into the package under
    new names and relationship ids, rewriting its references to them."""
    renamed: dict[str, str] = {}
    for reference in references(root):
        element, name, value = reference.getparent(), reference.attrname, str(reference)
        if value in rels:
            if value not in renamed:
                rel = rels[value]
                new_id = renamed[value] = f"{prefix}{len(renamed)}"
                if rel.external:
                    _relationship(rels_root, new_id, rel, rel.target)
                elif rel.type in HEADER_FOOTER:
                    target = _header(package, source, rel, f"{rel.type}_{new_id}", pages)
                    _relationship(rels_root, new_id, rel, target)
                else:
                    part = f"word/media/{new_id}{posixpath.splitext(rel.target)[1]}"
                    package.add_part(part, source.parts[rel.target], source, rel.target)
                    _relationship(rels_root, new_id, rel, posixpath.relpath(part, "word"))
            element.set(name, renamed[value])


def _header(package: _Package, source: WordFile, rel: Relationship, name: str, pages: int) -> str:
    """A copy of a header or footer part for one section; returns its target."""
    root = parse_xml(source.parts[rel.target])
    if rel.target in source.page_counts_in:
        write_out_page_counts(root, pages)
    part = f"word/{name}.xml"
    own = relationships_of(source.parts, rel.target)
    if own:
        rels_root = etree.Element(f"{{{_RELS_NS}}}Relationships", nsmap={None: _RELS_NS})
        _carry(package, source, own, root, rels_root, f"{name}r", pages)
        package.parts[rels_name(part)] = _xml(rels_root)
    package.add_part(part, _xml(root), source, rel.target)
    return posixpath.relpath(part, "word")


def _in_order(section: Any, tag: str) -> Any:
    """The section's ``tag`` element, created in its schema position if missing."""
    found = section.find(f"{W}{tag}")
    if found is not None:
        return found
    element = etree.Element(f"{W}{tag}")
    rank = _SECTION_ORDER.index(tag)
    before = [c for c in section if _rank(c) <= rank]
    if before:
        before[-1].addnext(element)
    else:
        section.insert(0, element)
    return element


def _rank(element: Any) -> int:
    local = etree.QName(element).localname
    return _SECTION_ORDER.index(local) if local in _SECTION_ORDER else len(_SECTION_ORDER)


def _bookmark(paragraph: Any, name: str, number: int, *, at_end: bool) -> None:
    start = etree.Element(f"{W}bookmarkStart", {f"{W}id": str(number), f"{W}name": name})
    end = etree.Element(f"{W}bookmarkEnd", {f"{W}id": str(number)})
    if at_end:
        paragraph.extend([start, end])
        return
    position = 1 if len(paragraph) and paragraph[0].tag == f"{W}pPr" else 0
    paragraph.insert(position, end)
    paragraph.insert(position, start)


def compose(files: Sequence[WordFile], page_counts: Sequence[int]) -> bytes:
    """One package with a section per file, in order; ``page_counts[i]`` is written
    where file ``i`` has NUMPAGES."""
    if not files or len(files) != len(page_counts):
        raise ValueError("one page count per file, at least one file")
    package = _Package(files[0])
    document = copy.deepcopy(files[0].document)
    body = document.find(f"{W}body")
    for child in list(body):
        body.remove(child)
    bookmark_ids = 0
    for index, (source, pages) in enumerate(zip(files, page_counts, strict=True)):
        copied = copy.deepcopy(source.document.find(f"{W}body"))
        if DOCUMENT in source.page_counts_in:
            write_out_page_counts(copied, pages)
        _carry(package, source, source.relationships, copied, package.rels, f"t{index}r", pages)
        # Bookmark ids are per document: each file's own are renumbered past the others.
        renumbered: dict[str, str] = {}
        for mark in copied.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            old = mark.get(f"{W}id", "")
            if old not in renumbered:
                renumbered[old] = str(bookmark_ids)
                bookmark_ids += 1
            mark.set(f"{W}id", renumbered[old])
        blocks = list(copied)
        section = blocks.pop()
        start, end = section_marks(index)
        _bookmark(next(copied.iter(f"{W}p")), start, bookmark_ids, at_end=False)
        _bookmark(blocks[-1], end, bookmark_ids + 1, at_end=True)
        bookmark_ids += 2
        _in_order(section, "type").set(f"{W}val", "nextPage")
        numbering = _in_order(section, "pgNumType")
        if numbering.get(f"{W}start") is None:
            numbering.set(f"{W}start", "1")
        if index < len(files) - 1:
            _end_section_in(blocks[-1], section)
        body.extend(blocks)
    body.append(section)
    return package.write(document)


def _end_section_in(paragraph: Any, section: Any) -> None:
    """A section other than the last ends in its last paragraph's properties."""
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        properties = etree.Element(f"{W}pPr")
        paragraph.insert(0, properties)
    change = properties.find(f"{W}pPrChange")
    if change is not None:
        change.addprevious(section)
    else:
        properties.append(section)
