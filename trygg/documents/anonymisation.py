"""The seam between the document engine and anonymisation.

The documents depend only on the Anonymiser protocol and on anonymiser_for(). The real
implementation (trygg/anonymise/: stable labels stored per case, inflected forms,
diacritics, ambiguity questions) replaces the small interim one below by changing
anonymiser_for() alone.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from trygg.documents.vocabulary import ACTOR_ROLES


class Anonymiser(Protocol):
    def label_for(self, actor_id: str) -> str:
        """What an actor is called in documents: "Elev A", "Per Olsen (kontaktlærer)"."""
        ...

    def text(self, value: str) -> str:
        """Free text with every labelled person's names replaced by their label."""
        ...

    def legend(self) -> list[tuple[str, str]]:
        """(label, description without names) for every labelled person."""
        ...


@dataclass(frozen=True)
class ActorRecord:
    id: str
    kind: Literal["pupil", "guardian", "staff"]
    name: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    title: str | None = None
    guardian_of: str | None = None


def _letters(index: int) -> str:
    # A..Z, then AA, AB, ...: a class with more than 26 involved pupils is possible.
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


class _InterimAnonymiser:
    def __init__(self, pupil_name: str, actors: Sequence[ActorRecord]) -> None:
        self._labels: dict[str, str] = {}
        self._legend: list[tuple[str, str]] = []
        pupils = [a for a in actors if a.kind == "pupil"]
        for index, actor in enumerate(pupils):
            label = f"Elev {_letters(index)}"
            self._labels[actor.id] = label
            self._legend.append((label, ACTOR_ROLES.get(actor.role or "", actor.role or "elev")))
        for actor in actors:
            if actor.kind == "guardian":
                child = self._labels.get(actor.guardian_of or "")
                label = f"Foresatt til {child}" if child else "Foresatt"
                self._labels[actor.id] = label
                self._legend.append((label, f"foresatt til {child}" if child else "foresatt"))
            elif actor.kind == "staff":
                self._labels[actor.id] = (
                    f"{actor.name} ({actor.title})" if actor.title else actor.name
                )
        self._pattern, self._replacements = self._build(pupil_name, actors)

    def _build(
        self, pupil_name: str, actors: Sequence[ActorRecord]
    ) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        # Names shared with the case's own pupil or staff stay: guessing would hide who
        # did what. The real package asks the user instead.
        keep = {part.casefold() for part in pupil_name.split()}
        keep |= {p.casefold() for a in actors if a.kind == "staff" for p in a.name.split()}
        candidates: dict[str, set[str]] = {}
        for actor in actors:
            if actor.kind == "staff":
                continue
            names = {actor.name, *actor.aliases, *actor.name.split()}
            for name in names:
                if name.casefold() not in keep and len(name) > 1:
                    candidates.setdefault(name.casefold(), set()).add(actor.id)
        replacements: dict[str, str] = {}
        for name, ids in candidates.items():
            if len(ids) == 1:
                replacements[name] = self._labels[next(iter(ids))]
            else:
                family = self._family_label(ids, actors)
                if family:
                    replacements[name] = family
        if not replacements:
            return None, {}
        alternatives = sorted(replacements, key=len, reverse=True)
        pattern = r"(?<!\w)(" + "|".join(re.escape(n) for n in alternatives) + r")(?!\w)"
        return re.compile(pattern, re.IGNORECASE), replacements

    def _family_label(self, ids: set[str], actors: Sequence[ActorRecord]) -> str | None:
        by_id = {a.id: a for a in actors}
        children = {
            actor_id if by_id[actor_id].kind == "pupil" else by_id[actor_id].guardian_of
            for actor_id in ids
        }
        if len(children) == 1:
            child = next(iter(children))
            if child in self._labels:
                return f"familien til {self._labels[child]}"
        return None

    def label_for(self, actor_id: str) -> str:
        return self._labels[actor_id]

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self._replacements[m.group(0).casefold()], value)

    def legend(self) -> list[tuple[str, str]]:
        return list(self._legend)


def anonymiser_for(pupil_name: str, actors: Sequence[ActorRecord]) -> Anonymiser:
    """The anonymiser for one case; pupil_name is the case's own pupil, who stays named."""
    return _InterimAnonymiser(pupil_name, actors)
