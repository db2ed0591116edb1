"""Replacing every mention of a labelled person in free text by their label."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trygg.anonymise.actors import (
    CASE_PUPIL_ID,
    Actor,
    actors_by_id,
    display_name,
    family_key,
    is_labelled,
    pupil_ids,
)
from trygg.anonymise.labels import describe, guardian_number
from trygg.anonymise.matching import Mention, NameIndex, Person, Term
from trygg.errors import DomainError

_SENTENCE_END = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
# "Familien Berg" becomes "familien til Elev A", not "familien familien til Elev A".
_FAMILY_WORD = re.compile(r"(?i)\bfamilien\s+$")
# "Berg-familien" likewise.
_FAMILY_SUFFIX = re.compile(r"(?i)[-\u2010\u2011]familien\b")


@dataclass(frozen=True)
class Ambiguity:
    """A name that could mean more than one person; the form asks which one is meant."""

    word: str
    start: int
    end: int
    candidates: tuple[str, ...]  # labels, or name and role for people who are named
    candidate_ids: tuple[str, ...]  # actor ids; CASE_PUPIL_ID for the case's own pupil
    # A possessive: "Olas" (the -s is part of `word`) or "Ola's" (it follows `end`).
    genitive: bool = False

    @property
    def message(self) -> str:
        who = ", ".join(self.candidates)
        return f'"{self.word}" kan være flere personer: {who}. Velg hvem som menes.'


class AmbiguousName(DomainError):
    """A lone name in the text fits more than one person in the case."""

    def __init__(self, ambiguities: Sequence[Ambiguity]) -> None:
        if not ambiguities:
            raise ValueError("AmbiguousName needs at least one ambiguity")
        self.ambiguities = list(ambiguities)
        first = self.ambiguities[0]
        self.word, self.start, self.end = first.word, first.start, first.end
        self.candidates = first.candidates
        super().__init__(first.message)


class Anonymiser:
    """Turns free text written with names into text with labels, for one document."""

    def __init__(
        self,
        case_pupil_name: str,
        actors: Sequence[Actor],
        labels: Mapping[str, str],
        *,
        sent_home: bool = True,
    ) -> None:
        self._case_pupil_name = case_pupil_name
        self._actors = actors_by_id(actors)
        pupils = pupil_ids(actors)
        self._labels: dict[str, str] = {}
        for actor in actors:
            if not is_labelled(actor, pupils, sent_home=sent_home):
                continue
            if actor.id not in labels:
                # Failing is safer than printing a name: the caller must assign labels first.
                raise ValueError(f"Actor {actor.id!r} must be labelled but has no label")
            self._labels[actor.id] = labels[actor.id]
        people = [Person(CASE_PUPIL_ID, case_pupil_name)]
        people += [Person(a.id, a.name, a.aliases) for a in actors]
        self._index = NameIndex(people)

    def label_for(self, actor_id: str) -> str:
        """How a document calls this person: a label, or name and role for staff at work."""
        if actor_id == CASE_PUPIL_ID:
            return self._case_pupil_name
        if actor_id in self._labels:
            return self._labels[actor_id]
        return display_name(self._actors[actor_id])

    def legend(self) -> list[tuple[str, str]]:
        """(label, description) for every labelled person, without names."""
        rows = [(label, describe(self._actors[i])) for i, label in self._labels.items()]
        order = {"pupil": 0, "guardian": 1, "staff": 2}
        return sorted(
            rows,
            key=lambda row: (order[self._actors[_id(row[0], self._labels)].kind], _natural(row[0])),
        )

    def ambiguities(self, value: str) -> list[Ambiguity]:
        """Every name in ``value`` that could mean more than one person."""
        return [a for m in self._index.find(value) if (a := self._ambiguity(value, m))]

    def text(self, value: str, resolutions: Mapping[int, str] | None = None) -> str:
        """``value`` with every mention of a labelled person replaced by their label.

        ``resolutions`` maps the start offset of an ambiguous name to the actor id the
        user chose (CASE_PUPIL_ID for the case's own pupil). Raises AmbiguousName for
        any ambiguous name left unresolved.
        """
        chosen = resolutions or {}
        replacements: dict[tuple[int, int], list[tuple[Mention, str]]] = {}
        problems: list[Ambiguity] = []
        for mention in self._index.find(value):
            label = self._resolve(mention.term)
            if label is None and mention.name_start in chosen:
                label = self._labels.get(chosen[mention.name_start], "")
            elif label is None:
                ambiguity = self._ambiguity(value, mention)
                if ambiguity is not None:
                    problems.append(ambiguity)
                continue
            if label:
                replacements.setdefault((mention.start, mention.end), []).append((mention, label))
        if problems:
            raise AmbiguousName(problems)
        out: list[str] = []
        position = 0
        for (start, end), found in sorted(replacements.items()):
            rendered = self._render(value, start, found)
            if rendered.lower().startswith("familien til"):
                family_word = _FAMILY_WORD.search(value, position, start)
                if family_word:
                    rendered = value[family_word.start()] + rendered[1:]
                    start = family_word.start()
                suffix = _FAMILY_SUFFIX.match(value, end)
                if suffix:
                    end = suffix.end()
            out.append(value[position:start])
            out.append(rendered)
            position = end
        out.append(value[position:])
        return "".join(out)

    def _render(self, value: str, start: int, found: list[tuple[Mention, str]]) -> str:
        mention = found[0][0]
        labels = list(dict.fromkeys(label for _, label in found))
        label = "/".join(labels)
        if label.startswith("familien ") and _SENTENCE_END.search(value[:start]):
            label = "F" + label[1:]
        if mention.handle == "email":
            return f"e-postadressen til {label}"
        if mention.handle == "at":
            return f"@{label}"
        return f"{label} sin" if mention.genitive else label

    def _resolve(self, term: Term) -> str | None:
        """The label a term stands for; "" when it names nobody labelled; None if ambiguous."""
        bearers = term.bearers
        labelled = [key for key in bearers if key in self._labels]
        if not labelled:
            return ""
        if len(bearers) == 1:
            return self._labels[labelled[0]]
        if len(labelled) == len(bearers) and all(kind == "surname" for kind in bearers.values()):
            families = {family_key(self._actors[key]) for key in labelled}
            if len(families) == 1:
                family = families.pop()
                head = self._labels.get(family) or self._labels[labelled[0]]
                return f"familien til {head}"
        return None

    def _ambiguity(self, value: str, mention: Mention) -> Ambiguity | None:
        if self._resolve(mention.term) is not None:
            return None
        keys = sorted(
            mention.term.bearers, key=lambda k: (k not in self._labels, self.label_for(k))
        )
        return Ambiguity(
            word=value[mention.name_start : mention.name_end],
            start=mention.name_start,
            end=mention.name_end,
            candidates=tuple(self.label_for(k) for k in keys),
            candidate_ids=tuple(keys),
            genitive=mention.genitive,
        )


def _id(label: str, labels: Mapping[str, str]) -> str:
    return next(key for key, value in labels.items() if value == label)


def _natural(label: str) -> tuple[int, int, str, int]:
    """Sort "Elev B" before "Elev AA", "Utøvende elev 2" before "Utøvende elev 10", and a
    pupil's guardians by their number ("Foresatt til Elev A" is the first, then
    "Foresatt 2 til Elev A")."""
    guardian = guardian_number(label)
    if guardian is not None:
        pupil, number = guardian
        return (*_natural(pupil)[:3], number)
    last = label.rsplit(" ", 1)[-1]
    if last.isdigit():
        return (1, int(last), label, 0)
    return (0, len(last), label, 0)
