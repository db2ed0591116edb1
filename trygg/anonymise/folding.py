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

# A word is a run of letters; combining marks, soft hyphens and zero-width characters
# inside it are kept so that decomposed "Aïsha" or a Word-hyphenated "Jo\xadnas" stay one
# word. Digits, "_" and punctuation end a word, which is what splits "jonas_berg08".
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060])*")

# Letters NFKD does not decompose, written the way Norwegians write them in ASCII.
_SPECIAL = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "þ": "th"}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060"))


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """Lower-case, strip diacritics and invisible characters: "Jørgen" -> "jorgen"."""
    lowered = word.translate(_INVISIBLE).casefold()
    if lowered.isascii():
        return lowered
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", lowered):
        if unicodedata.combining(char):
            continue
        out.append(_SPECIAL.get(char, char))
    return "".join(out)


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
