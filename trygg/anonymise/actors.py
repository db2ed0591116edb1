"""The people of a case as the anonymiser sees them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["pupil", "guardian", "staff"]

# The case's own pupil is not an Actor (it is the case), but the matcher needs a key for
# it so that a name shared with the case pupil is recognised as ambiguous.
CASE_PUPIL_ID = "__case_pupil__"

PERPETRATOR_ROLE = "utøvende"


@dataclass(frozen=True)
class Actor:
    id: str
    kind: ActorKind
    name: str
    aliases: tuple[str, ...] = ()
    role: str | None = None  # pupils: "utøvende", "medelev", "vitne"; staff: free
    title: str | None = None  # staff title, e.g. "kontaktlærer"
    guardian_of: str | None = None  # guardian -> pupil actor id
    suspected: bool = False  # staff suspected under § 12-5


@dataclass(frozen=True)
class LabelSettings:
    # School setting: pupils with role "utøvende" become "Utøvende elev 1", "Utøvende elev 2".
    perpetrator_labels: bool = False


def is_labelled(actor: Actor, pupil_ids: frozenset[str], *, sent_home: bool = True) -> bool:
    """Whether documents must call this person by a label instead of their name.

    Other pupils always; guardians of those pupils (a guardian whose pupil is not an actor
    is the case pupil's own guardian and is named); staff only when suspected under § 12-5
    and the document goes home.
    """
    if actor.kind == "pupil":
        return True
    if actor.kind == "guardian":
        return actor.guardian_of is not None and actor.guardian_of in pupil_ids
    return actor.suspected and sent_home


def pupil_ids(actors: Sequence[Actor]) -> frozenset[str]:
    return frozenset(a.id for a in actors if a.kind == "pupil")


def family_key(actor: Actor) -> str:
    """The pupil a person belongs with, for "familien til Elev A"."""
    if actor.kind == "guardian" and actor.guardian_of is not None:
        return actor.guardian_of
    return actor.id


def display_name(actor: Actor) -> str:
    """How an unlabelled person appears in a document: name and role."""
    if actor.kind == "staff":
        return f"{actor.name} ({actor.title})" if actor.title else actor.name
    if actor.kind == "guardian":
        return f"{actor.name} (foresatt)"
    return actor.name


def actors_by_id(actors: Sequence[Actor]) -> Mapping[str, Actor]:
    by_id: dict[str, Actor] = {}
    for actor in actors:
        if actor.id in by_id or actor.id == CASE_PUPIL_ID:
            raise ValueError(f"Duplicate or reserved actor id: {actor.id!r}")
        by_id[actor.id] = actor
    return by_id
