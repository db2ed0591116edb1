"""Finding mentions of registered people in free text.

A registered name gives several *terms* (full name, first name, surname, nickname, "Jonas
B."), each a sequence of folded words. The text is split into words; at each word the
longest term that starts there wins. Each term knows every person who bears it, so the
caller can decide whether a mention identifies one person or is ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import Literal

from trygg.anonymise.folding import fold_word, name_variants, split_words
from trygg.anonymise.namelists import common_word_names, folded_first_names

TermKind = Literal["full", "first", "surname", "alias"]
HandleKind = Literal["", "handle", "at", "email"]

# Between the words of a multi-word name: spaces or line breaks, or one of the joiners
# people use in handles and e-mail addresses ("jonas.berg", "jonas_berg", "Anne-Marie").
_SEPARATOR = re.compile(r"\s+|[._\-\u2010\u2011]")
_APOSTROPHES = "'’"
_OPENING_QUOTES = "'‘"
# Characters that glue a name into a chat handle or e-mail address.
_HANDLE_CHARS = "._@+"  # isalnum() covers letters and digits


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class Term:
    words: tuple[str, ...]
    display: str
    # Person key -> how that person bears the term; a surname shared within a family is
    # treated differently from a shared first name.
    bearers: dict[str, TermKind] = field(default_factory=dict)
    # Lower-case free-standing use is an ordinary word ("liv", "hagen"), not the person.
    word_like: bool = False
    # The last word is a surname initial: "Jonas B." must be written with a capital B.
    initial: bool = False


@dataclass(frozen=True)
class Mention:
    start: int  # what to replace: the name with its genitive, or the whole handle
    end: int
    name_start: int  # the name as written
    name_end: int
    term: Term
    genitive: bool
    handle: HandleKind


def _parts(name: str) -> list[tuple[str, ...]]:
    """Whitespace-separated parts of a name, each as its words: "Anne-Marie Berg"."""
    return [tuple(w for _, _, w in split_words(part)) for part in name.split()]


class NameIndex:
    """All terms of a set of people, indexed by their first folded word."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._terms: dict[tuple[str, ...], Term] = {}
        for person in people:
            self._add_person(person)
        self._by_first: dict[str, list[Term]] = {}
        for term in self._terms.values():
            self._by_first.setdefault(term.words[0], []).append(term)
        for terms in self._by_first.values():
            # Longest first; a full name beats the initial form of the same length.
            terms.sort(key=lambda t: (-len(t.words), t.initial))
        self._known_names = folded_first_names()

    @property
    def terms(self) -> list[Term]:
        return list(self._terms.values())

    def _add(
        self,
        words: tuple[str, ...],
        display: str,
        key: str,
        kind: TermKind,
        *,
        initial: bool = False,
    ) -> None:
        if not words:
            return
        variants = [name_variants(w) for w in words[:-1]]
        variants.append(frozenset({fold_word(words[-1])}) if initial else name_variants(words[-1]))
        for folded in product(*variants):
            term = self._terms.get(folded)
            if term is None:
                term = Term(
                    words=folded,
                    display=display,
                    word_like=len(folded) == 1 and folded[0] in common_word_names(),
                    initial=initial,
                )
                self._terms[folded] = term
            # A person bearing a term twice (first name equal to a nickname) keeps the
            # stronger kind; "surname" only stays if every use of it is a surname.
            if term.bearers.get(key, kind) != kind:
                kind = "full" if "full" in (kind, term.bearers[key]) else "first"
            term.bearers[key] = kind

    def _add_person(self, person: Person) -> None:
        # Chunks without letters ("&", "–") are dropped together with their raw text, so
        # the raw chunks and their words stay aligned.
        chunks = [
            (raw, part)
            for raw, part in zip(person.name.split(), _parts(person.name), strict=True)
            if part
        ]
        if not chunks:
            return
        raws = [raw for raw, _ in chunks]
        parts = [part for _, part in chunks]
        every_word = tuple(w for part in parts for w in part)
        self._add(every_word, person.name, person.key, "full")
        self._add(
            parts[0],
            " ".join(parts[0]) if len(parts[0]) == 1 else raws[0],
            person.key,
            "first",
        )
        if len(parts) >= 2:
            surname_raw = raws[-1]
            self._add(parts[0] + parts[-1], f"{raws[0]} {surname_raw}", person.key, "full")
            self._add(
                parts[0] + (parts[-1][0][0],),
                f"{raws[0]} {parts[-1][0][0]}.",
                person.key,
                "full",
                initial=True,
            )
            # Middle names and every piece of a double surname identify the family too.
            for raw, part in zip(raws[1:], parts[1:], strict=True):
                self._add(part, raw, person.key, "surname")
                if len(part) > 1:
                    for piece in part:
                        self._add((piece,), piece, person.key, "surname")
        for alias in person.aliases:
            alias_words = tuple(w for _, _, w in split_words(alias))
            self._add(alias_words, alias, person.key, "alias")

    def find(self, text: str) -> list[Mention]:
        """Every mention of an indexed term in ``text``, left to right, not overlapping."""
        tokens = list(split_words(text))
        folded = [fold_word(w) for _, _, w in tokens]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = self._match_at(text, tokens, folded, i)
            if found is None:
                i += 1
                continue
            mention, consumed = found
            if mention is not None:
                mentions.append(mention)
            i += consumed
        return mentions

    def _match_at(
        self,
        text: str,
        tokens: list[tuple[int, int, str]],
        folded: list[str],
        i: int,
    ) -> tuple[Mention | None, int] | None:
        word = folded[i]
        candidates = self._by_first.get(word, [])
        for term in candidates:
            hit = self._try_term(text, tokens, folded, i, term)
            if hit is not None:
                return hit
        # "Olas", "Kari Bergs": a genitive -s on a single-word name, unless the word is a
        # name in its own right ("Jonas" is not the genitive of "Jona", "Hans" not of "Han").
        if len(word) > 2 and word.endswith("s") and word not in self._known_names:
            for term in self._by_first.get(word[:-1], []):
                if len(term.words) == 1:
                    return self._finish(text, tokens[i][0], tokens[i][1], term, genitive=True), 1
        return None

    def _try_term(
        self,
        text: str,
        tokens: list[tuple[int, int, str]],
        folded: list[str],
        i: int,
        term: Term,
    ) -> tuple[Mention | None, int] | None:
        size = len(term.words)
        if i + size > len(tokens):
            return None
        genitive = False
        for j in range(1, size):
            gap = text[tokens[i + j - 1][1] : tokens[i + j][0]]
            if not _SEPARATOR.fullmatch(gap):
                return None
            word = folded[i + j]
            if word == term.words[j]:
                continue
            if j == size - 1 and not term.initial and word == term.words[j] + "s":
                genitive = True
                continue
            return None
        if term.initial:
            letter = tokens[i + size - 1][2]
            gap = text[tokens[i + size - 2][1] : tokens[i + size - 1][0]]
            if len(letter) != 1 or not letter.isupper() or not gap.isspace():
                return None
        start, end = tokens[i][0], tokens[i + size - 1][1]
        if term.initial and text[end : end + 1] == ".":
            # "Jonas B. sa" swallows the abbreviation dot; "... enn Jonas B." keeps it
            # as the full stop.
            after = text[end + 1 : end + 3].lstrip()
            if after[:1].islower() or after[:1] == ",":
                end += 1
        return self._finish(text, start, end, term, genitive=genitive), size

    def _finish(
        self, text: str, start: int, end: int, term: Term, *, genitive: bool
    ) -> Mention | None:
        name_start, name_end = start, end
        tail = text[end : end + 3]
        # An empty tail is "in" every string, so the apostrophe test needs a character.
        if not genitive and tail[:1] and tail[:1] in _APOSTROPHES:
            if tail[1:2] in ("s", "S") and not tail[2:3].isalpha():
                genitive, end = True, end + 2
            elif (
                term.words[-1][-1:] in ("s", "x", "z")
                and (start == 0 or text[start - 1] not in _OPENING_QUOTES)
                and not tail[1:2].isalpha()
            ):
                # "Jonas' sekk"; but in 'Jonas' the apostrophe closes a quote.
                genitive, end = True, end + 1
        handle_start, handle_end = _handle_span(text, start, name_end)
        handle: HandleKind = ""
        if (handle_start, handle_end) != (start, name_end):
            span = text[handle_start:handle_end]
            if "@" in span[1:]:
                handle = "email"
            elif span.startswith("@"):
                handle = "at"
            else:
                handle = "handle"
            start, end = handle_start, handle_end
            genitive = False
        elif term.word_like and text[start:name_end].islower():
            return None
        return Mention(start, end, name_start, name_end, term, genitive, handle)


def _handle_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The chat handle or e-mail address around a name, or the name itself."""
    left = start
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in _HANDLE_CHARS):
        left -= 1
    right = end
    while right < len(text) and (text[right].isalnum() or text[right] in _HANDLE_CHARS):
        right += 1
    # Sentence punctuation is not part of a handle: "Jonas." or "...Jonas".
    while left < start and text[left] in ".+":
        left += 1
    while right > end and text[right - 1] in ".+@":
        right -= 1
    return left, right
