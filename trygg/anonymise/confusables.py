"""Letters that look like Latin letters: "Jоnas" with a Cyrillic о reads as "Jonas".

The table comes from Unicode's confusables data (UTS #39, confusables.txt) as shipped by
the confusable-homoglyphs package (MIT licence; pinned in requirements.txt), read from
its data file, not through its API: only the data is needed.

Only letters that look like one ASCII letter are folded: Cyrillic and Greek letters
(а, о, е, р, с, у, х, і, ј, ο, α, ν, …) and Latin look-alikes outside ASCII (dotless ı,
small capitals, long ſ). Name matching folds both the registered name and the text, so
a mapping too generous only makes a match more likely, which is the safe side for the
name scan. Fullwidth and mathematical letters need no table: NFKD folds them.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources

_PACKAGE = "confusable_homoglyphs"
_SCRIPTS = ("CYRILLIC ", "GREEK ", "LATIN ")


@lru_cache(maxsize=1)
def latin_lookalikes() -> dict[int, str]:
    """A str.translate table from each look-alike letter to its ASCII letter."""
    raw = resources.files(_PACKAGE).joinpath("confusables.json").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    table: dict[int, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        if not unicodedata.name(char, "").startswith(_SCRIPTS):
            continue
        ascii_letters = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()]
        letters = [c for c in ascii_letters if c.isalpha()]
        if letters:
            table[ord(char)] = letters[0]
    return table


def fold_lookalikes(text: str) -> str:
    """``text`` with every look-alike letter replaced by the ASCII letter it imitates."""
    if text.isascii():
        return text
    return text.translate(latin_lookalikes())
