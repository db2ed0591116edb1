"""The XML parts of an uploaded Word template, read as a stream of bytes
(trygg.documents.template_intake reads the package and hands each XML part here chunk by
chunk): DOCTYPE and ENTITY declarations refused by a byte search before any parser sees
them, the small parts that say what the package links to (relationships, content types,
settings) parsed one element at a time, and the field codes of the body found by a byte
search. Every reason is in Norwegian and names the part.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree

# The most reasons one report lists; a hostile file could otherwise fill a page.
MAX_REASONS = 12

_DECLARATIONS = (b"<!doctype", b"<!entity")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_REMOTE_TARGET = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|\\\\|//)", re.IGNORECASE)
# Field codes that make Word or LibreOffice fetch or run something when the file opens.
_FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|DDEAUTO|DDE|LINK|IMPORT)\b", re.I)
_FORBIDDEN_CONTENT_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
# Relationship types (last path segment) that bring code, objects or other files in.
_FORBIDDEN_RELATIONSHIPS = {
    "attachedTemplate": "en tilknyttet mal (attachedTemplate)",
    "aFChunk": "et innsatt dokument (altChunk)",
    "oleObject": "et innebygd objekt (OLE)",
    "package": "en innebygd fil",
    "control": "en ActiveX-kontroll",
    "activeXControl": "en ActiveX-kontroll",
    "vbaProject": "makroer (VBA)",
    "wordVbaData": "makroer (VBA)",
    "subDocument": "et underdokument",
    "frame": "en ramme som henter en annen fil",
}


@dataclass
class Reasons:
    items: list[str] = field(default_factory=list)

    def add(self, reason: str) -> None:
        if reason not in self.items and len(self.items) < MAX_REASONS:
            self.items.append(reason)


def shown(text: str, limit: int = 60) -> str:
    """A part's name or a target as a reason quotes it: printable, and not too long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A field code in any namespace prefix: the text of instrText, or fldSimple's instr.
_FIELD = re.compile(
    rb"<(?:[\w.-]+:)?instrText\b[^>]*>([^<]{0,2000})"
    rb"|<(?:[\w.-]+:)?fldSimple\b[^>]*?\binstr\s*=\s*(?:\"([^\"]{0,2000})\"|'([^']{0,2000})')"
    rb"|<(?:[\w.-]+:)?(altChunk)\b"
)
_FIELD_NAMES = (b"instrText", b"fldSimple", b"altChunk")
_ALT_CHUNK = etree.Element("altChunk")
# What a window keeps of the previous chunk, so a tag cut in two is found whole.
_OVERLAP = 4096


