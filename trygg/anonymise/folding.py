"""Case- and diacritic-folding of words, and splitting text into words with offsets.

Matching works on words, never on raw substrings, so that "Ola" can never match inside
"Olav" and "Stein" never inside "Steinkjer". Each word is folded on its own, which keeps
every offset an offset into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import product

from trygg.anonymise.confusables import fold_lookalikes

# What may stand inside a word without being seen: combining marks (decomposed "Aïsha"),
# the combining grapheme joiner, variation selectors, and every invisible format
# character (soft hyphen, zero-width characters, word joiner and invisible operators,
# U+180E, bidi controls, the BOM, tag characters). The sanitiser removes them from what
# users type (trygg.documents.sanitise); matching ignores them too, so "Jo\u2063nas" is
# "Jonas" in a template, a PDF's text layer or a text that never passed the sanitiser.
INVISIBLE_IN_WORD = (
    "\u0300-\u036f\u00ad\u034f\u061c\u180e\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\ufeff\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
# A word is a run of letters with those inside it; a mark before the first letter is not
# part of it. Digits, "_" and punctuation end a word, which is what splits "jonas_berg08".
_WORD = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{INVISIBLE_IN_WORD}])*")
_IGNORED = re.compile(f"[{INVISIBLE_IN_WORD}]")

# Letters NFKD does not decompose, written the way Norwegians write them in ASCII.
_SPECIAL = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "þ": "th"}


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """Lower-case, strip diacritics and invisible characters, and fold letters that look
    Latin: "Jørgen" -> "jorgen", "Jоnas" (Cyrillic о) -> "jonas"."""
    if word.isascii():
        return word.casefold()
    # Look-alikes before case folding: a capital Cyrillic "Н" looks like "H", its small
    # letter "н" like no Latin letter.
    lowered = fold_lookalikes(_IGNORED.sub("", word)).casefold()
    if lowered.isascii():
        return lowered
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", lowered):
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        out.append(_SPECIAL.get(char, char))
    # NFKD may turn a letter into a look-alike or a capital ("𝐉" is a compatibility
    # form of "J"): fold again.
    return fold_lookalikes("".join(out)).casefold()


def plain_word(word: str) -> str:
    """``word`` as it reads: invisible characters removed, look-alike letters in ASCII,
    case and diacritics kept ("Jо\u2063nas" -> "Jonas")."""
    return fold_lookalikes(_IGNORED.sub("", word))


# People spell æ/ø/å both ways in ASCII ("Sæther" as "Saether" or "Sather", "Åse" as
# "Aase"), so a registered name is indexed under every such spelling.
_ALTERNATIVES = {"æ": ("ae", "a"), "ø": ("o", "oe"), "å": ("a", "aa")}
# Every mix of spellings is 2^n for n such letters: fine for a real name ("Bjørnæs"), a
# hang for "ååååå…" typed into a form. Past this many, only the uniform spellings count.
_MAX_MIXED_LETTERS = 4


def name_variants(word: str) -> frozenset[str]:
    """Folded spellings of one name word, e.g. "Sæther" -> {"saether", "sather"}."""
    lowered = word.casefold()
    slots = [_ALTERNATIVES.get(char, (char,)) for char in lowered]
    if all(len(slot) == 1 for slot in slots):
        return frozenset({fold_word(word)})
    if sum(len(slot) > 1 for slot in slots) > _MAX_MIXED_LETTERS:
        uniform = ("".join(slot[i] if len(slot) > 1 else slot[0] for slot in slots) for i in (0, 1))
        return frozenset({fold_word(word), *(fold_word(w) for w in uniform)})
    return frozenset(fold_word("".join(choice)) for choice in product(*slots))


def split_words(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, word) for every word in ``text``."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), match.group()


def name_words(name: str) -> list[str]:
    """The words of a registered name: "Anne-Marie  Berg" -> ["Anne", "Marie", "Berg"]."""
    return [word for _, _, word in split_words(name)]
