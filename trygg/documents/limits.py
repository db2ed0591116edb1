"""How much text one field and one document may hold.

The bounds are there so a document stays a document: a 60 KB text made of line breaks
once became a 1,182-page PDF. They are set far above any real case:

- The examples in examples/ hold 0.2–1.2 thousand characters in all, at most 181 in
  one field and 2 lines in one field. The longest real text in the repository is a whole
  school plan (tests/data/seeds/vestre_aker.txt): 40,203 characters in 1,511 hard-wrapped
  lines, about 20 pages. One case document is a fraction of that.
- A field: 10,000 characters and 200 lines for a long text (about four pages of prose,
  or a list of 200 points); 3,000 characters and 60 lines for a table cell (a
  conversation, a finding); a line field (name, title) never holds a line break.
- A document: 100,000 characters in all (two and a half school plans), and 1,000 line
  breaks in all. An investigation filled to both bounds (99,000 characters, 995 line
  breaks) measured 62 PDF pages, instead of 1,182; the acknowledgement register of a
  school with 1,000 staff (40,000 characters, one line per row) stays well below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A field: characters and lines (a line is what ends in a line break, and the last).
LONG_TEXT_MAX = 10_000
LONG_TEXT_LINES = 200
CELL_TEXT_MAX = 3_000
CELL_TEXT_LINES = 60
LINE_TEXT_MAX = 200

# A document: every text of its input together.
DOCUMENT_CHARACTERS_MAX = 100_000
DOCUMENT_LINE_BREAKS_MAX = 1_000

# What the sanitiser turns into a line break (sanitise.clean_text), counted before it runs
# so a document is checked as it will be rendered.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")

Loc = tuple[str | int, ...]


def line_count(text: str) -> int:
    return len(_LINE_BREAK.findall(text)) + 1


def too_many_lines(text: str, most: int) -> str | None:
    """The Norwegian problem of a text with more than ``most`` lines, or None."""
    lines = line_count(text)
    if lines <= most:
        return None
    return f"for mange linjer (høyst {_number(most)}, fikk {_number(lines)}); slå sammen avsnitt"


def _texts(value: object, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def document_limit_problems(data: object) -> list[tuple[Loc, str]]:
    """Problems of a whole input that is too long, each at the field that weighs most.

    The problem is put at one field, the longest, so the form shows it where shortening
    helps most; the message says that the limit is for the whole document.
    """
    texts = list(_texts(data))
    if not texts:
        return []
    problems: list[tuple[Loc, str]] = []
    characters = sum(len(text) for _, text in texts)
    if characters > DOCUMENT_CHARACTERS_MAX:
        loc, _ = max(texts, key=lambda item: len(item[1]))
        problems.append(
            (
                loc,
                "dokumentet blir for langt (høyst "
                f"{_number(DOCUMENT_CHARACTERS_MAX)} tegn i alle feltene til sammen, fikk "
                f"{_number(characters)}); korte ned denne teksten",
            )
        )
    breaks = sum(line_count(text) - 1 for _, text in texts)
    if breaks > DOCUMENT_LINE_BREAKS_MAX:
        loc, _ = max(texts, key=lambda item: line_count(item[1]))
        problems.append(
            (
                loc,
                "dokumentet får for mange linjer (høyst "
                f"{_number(DOCUMENT_LINE_BREAKS_MAX)} linjeskift i alle feltene til sammen, "
                f"fikk {_number(breaks)}); slå sammen avsnitt i denne teksten",
            )
        )
    return problems
