"""Stable anonymised labels ("Elev A", "Utøvende elev 1", "Foresatt til Elev A", "Ansatt A")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from trygg.anonymise.actors import (
    PERPETRATOR_ROLE,
    Actor,
    LabelSettings,
    actors_by_id,
    is_labelled,
    pupil_ids,
)

_PUPIL = re.compile(r"Elev ([A-Z]+)")
_PERPETRATOR = re.compile(r"Utøvende elev (\d+)")
_STAFF = re.compile(r"Ansatt ([A-Z]+)")
_GUARDIAN = re.compile(r"Foresatt (?:(\d+) )?til (.+)")


def letters(number: int) -> str:
    """1 -> "A", 26 -> "Z", 27 -> "AA": spreadsheet-style, so labels never run out."""
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def letters_number(text: str) -> int:
    number = 0
    for char in text:
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number


def _used(labels: Mapping[str, str], pattern: re.Pattern[str], numeric: bool) -> int:
    """The highest number already used by ``pattern``, so a new label is never a reused one."""
    highest = 0
    for label in labels.values():
        match = pattern.fullmatch(label)
        if match:
            value = int(match.group(1)) if numeric else letters_number(match.group(1))
            highest = max(highest, value)
    return highest


def assign_labels(
    actors: Sequence[Actor],
    settings: LabelSettings,
    existing: Mapping[str, str] = {},  # read only; the agreed API
) -> dict[str, str]:
    """Person id -> label for every labelled person.

    Labels in ``existing`` are kept (a person keeps their label in every document of the
    case, even if the school setting changes), new people get the next free label, and a
    label is never given to a second person: entries of ``existing`` for people no longer
    in ``actors`` are returned as well, so the stored key keeps remembering them.
    Suspected staff are labelled whether or not a given document goes home; the
    Anonymiser decides per document.
    """
    by_id = actors_by_id(actors)
    pupils = pupil_ids(actors)
    labels = dict(existing)
    next_pupil = _used(labels, _PUPIL, numeric=False)
    next_perpetrator = _used(labels, _PERPETRATOR, numeric=True)
    next_staff = _used(labels, _STAFF, numeric=False)
    for actor in actors:
        if actor.id in labels:
            continue
        if actor.kind == "pupil":
            if settings.perpetrator_labels and actor.role == PERPETRATOR_ROLE:
                next_perpetrator += 1
                labels[actor.id] = f"Utøvende elev {next_perpetrator}"
            else:
                next_pupil += 1
                labels[actor.id] = f"Elev {letters(next_pupil)}"
        elif actor.kind == "staff" and is_labelled(actor, pupils, sent_home=True):
            next_staff += 1
            labels[actor.id] = f"Ansatt {letters(next_staff)}"
    # Guardians after pupils: their label names their pupil's label.
    for actor in actors:
        if actor.id in labels or actor.kind != "guardian" or not is_labelled(actor, pupils):
            continue
        assert actor.guardian_of is not None  # is_labelled guarantees it
        pupil_label = labels[by_id[actor.guardian_of].id]
        taken = {label for label in labels.values() if _guardian_of(label) == pupil_label}
        number = 1
        while _guardian_label(number, pupil_label) in taken:
            number += 1
        labels[actor.id] = _guardian_label(number, pupil_label)
    return labels


def _guardian_label(number: int, pupil_label: str) -> str:
    # The first guardian is simply "Foresatt til Elev A"; a second one gets a number.
    return f"Foresatt til {pupil_label}" if number == 1 else f"Foresatt {number} til {pupil_label}"


def _guardian_of(label: str) -> str | None:
    match = _GUARDIAN.fullmatch(label)
    return match.group(2) if match else None


def guardian_number(label: str) -> tuple[str, int] | None:
    """("Elev A", 2) for "Foresatt 2 til Elev A", ("Elev A", 1) for "Foresatt til Elev A";
    None for any other label."""
    match = _GUARDIAN.fullmatch(label)
    return (match.group(2), int(match.group(1) or 1)) if match else None


def describe(actor: Actor) -> str:
    """What a legend says about a label, without any name."""
    if actor.kind == "pupil":
        role = (actor.role or "").strip().lower()
        return "utøvende elev" if role == PERPETRATOR_ROLE else role or "elev"
    if actor.kind == "guardian":
        # The label already says whose ("Foresatt til Elev A"): the row says it once.
        return "foresatt"
    # A title would identify a staff member; the legend only says it is an employee.
    return "ansatt"
