"""The package check of an uploaded Word template, before anything parses it as Word.

A .docx is a zip of XML parts. python-docx, docxtpl and LibreOffice trust what is inside:
they unpack every part whole (a 1 GB part packs into 1 MB), resolve DOCTYPE entities
(XXE, billion laughs), follow external relationships (the server fetches the address on
every render, and a template can build that address from case data), keep macros and
embedded objects, and load a remote attached template. So the package is read here with
zipfile alone, part by part in bounded chunks, and refused with a Norwegian reason that
names the part. Nothing here holds more than one chunk of a part in memory; the XML parts
are scanned chunk by chunk in trygg.documents.template_xml_scan.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from trygg.config import TemplateLimits
from trygg.documents.template_xml_scan import Reasons, XmlScanner, shown

CHUNK = 64 * 1024
# Below this size a part's ratio says nothing: small XML packs very well.
RATIO_FLOOR = 1024 * 1024

NOT_A_DOCX = (
    "Filen er ikke et Word-dokument (.docx). Åpne malen i Word og velg «Lagre som» → "
    "«Word-dokument (.docx)». Eldre .doc-filer og PDF kan ikke brukes."
)

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"


_PASSIVE_PARTS = ("styles", "theme", "fonttable", "numbering")


class _Refusal(Exception):
    """Stops reading the package: what follows cannot be trusted or is not worth reading."""


def check_package(content: bytes, limits: TemplateLimits | None = None) -> list[str]:
    """Why this upload may not be used as a template, in Norwegian; empty if it may.

    Only zipfile and a streaming XML parser touch the bytes, and only within `limits`,
    so a zip bomb is refused in milliseconds and a few MB of memory."""
    limits = limits or TemplateLimits()
    reasons = Reasons()
    try:
        _check_directory(content, limits)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            _check_headers(infos, limits, reasons)
            if reasons.items:
                return reasons.items
            unpacked = 0
            for info in infos:
                unpacked = _check_part(archive, info, limits, unpacked, reasons)
    except _Refusal as refusal:
        reasons.add(str(refusal))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        reasons.add(NOT_A_DOCX)
    return reasons.items


# --- the zip directory -------------------------------------------------------------------


def _check_directory(content: bytes, limits: TemplateLimits) -> None:
    """Count the central directory's records ourselves, so a package of a million tiny
    parts is refused before zipfile builds an object for each."""
    end = content.rfind(_EOCD, max(0, len(content) - 65557))
    if end < 0 or len(content) < end + 22:
        raise _Refusal(NOT_A_DOCX)
    if content.rfind(_ZIP64_LOCATOR, max(0, end - 20), end) >= 0:
        raise _Refusal(
            "Filen er pakket som en svært stor zip-fil (ZIP64). En Word-mal er aldri det."
        )
    _, _, _, _, _, size, offset, _ = struct.unpack("<4s4H2LH", content[end : end + 22])
    position, records = offset, 0
    while position < offset + size:
        if content[position : position + 4] != _CENTRAL:
            raise _Refusal(NOT_A_DOCX)
        lengths = content[position + 28 : position + 34]
        if len(lengths) < 6:
            raise _Refusal(NOT_A_DOCX)
        name_len, extra_len, comment_len = struct.unpack("<3H", lengths)
        position += 46 + name_len + extra_len + comment_len
        records += 1
        if records > limits.max_members:
            raise _Refusal(
                f"Filen har mer enn {limits.max_members} deler. En Word-mal har vanligvis "
                "rundt 30; så mange deler er tegn på en ødelagt eller farlig fil."
            )


def _bad_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name.split("/")


def _check_headers(infos: list[zipfile.ZipInfo], limits: TemplateLimits, reasons: Reasons) -> None:
    """What the directory says: names, sizes, kinds of part. Nothing is unpacked yet."""
    seen: set[str] = set()
    declared = 0
    for info in infos:
        name = info.filename
        if _bad_name(name):
            reasons.add(f"Delen «{shown(name)}» har et ugyldig navn (absolutt sti eller «..»).")
        if name.lower() in seen:
            reasons.add(f"Delen «{shown(name)}» finnes to ganger i filen.")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            reasons.add(f"Delen «{shown(name)}» er kryptert. Lagre malen uten passord.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            reasons.add(f"Delen «{shown(name)}» er pakket på en måte Word ikke bruker.")
        if info.file_size > limits.max_member_bytes:
            reasons.add(_too_big(name, limits))
        elif _ratio_too_high(info.file_size, info.compress_size, limits):
            reasons.add(_zip_bomb(name))
        declared += info.file_size
        reasons_for_kind = _forbidden_part(name)
        if reasons_for_kind:
            reasons.add(reasons_for_kind)
    if declared > limits.max_total_bytes and not reasons.items:
        reasons.add(
            f"Malen er {_mb(declared)} MB utpakket; høyst {_mb(limits.max_total_bytes)} MB "
            "er tillatt. Fjern store bilder fra malen."
        )
    lower = {n.lower() for n in seen}
    if not reasons.items:
        for required in ("[content_types].xml", "word/document.xml"):
            if required not in lower:
                reasons.add(
                    "Filen kan ikke leses som Word-dokument: delen "
                    f"«{'[Content_Types].xml' if required.startswith('[') else required}» "
                    "mangler."
                )


def _forbidden_part(name: str) -> str | None:
    lower = name.lower()
    base = posixpath.basename(lower)
    if base.startswith("vba") or base.endswith(".vba"):
        return (
            f"Malen inneholder makroer (delen «{shown(name)}»). Lagre den som .docx uten makroer."
        )
    if "/activex/" in f"/{lower}":
        return f"Malen inneholder en ActiveX-kontroll (delen «{shown(name)}»). Fjern den."
    if "/embeddings/" in f"/{lower}" or "oleobject" in base:
        return (
            f"Malen inneholder et innebygd objekt eller en innebygd fil (delen «{shown(name)}»). "
            "Fjern det fra malen."
        )
    return None


# --- one part ----------------------------------------------------------------------------


def _check_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: TemplateLimits,
    unpacked: int,
    reasons: Reasons,
) -> int:
    """Unpack one part in chunks, counting what really comes out (a header can lie), and
    scan it if it is XML. Returns the unpacked total so far."""
    name = info.filename
    lower = name.lower()
    scanner = (
        XmlScanner(name, reasons, parse=_parsed(lower), fields=_may_fetch(lower))
        if lower.endswith((".xml", ".rels"))
        else None
    )
    size = 0
    try:
        for chunk in _chunks(archive, info):
            if size == 0 and scanner is None and chunk.startswith(b"PK\x03\x04"):
                raise _Refusal(
                    f"Delen «{shown(name)}» er selv en pakket fil (zip). Fjern den fra malen."
                )
            size += len(chunk)
            unpacked += len(chunk)
            if size > max(info.file_size, 0) or size > limits.max_member_bytes:
                raise _Refusal(_too_big(name, limits))
            if _ratio_too_high(size, info.compress_size, limits):
                raise _Refusal(_zip_bomb(name))
            if unpacked > limits.max_total_bytes:
                raise _Refusal(
                    f"Malen er mer enn {_mb(limits.max_total_bytes)} MB utpakket. "
                    "Fjern store bilder fra malen."
                )
            if scanner is not None and not scanner.feed(chunk):
                scanner = None
        if scanner is not None:
            scanner.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise _Refusal(
            f"Delen «{shown(name)}» er skadet og kan ikke pakkes ut. Lagre malen på nytt i Word."
        ) from None
    return unpacked


def _may_fetch(lower_name: str) -> bool:
    """Whether a part can hold a relationship, a field code or a setting that fetches or
    embeds; styles, themes and numbering (the big parts) cannot, and are only searched."""
    base = posixpath.basename(lower_name)
    return (
        lower_name.endswith(".rels")
        or base == "[content_types].xml"
        or (lower_name.startswith("word/") and not base.startswith(_PASSIVE_PARTS))
    )


def _parsed(lower_name: str) -> bool:
    """The small parts that say what the package links to: relationships, content types and
    settings, parsed element by element. The body, headers and footers can hold millions
    of elements (a 60 KB upload held 2,000,000 paragraphs, 12 s of parsing in the web
    process); their only way to fetch is a field code, found by a byte search (_FIELD)."""
    base = posixpath.basename(lower_name)
    return lower_name.endswith(".rels") or base in ("[content_types].xml", "settings.xml")


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            yield chunk


# --- words -------------------------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _ratio_too_high(size: int, packed: int, limits: TemplateLimits) -> bool:
    return size > RATIO_FLOOR and size > limits.max_ratio * max(packed, 1)


def _too_big(name: str, limits: TemplateLimits) -> str:
    return (
        f"Delen «{shown(name)}» er større enn {_mb(limits.max_member_bytes)} MB utpakket. "
        "Fjern eller komprimer store bilder i malen."
    )


def _zip_bomb(name: str) -> str:
    return (
        f"Delen «{shown(name)}» er pakket så tett at den er mistenkelig (en «zip-bombe»). "
        "Lagre malen på nytt i Word."
    )
