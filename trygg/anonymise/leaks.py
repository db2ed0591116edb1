"""The leak scanner: a labelled person's name anywhere in a finished document blocks archiving."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from trygg.anonymise.actors import CASE_PUPIL_ID, Actor, is_labelled, pupil_ids
from trygg.anonymise.docx_parts import docx_pieces
from trygg.anonymise.matching import NameIndex, Person, Term

_EXCERPT = 30
# Labels and the phrases built from them are never names: "Elev A", "Foresatt 2 til
# Utøvende elev 1", "Ansatt B", "familien til Elev C".
# The letters stay case-sensitive so "elev Jon" is never taken for a label.
_LABEL = re.compile(
    r"\b(?:[Ff]oresatt(?:\s+\d+)?\s+til\s+)?"
    r"(?:[Uu]t[øo]vende\s+elev\s+\d+|[Ee]lev\s+[A-Z]{1,3}|[Aa]nsatt\s+[A-Z]{1,3})\b"
)


@dataclass(frozen=True)
class LeakHit:
    where: str  # Norwegian: "Topptekst", "Tabell 2, rad 3", "Dokumentegenskaper: forfatter"
    name: str  # the registered name found ("Jonas Berg", "Jonas", "Jonte")
    excerpt: str  # a short excerpt around the hit, as written
    found: str = ""  # the name as written in the document
    actor_ids: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return f'Navnet "{self.name}" står i {self.where}: «{self.excerpt}»'


class LeakScanner:
    """The names of a case's labelled people, ready to be looked for in many texts."""

    def __init__(
        self, case_pupil_name: str, actors: Sequence[Actor], *, sent_home: bool = True
    ) -> None:
        pupils = pupil_ids(actors)
        self._labelled = {a.id for a in actors if is_labelled(a, pupils, sent_home=sent_home)}
        people = [Person(CASE_PUPIL_ID, case_pupil_name)]
        people += [Person(a.id, a.name, a.aliases) for a in actors]
        self._index = NameIndex(people)
        self._reported = {id(t) for t in self._index.terms if self._identifies(t)}

    def _identifies(self, term: Term) -> bool:
        """Whether finding this term in a document exposes a labelled person.

        Only terms borne by labelled people alone: a first name or surname shared with
        the case pupil or a named staff member is that person's name too. A first name of
        one or two letters ("Jo", "Bo") is too often something else to block archiving.
        """
        if not term.bearers or not set(term.bearers) <= self._labelled:
            return False
        kinds = set(term.bearers.values())
        return not (kinds == {"first"} and len(term.words[0]) < 3)

    def scan(self, text: str, where: str) -> list[LeakHit]:
        masked = _LABEL.sub(lambda m: " " * len(m.group()), text)
        hits: list[LeakHit] = []
        for mention in self._index.find(masked):
            if id(mention.term) not in self._reported:
                continue
            hits.append(
                LeakHit(
                    where=where,
                    name=mention.term.display,
                    excerpt=_excerpt(text, mention.start, mention.end),
                    found=text[mention.start : mention.end],
                    actor_ids=tuple(sorted(mention.term.bearers)),
                )
            )
        return hits


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - _EXCERPT), min(len(text), end + _EXCERPT)
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def scan_text(
    text: str,
    where: str,
    case_pupil_name: str,
    actors: Sequence[Actor],
    *,
    sent_home: bool = True,
) -> list[LeakHit]:
    """Names of labelled people in ``text`` (e.g. a PDF's extracted text)."""
    return LeakScanner(case_pupil_name, actors, sent_home=sent_home).scan(text, where)


def scan_docx(
    docx: bytes,
    filename: str,
    case_pupil_name: str,
    actors: Sequence[Actor],
    *,
    sent_home: bool = True,
) -> list[LeakHit]:
    """Names of labelled people anywhere in a DOCX package or its file name.

    Raises UnreadableDocument when ``docx`` is not a readable package: a document that
    cannot be checked must not be archived either.
    """
    scanner = LeakScanner(case_pupil_name, actors, sent_home=sent_home)
    hits = scanner.scan(filename, "Filnavn")
    seen: set[tuple[str, str, str]] = set()
    for piece in docx_pieces(docx):
        for hit in scanner.scan(piece.text, piece.where):
            # Word stores a text box twice (DrawingML and a VML fallback): report it once.
            key = (hit.where, hit.name, hit.excerpt)
            if key not in seen:
                seen.add(key)
                hits.append(hit)
    return hits
