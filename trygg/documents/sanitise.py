"""Cleaning of user text before it is anonymised and reaches a Word template.

docxtpl's autoescape covers & < > but not what breaks the XML or the layout: control
characters, lone surrogates (they silently truncate the body), CR (no line break in Word),
and BEL/FF/VT, which docxtpl turns into new paragraphs or page breaks.

Nor does it cover what hides from people and from the name scan: invisible format
characters inside a name ("Jo" + U+2063 + "nas" shows as "Jonas"), variation selectors
and tag characters, and bidi controls (an unclosed right-to-left override in a one-line
field reversed the next field of the header: "2410/6202 :.feR").
"""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from trygg.documents.limits import (
    CELL_TEXT_LINES,
    CELL_TEXT_MAX,
    LINE_TEXT_MAX,
    LONG_TEXT_LINES,
    LONG_TEXT_MAX,
    too_many_lines,
)

# Tab (\t) and newline (\n) are kept: docxtpl renders them as <w:tab/> and <w:br/>.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

# Line and page breaks pasted from Word (VT is Word's manual line break, FF its page
# break), NEL and the Unicode line and paragraph separators. Deleting them glued the
# words on either side together; a line break keeps them apart.
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")

# Invisible characters that Norwegian text does not need, removed wherever they stand:
# - every format character (category Cf) in Unicode 15: soft hyphen, zero-width space
#   and joiners, word joiner and the invisible operators U+2060–2064, U+180E, the BOM,
#   Arabic and other number signs, interlinear annotation, Egyptian and musical format
#   controls, the tag characters U+E0000–E007F;
# - the bidi controls U+200E/F, U+061C, U+202A–202E and U+2066–2069: Word and
#   LibreOffice apply the Unicode bidi algorithm themselves, so Arabic or Hebrew quoted
#   in a field still reads right to left without them, and a field can no longer turn
#   the direction of what follows it;
# - the combining grapheme joiner U+034F and the variation selectors U+FE00–FE0F and
#   U+E0100–E01EF, which are invisible after a letter.
# tests/test_text_normalisation.py checks that every Cf character is in this list.
#
# Decisions:
# - The soft hyphen U+00AD goes too. It is only a hyphenation hint, invisible in the form
#   where the user would have to find it, and it splits a name in the PDF's text layer;
#   the templates declare nb-NO, so Word and LibreOffice hyphenate Norwegian themselves.
# - The zero-width joiner U+200D and the variation selectors U+FE0E/FE0F stay inside an
#   emoji sequence quoted from a chat ("👨‍👩‍👧", "❤️"): there they join pictures or pick
#   the coloured picture, and they cannot hide a name, which is made of letters (see
#   _keep). Tags in flag sequences (🏴 with the tags of Scotland) go: the black flag
#   remains, which is not worth an exception that tags could hide text in.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_EMOJI_JOINERS = "\u200d\ufe0e\ufe0f"
# Skin tone modifiers (category Sk) end an emoji that a joiner may follow: "👩🏽‍💻".
_SKIN_TONES = range(0x1F3FB, 0x1F400)

# docxtpl un-escapes these sequences in the rendered XML, so a user who typed "{_{" would
# see "{{". A zero-width joiner keeps the two characters apart and is invisible.
_DOCXTPL_ESCAPES = re.compile(r"(?<=\{)(?=_[{%])|(?<=[}%]_)(?=\})")


def _is_emoji(char: str) -> bool:
    # Python has no Extended_Pictographic property; every emoji is an "other symbol" (So)
    # or a skin tone, and no letter is.
    return unicodedata.category(char) == "So" or ord(char) in _SKIN_TONES


def _keep(text: str, start: int) -> bool:
    """Whether the invisible character at ``start`` belongs to an emoji sequence."""
    char = text[start]
    if char not in _EMOJI_JOINERS or start == 0:
        return False
    before = text[start - 1]
    if char != "\u200d":
        return _is_emoji(before)
    after = text[start + 1 : start + 2]
    return (_is_emoji(before) or before == "\ufe0f") and bool(after) and _is_emoji(after)


def strip_invisible(value: str) -> str:
    """``value`` without invisible format characters, bidi controls and selectors."""
    return _INVISIBLE.sub(lambda m: m.group() if _keep(value, m.start()) else "", value)


def clean_text(value: str) -> str:
    """Return text that renders literally in a docx: LF newlines, no illegal or invisible
    characters, NFC."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _LINE_BREAKS.sub("\n", value)
    value = _XML_ILLEGAL.sub("", value)
    # Before NFC: an invisible character between a letter and its accent blocks composing.
    value = strip_invisible(value)
    value = unicodedata.normalize("NFC", value)
    value = _DOCXTPL_ESCAPES.sub("\u200d", value)
    return value.strip()


def clean_line(value: str) -> str:
    """Like clean_text, but a line field (name, title) never holds a line break or tab."""
    return " ".join(clean_text(value).split())


def _at_most_lines(most: int) -> AfterValidator:
    def check(value: str) -> str:
        problem = too_many_lines(value, most)
        if problem is not None:
            # "trygg_rule": validation.py shows the Norwegian message as it is.
            raise PydanticCustomError("trygg_rule", problem)
        return value

    return AfterValidator(check)


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
    _at_most_lines(LONG_TEXT_LINES),
]
CellText = Annotated[
    str,
    BeforeValidator(_clean_text_input),
    StringConstraints(min_length=1, max_length=CELL_TEXT_MAX),
    _at_most_lines(CELL_TEXT_LINES),
]
LineText = Annotated[
    str,
    BeforeValidator(_clean_line_input),
    StringConstraints(min_length=1, max_length=LINE_TEXT_MAX),
]

# Optional texts: "" and whitespace become None, so documents can say "Ikke oppgitt".
OptionalLongText = Annotated[
    Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX), _at_most_lines(LONG_TEXT_LINES)]
    | None,
    BeforeValidator(_empty_to_none),
]
OptionalCellText = Annotated[
    Annotated[str, StringConstraints(max_length=CELL_TEXT_MAX), _at_most_lines(CELL_TEXT_LINES)]
    | None,
    BeforeValidator(_empty_to_none),
]
OptionalLineText = Annotated[
    Annotated[str, StringConstraints(max_length=LINE_TEXT_MAX)] | None,
    BeforeValidator(lambda v: _empty_to_none(_clean_line_input(v))),
]


__all__ = [
    "CELL_TEXT_MAX",
    "LINE_TEXT_MAX",
    "LONG_TEXT_MAX",
    "CellText",
    "LineText",
    "LongText",
    "OptionalCellText",
    "OptionalLineText",
    "OptionalLongText",
    "clean_line",
    "clean_text",
    "strip_invisible",
]
