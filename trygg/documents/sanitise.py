"""Cleaning of user text before it reaches a Word template.

docxtpl's autoescape covers & < > but not what breaks the XML or the layout: control
characters, lone surrogates (they silently truncate the body), CR (no line break in Word),
and BEL/FF/VT, which docxtpl turns into new paragraphs or page breaks.
"""

import re
import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints

# Tab (\t) and newline (\n) are kept: docxtpl renders them as <w:tab/> and <w:br/>.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

# docxtpl un-escapes these sequences in the rendered XML, so a user who typed "{_{" would
# see "{{". A zero-width joiner keeps the two characters apart and is invisible.
_DOCXTPL_ESCAPES = re.compile(r"(?<=\{)(?=_[{%])|(?<=[}%]_)(?=\})")

LONG_TEXT_MAX = 10_000
CELL_TEXT_MAX = 3_000
LINE_TEXT_MAX = 200


def clean_text(value: str) -> str:
    """Return text that renders literally in a docx: LF newlines, no illegal chars, NFC."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _XML_ILLEGAL.sub("", value)
    value = unicodedata.normalize("NFC", value)
    value = _DOCXTPL_ESCAPES.sub("\u200d", value)
    return value.strip()


def clean_line(value: str) -> str:
    """Like clean_text, but a line field (name, title) never holds a line break or tab."""
    return " ".join(clean_text(value).split())


def _clean_text_input(value: object) -> object:
    # Non-strings are left for pydantic to refuse with a type error.
    return clean_text(value) if isinstance(value, str) else value


def _clean_line_input(value: object) -> object:
    return clean_line(value) if isinstance(value, str) else value


def _empty_to_none(value: object) -> object:
    if isinstance(value, str):
        cleaned = clean_text(value)
        return cleaned or None
    return value


# Required texts: cleaned, then at least one character and at most the limit.
LongText = Annotated[
    str,
    BeforeValidator(_clean_text_input),
    StringConstraints(min_length=1, max_length=LONG_TEXT_MAX),
]
CellText = Annotated[
    str,
    BeforeValidator(_clean_text_input),
    StringConstraints(min_length=1, max_length=CELL_TEXT_MAX),
]
LineText = Annotated[
    str,
    BeforeValidator(_clean_line_input),
    StringConstraints(min_length=1, max_length=LINE_TEXT_MAX),
]

# Optional texts: "" and whitespace become None, so documents can say "Ikke oppgitt".
OptionalLongText = Annotated[
    Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)] | None,
    BeforeValidator(_empty_to_none),
]
OptionalCellText = Annotated[
    Annotated[str, StringConstraints(max_length=CELL_TEXT_MAX)] | None,
    BeforeValidator(_empty_to_none),
]
OptionalLineText = Annotated[
    Annotated[str, StringConstraints(max_length=LINE_TEXT_MAX)] | None,
    BeforeValidator(lambda v: _empty_to_none(_clean_line_input(v))),
]
