"""Warnings for words in free text that look like names of people not registered in the case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from trygg.anonymise.actors import Actor
from trygg.anonymise.folding import INVISIBLE_IN_WORD, fold_word, plain_word, split_words
from trygg.anonymise.namelists import common_word_names, first_names

# A word, with hyphenated compounds kept whole so "Anne-Marie" is checked as one name,
# and invisible characters inside it kept so "Jo\u2063nas" is one word.
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{INVISIBLE_IN_WORD}])*"
_WORD = re.compile(rf"{_LETTERS}(?:-{_LETTERS})*")
# What may stand between a sentence boundary and its first word: spaces, opening quotes,
# brackets, dashes and bullets ("Hun sa: «Liv ...", "- Stein ...", "• Sol ...").
_LEADING = " \t\u00a0«\"“‘'([–—-•*·"
_SENTENCE_ENDS = ".!?:;…"
# Names that are part of a place or institution name: "Olav Kyrres gate", "Ole Bulls plass".
_PLACE_WORDS = frozenset(
    {"gate", "gata", "vei", "veg", "veien", "vegen", "plass", "allé", "alle", "skole", "skule"}
    | {"kirke", "kyrkje", "barnehage", "park", "parken", "torg", "torget", "brygge", "stadion"}
    # Definite forms, as in "Stein-skolen" or "Lia barnehagen".
    | {"skolen", "skulen", "kirken", "kirka", "kyrkja", "barnehagen", "hallen", "senteret"}
    | {"senter", "bakken", "stranda", "banen", "stasjon", "stasjonen", "skogen", "butikken"}
)


@dataclass(frozen=True)
class NameWarning:
    word: str
    start: int
    end: int
    message: str
    name: str = ""  # the first name the word is: "Kari" for "Karis"


def _message(word: str) -> str:
    return (
        f'"{word}" ser ut som et navn som ikke er registrert i saken. '
        "Legg personen til, eller bekreft at det ikke er et navn."
    )


def is_sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins a sentence, a line, a quote or a list item."""
    before = text[:start].rstrip(_LEADING)
    if not before or before.endswith("\n") or before[-1] in _SENTENCE_ENDS:
        return True
    # Numbered list items: "1. Liv ..." or "a) Sol ..."
    return bool(re.search(r"(?:^|\n)\s*(?:\d+|[a-z])[.)]$", before))


def _registered_words(case_pupil_name: str, actors: Sequence[Actor]) -> frozenset[str]:
    names = [case_pupil_name] + [a.name for a in actors] + [x for a in actors for x in a.aliases]
    return frozenset(fold_word(word) for name in names for _, _, word in split_words(name))


def _as_name(word: str) -> str | None:
    """The SSB first name ``word`` is, or is the genitive of ("Karis" -> "Kari"); a word
    written with invisible characters or look-alike letters is read as it shows."""
    known = first_names()
    word = plain_word(word)
    if word in known:
        return word
    if word.endswith("s") and word[:-1] in known:
        return word[:-1]
    return None


def unregistered_names(
    text: str, case_pupil_name: str, actors: Sequence[Actor]
) -> list[NameWarning]:
    """Capitalised words that are common Norwegian first names but no person in the case.

    The heuristic, chosen so ordinary text does not flood users with warnings:
    - only capitalised words count (a name in lower case is not told apart from a word),
      and words in capitals only are taken for abbreviations ("SFO", "PPT");
    - a name that is also an ordinary word ("Liv", "Stein", "Vår", "Per", "Andre") is
      skipped at the start of a sentence, line, quote or list item, where any word is
      capitalised; mid-sentence a capital letter makes it a name;
    - any other name at a sentence start is skipped when the same word occurs in lower
      case elsewhere in the text, which shows it is a word in this text;
    - names followed by "gate", "vei", "plass", "skole"... are places or institutions.
    """
    registered = _registered_words(case_pupil_name, actors)
    words = _common_lower_words(text)
    warnings: list[NameWarning] = []
    for match in _WORD.finditer(text):
        for start, end, word in _candidates(match):
            shown = plain_word(word)
            if not shown[:1].isupper() or shown.isupper():
                continue
            name = _as_name(word)
            if name is None or fold_word(name) in registered or fold_word(word) in registered:
                continue
            if is_sentence_start(text, start) and (
                fold_word(name) in common_word_names() or name.lower() in words
            ):
                continue
            if _next_words(text, end) & _PLACE_WORDS:
                continue
            warnings.append(NameWarning(word, start, end, _message(name), name))
    return warnings


def _candidates(match: re.Match[str]) -> list[tuple[int, int, str]]:
    compound = match.group()
    if "-" not in compound or _as_name(compound):
        return [(match.start(), match.end(), compound)]
    # "Jonas-gjengen": check each piece of a compound that is not itself a name.
    pieces: list[tuple[int, int, str]] = []
    offset = match.start()
    for piece in compound.split("-"):
        pieces.append((offset, offset + len(piece), piece))
        offset += len(piece) + 1
    return pieces


def _common_lower_words(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _WORD.finditer(text) if m.group().islower())


def _next_words(text: str, end: int) -> frozenset[str]:
    following = _WORD.findall(text, end, end + 60)[:3]
    return frozenset(word.lower() for word in following)
