"""The text of every part of a DOCX package, each piece with where a user finds it.

Word splits a paragraph into runs at every formatting or spell-check boundary
("Jo" + "nas"), so text is joined per paragraph before anything is matched.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from trygg.errors import DomainError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_PART = 64 * 1024 * 1024  # refuse zip bombs instead of unpacking them
# No network, no entity expansion: a DOCX from a user is untrusted XML.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

_CORE_FIELDS = {
    "creator": "forfatter",
    "lastModifiedBy": "sist endret av",
    "title": "tittel",
    "subject": "emne",
    "keywords": "stikkord",
    "description": "beskrivelse",
    "category": "kategori",
    "contentStatus": "status",
    "identifier": "identifikator",
}
_APP_FIELDS = {"Company": "firma", "Manager": "leder", "Template": "mal"}
_STORIES = [
    (re.compile(r"word/document\d*\.xml"), "Brødtekst"),
    (re.compile(r"word/header\d*\.xml"), "Topptekst"),
    (re.compile(r"word/footer\d*\.xml"), "Bunntekst"),
    (re.compile(r"word/footnotes\.xml"), "Fotnote"),
    (re.compile(r"word/endnotes\.xml"), "Sluttnote"),
    (re.compile(r"word/comments\.xml"), "Kommentar"),
    (re.compile(r"word/glossary/document\.xml"), "Byggeblokker"),
]


class UnreadableDocument(DomainError):
    """The bytes are not a DOCX package that can be checked."""


@dataclass(frozen=True)
class Piece:
    where: str
    text: str


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class _Story:
    """Walks one story part, keeping track of tables and text boxes for "where"."""

    base: str
    pieces: list[Piece] = field(default_factory=list)
    tables: int = 0
    paragraphs: int = 0

    def walk(self, element: etree._Element, where: str) -> None:
        for child in element:
            tag = _local(child.tag)
            if tag == "p":
                self._paragraph(child, where)
            elif tag == "tbl":
                self.tables += 1
                number, row = self.tables, 0
                for tr in child.iter(f"{W}tr"):
                    if tr.getparent() is not child:
                        continue  # rows of nested tables are counted by their own table
                    row += 1
                    self.walk(tr, f"Tabell {number}, rad {row}")
            elif tag in ("comment", "footnote", "endnote") and child.get(f"{W}author"):
                self.pieces.append(Piece(f"{self.base}: forfatter", child.get(f"{W}author", "")))
                self.walk(child, where)
            else:
                self.walk(child, where)

    def _paragraph(self, paragraph: etree._Element, where: str) -> None:
        if where == self.base == "Brødtekst":
            self.paragraphs += 1
            where = f"Brødtekst, avsnitt {self.paragraphs}"
        buffer: list[str] = []
        self._collect(paragraph, buffer, where)
        text = "".join(buffer)
        if text.strip():
            self.pieces.append(Piece(where, text))

    def _collect(self, element: etree._Element, buffer: list[str], where: str) -> None:
        for child in element:
            tag = _local(child.tag)
            if tag in ("t", "delText", "instrText"):
                buffer.append(child.text or "")
            elif tag == "tab":
                buffer.append("\t")
            elif tag in ("br", "cr"):
                buffer.append("\n")
            elif tag == "noBreakHyphen":
                buffer.append("-")
            elif tag == "txbxContent":
                inner = "Tekstboks" if self.base == "Brødtekst" else f"{self.base}, tekstboks"
                self.walk(child, inner)
            elif tag == "docPr":
                alt = " ".join(filter(None, (child.get("descr"), child.get("title"))))
                if alt:
                    self.pieces.append(Piece("Alternativ tekst til bilde", alt))
            elif tag in ("ins", "del") and child.get(f"{W}author"):
                self.pieces.append(
                    Piece("Sporede endringer: forfatter", child.get(f"{W}author", ""))
                )
                self._collect(child, buffer, where)
            else:
                self._collect(child, buffer, where)


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _all_text(root: etree._Element) -> str:
    """Every text node and attribute value, for parts whose structure we do not know."""
    values = [root.text or "" for root in root.iter() if isinstance(root.tag, str)]
    values += [v for el in root.iter() if isinstance(el.tag, str) for v in el.attrib.values()]
    return "\n".join(v for v in values if v.strip())


def _properties(name: str, root: etree._Element) -> Iterator[Piece]:
    if name == "docProps/core.xml":
        for child in root:
            label = _CORE_FIELDS.get(_local(child.tag), _local(child.tag))
            if (child.text or "").strip():
                yield Piece(f"Dokumentegenskaper: {label}", child.text or "")
    elif name == "docProps/app.xml":
        for child in root.iter():
            tag = _local(child.tag)
            if tag in _APP_FIELDS and (child.text or "").strip():
                yield Piece(f"Dokumentegenskaper: {_APP_FIELDS[tag]}", child.text or "")
            elif tag == "lpstr" and (child.text or "").strip():
                yield Piece("Dokumentegenskaper: deltitler", child.text or "")
    else:  # docProps/custom.xml
        for prop in root:
            label = prop.get("name", "")
            value = " ".join(t for t in prop.itertext() if t.strip())
            yield Piece(f"Egendefinert egenskap: {label}", f"{label}: {value}")


@dataclass(frozen=True)
class PartReading:
    """What the leak scanner and the post-render guard need of one XML part, read once."""

    pieces: tuple[Piece, ...]
    text: str | None  # visible_text of the part: body, headers and footers only
    body_text: str | None  # visible_text of word/document.xml's <w:body>, if it has one
    body_ends_with_section: bool  # that body holds its <w:sectPr>


@dataclass(frozen=True)
class PackageReading:
    parts: dict[str, PartReading]  # every .xml and .rels member, by name

    @property
    def pieces(self) -> list[Piece]:
        return [piece for reading in self.parts.values() for piece in reading.pieces]


class PackageUnreadable(UnreadableDocument):
    """Why a package cannot be read: ``reason`` is "zip", "duplicate", "size" or "xml"."""

    def __init__(self, message: str, reason: str, part: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.reason, self.part, self.detail = reason, part, detail


def visible_text(tree: etree._Element) -> str:
    """Text as Word shows it: <w:br/> as newline, tabs, a newline after each paragraph."""
    out: list[str] = []
    for element in tree.iter(f"{W}t", f"{W}br", f"{W}cr", f"{W}tab", f"{W}p"):
        if element.tag == f"{W}t":
            out.append(element.text or "")
        elif element.tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif element.tag == f"{W}tab":
            # Tab stops in <w:pPr><w:tabs> are layout, not text.
            if element.getparent() is not None and element.getparent().tag == f"{W}r":
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


_TEXT_PARTS = re.compile(r"word/(?:[^/]*/)*(?:document|header|footer)[^/]*")
# The readings of parts seen lately, by name and SHA-256 of their bytes: a template's
# styles and theme are the same in every document, and the guard's reading of a freshly
# rendered body is the leak scanner's too. The same bytes always read the same.
_READINGS_SIZE = 512
_readings: OrderedDict[tuple[str, str], PartReading] = OrderedDict()
_readings_lock = threading.Lock()


def _read_part(name: str, data: bytes) -> PartReading:
    key = (name, hashlib.sha256(data).hexdigest())
    with _readings_lock:
        cached = _readings.get(key)
        if cached is not None:
            _readings.move_to_end(key)
            return cached
    try:
        root = _xml(data)
    except etree.XMLSyntaxError as error:
        raise PackageUnreadable(
            f"Delen {name} kan ikke leses.", "xml", part=name, detail=str(error)
        ) from error
    body = root.find(f"{W}body") if name == "word/document.xml" else None
    reading = PartReading(
        pieces=tuple(_part_pieces(name, root)),
        text=visible_text(root) if _TEXT_PARTS.fullmatch(name) else None,
        body_text=visible_text(body) if body is not None else None,
        body_ends_with_section=body is not None and body.find(f"{W}sectPr") is not None,
    )
    with _readings_lock:
        _readings[key] = reading
        while len(_readings) > _READINGS_SIZE:
            _readings.popitem(last=False)
    return reading


def read_package(docx: bytes) -> PackageReading:
    """Every XML part of ``docx`` parsed (no network, no entities, no huge trees) and
    read; raises PackageUnreadable."""
    try:
        package = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile as error:
        raise PackageUnreadable("Filen er ikke et Word-dokument (.docx).", "zip") from error
    parts: dict[str, PartReading] = {}
    with package:
        infos = package.infolist()
        if len({info.filename for info in infos}) != len(infos):
            raise PackageUnreadable("Filen har doble deler.", "duplicate")
        for info in infos:
            name = info.filename
            if info.file_size > _MAX_PART:
                raise PackageUnreadable(
                    f"Delen {name} er for stor til å kontrolleres.", "size", part=name
                )
            if name.endswith((".xml", ".rels")):
                parts[name] = _read_part(name, package.read(info))
    return PackageReading(parts)


def docx_pieces(docx: bytes) -> list[Piece]:
    """Every piece of text a reader or a program could find in the package."""
    return read_package(docx).pieces


def _part_pieces(name: str, root: etree._Element) -> list[Piece]:
    for pattern, base in _STORIES:
        if pattern.fullmatch(name):
            story = _Story(base)
            story.walk(root, base)
            return story.pieces
    if name in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
        return list(_properties(name, root))
    if name.startswith("customXml/") and not name.endswith(".rels"):
        return [Piece("Egendefinert XML", _all_text(root))]
    if name.endswith(".rels"):
        # External link targets: "mailto:jonas.berg@skole.no", a shared-drive path.
        targets = [el.get("Target", "") for el in root if el.get("TargetMode") == "External"]
        return [Piece("Lenke", target) for target in targets]
    if name == "word/settings.xml":
        variables = [
            f"{el.get(f'{W}name', '')}: {el.get(f'{W}val', '')}" for el in root.iter(f"{W}docVar")
        ]
        return [Piece("Dokumentvariabel", v) for v in variables]
    if name == "word/people.xml":
        authors = [el.get(f"{W}author", "") for el in root.iter() if el.get(f"{W}author")]
        return [Piece("Kommentar: forfatter", a) for a in authors]
    return []