class XmlScanner:
    """Raw-byte search for DOCTYPE and ENTITY declarations, then a streaming parse that
    keeps one element at a time, for relationships and the elements that fetch or embed."""

    def __init__(self, name: str, reasons: Reasons, *, parse: bool, fields: bool) -> None:
        self.parse = parse
        self.fields = fields and not parse
        self.field_tail = b""
        self.name = name
        self.part = shown(name)
        self.reasons = reasons
        self.tail = b""
        self.first = True
        self.parser = etree.XMLPullParser(
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )

    def feed(self, chunk: bytes) -> bool:
        """False once the part is refused; the rest of it is then only counted."""
        if self.first:
            self.first = False
            if not self._utf8(chunk):
                return False
        window = (self.tail + chunk).lower()
        if any(d in window for d in _DECLARATIONS):
            self.reasons.add(
                f"Delen «{self.part}» har en DOCTYPE- eller ENTITY-erklæring. Word "
                "lager aldri det; slike erklæringer brukes til å lese filer på serveren eller "
                "fylle minnet."
            )
            return False
        self.tail = window[-16:]
        if self.fields:
            self._search_fields(chunk)
        if not self.parse:
            return True
        try:
            self.parser.feed(chunk)
            self._drain()
        except etree.XMLSyntaxError:
            self._broken()
            return False
        return True

    def close(self) -> None:
        if not self.parse:
            return
        try:
            self.parser.close()
            self._drain()
        except etree.XMLSyntaxError:
            self._broken()

    def _search_fields(self, chunk: bytes) -> None:
        window = self.field_tail + chunk
        self.field_tail = window[-_OVERLAP:]
        # Most windows hold none of the three names: a plain search skips the regex.
        if not any(name in window for name in _FIELD_NAMES):
            return
        for match in _FIELD.finditer(window):
            if match.group(4):
                self._inspect("altChunk", _ALT_CHUNK)
                continue
            raw = match.group(1) or match.group(2) or match.group(3) or b""
            # The parser would resolve character references ("&#73;NCLUDEPICTURE").
            self._field_code(html.unescape(raw.decode("utf-8", "replace")))
        # Matches inside the overlap are found again in the next window; _Reasons keeps one.

    def _field_code(self, code: str) -> None:
        found = _FETCHING_FIELD.match(code)
        if found:
            self.reasons.add(
                f"Feltkoden {found.group(1).upper()} i «{self.part}» henter innhold utenfra "
                "når dokumentet åpnes. Fjern feltet."
            )

    def _broken(self) -> None:
        self.reasons.add(f"XML-en i delen «{self.part}» er ødelagt. Lagre malen på nytt i Word.")

    def _utf8(self, chunk: bytes) -> bool:
        # A declaration in UTF-16 or another encoding would hide from the byte search.
        declared = _ENCODING.search(chunk[:200])
        odd = chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]
        if odd or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8")):
            self.reasons.add(f"Delen «{self.part}» er ikke lagret som UTF-8, slik Word gjør.")
            return False
        return True

    def _drain(self) -> None:
        for _, element in self.parser.read_events():
            tag = element.tag
            if isinstance(tag, str):
                self._inspect(etree.QName(tag).localname, element)
            element.clear()
            # Drop the finished siblings, so the tree never grows past one element.
            while element.getprevious() is not None:
                parent = element.getparent()
                if parent is None:
                    break
                del parent[0]

    def _inspect(self, local: str, element: etree._Element) -> None:
        part = self.part
        if local == "Relationship":
            self._relationship(element)
        elif local in ("Default", "Override") and self.name == "[Content_Types].xml":
            content_type = (element.get("ContentType") or "").lower()
            if any(word in content_type for word in _FORBIDDEN_CONTENT_TYPES):
                self.reasons.add(
                    f"Malen er merket som et dokument med makroer eller innebygde objekter "
                    f"(«{shown(content_type)}» i «{part}»). Lagre den som vanlig .docx."
                )
        elif local == "attachedTemplate":
            self.reasons.add(
                f"Malen er koblet til en annen mal (attachedTemplate i «{part}»). Fjern "
                "koblingen i Word under Utviklerverktøy → Dokumentmal."
            )
        elif local == "altChunk":
            self.reasons.add(
                f"Malen setter inn et annet dokument (altChunk i «{part}»). Lim inn teksten "
                "i stedet."
            )
        elif local in ("instrText", "fldSimple"):
            code = element.text if local == "instrText" else element.get(_w("instr"))
            self._field_code(code or "")

    def _relationship(self, element: etree._Element) -> None:
        part = self.part
        target = shown(element.get("Target") or "", 80)
        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
        if kind in _FORBIDDEN_RELATIONSHIPS:
            self.reasons.add(
                f"Malen inneholder {_FORBIDDEN_RELATIONSHIPS[kind]} («{target}» i «{part}»). "
                "Fjern det fra malen."
            )
        external = (element.get("TargetMode") or "").lower() == "external"
        if external or _REMOTE_TARGET.match(element.get("Target") or ""):
            what = {
                "image": "et bilde som hentes fra",
                "hyperlink": "en lenke til",
                "attachedTemplate": "en mal som hentes fra",
            }.get(kind, "en ekstern kobling til")
            self.reasons.add(
                f"Malen har {what} «{target}» («{part}»). Serveren henter aldri noe utenfra: "
                "sett inn bildet i malen, og fjern eksterne lenker og koblinger."
            )


def _w(local: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{local}"
