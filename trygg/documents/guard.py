"""The post-render guard: proves a rendered .docx is whole before anyone gets it.

docxtpl repairs broken body XML with a recovering parser, which silently drops text or
everything after a bad character. Valid XML, a reopening file and LibreOffice all miss
that; only checking that the end marker and every user text are present catches it.

Every XML part is parsed without huge trees (libxml2's depth and text-node limits),
like the leak scanner's: one parse serves both.
"""

from collections.abc import Iterable

from trygg.anonymise.docx_parts import (
    PackageReading,
    PackageUnreadable,
    W,
    read_package,
    visible_text,
)
from trygg.errors import DomainError

__all__ = ["BrokenDocument", "W", "check_rendered", "document_text", "visible_text"]


class BrokenDocument(DomainError):
    """The rendered document is damaged or incomplete; the message is Norwegian."""


_REFUSALS = {
    "zip": "Dokumentet er ikke en gyldig Word-fil (zip).",
    "duplicate": "Dokumentet har doble deler i zip-filen.",
    "size": "Dokumentet har en del som er for stor: {part}.",
    "xml": "Ugyldig XML i {part}: {detail}",
}


def _read(docx: bytes) -> PackageReading:
    """Every XML part parsed strictly, once: the leak scanner reads the same parts of
    the same bytes from trygg.anonymise.docx_parts's readings instead of parsing again."""
    try:
        reading = read_package(docx)
    except PackageUnreadable as exc:
        message = _REFUSALS[exc.reason].format(part=exc.part, detail=exc.detail)
        raise BrokenDocument(message) from exc
    if "word/document.xml" not in reading.parts:
        raise BrokenDocument("Dokumentet mangler hoveddelen (word/document.xml).")
    return reading


def _text(reading: PackageReading) -> str:
    texts = [(name, part.text) for name, part in reading.parts.items() if part.text is not None]
    return "\n".join(text for _name, text in sorted(texts))


def document_text(docx: bytes) -> str:
    """Body, headers and footers as one text (for checks and tests)."""
    return _text(_read(docx))


def check_rendered(docx: bytes, end_marker: str, free_texts: Iterable[str]) -> None:
    """Raise BrokenDocument unless the output is whole; see the module docstring."""
    reading = _read(docx)
    main = reading.parts["word/document.xml"]
    if main.body_text is None or not main.body_ends_with_section:
        raise BrokenDocument("Dokumentet er avkortet: sideoppsettet (w:sectPr) mangler til slutt.")
    if end_marker not in main.body_text:
        raise BrokenDocument(
            "Dokumentet er avkortet: sluttmerket mangler. Noe av innholdet er gått tapt."
        )
    text = _text(reading)
    missing = [value for value in free_texts if value and value not in text]
    if missing:
        sample = missing[0][:80].replace("\n", " ")
        raise BrokenDocument(
            f"{len(missing)} {'tekst' if len(missing) == 1 else 'tekster'} fra skjemaet "
            "mangler i dokumentet, blant annet "
            f"«{sample}». Dokumentet er ikke laget."
        )
