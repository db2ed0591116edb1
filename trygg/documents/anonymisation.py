"""The seam between the document engine and anonymisation.

The documents depend only on the Anonymiser protocol and on anonymiser_for(), which hands
the actors to trygg.anonymise (stable labels, inflected forms, diacritics, ambiguity).
Stored per-case labels arrive with the case workflow: `existing_labels` keeps them.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from trygg import anonymise


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


# The document engine hands actors straight to the anonymisation package.
ActorRecord = anonymise.Actor


def anonymiser_for(
    pupil_name: str,
    actors: Sequence[ActorRecord],
    existing_labels: Mapping[str, str] | None = None,
    settings: anonymise.LabelSettings | None = None,
) -> Anonymiser:
    people = list(actors)
    labels = anonymise.assign_labels(
        people, settings or anonymise.LabelSettings(), existing_labels or {}
    )
    # Every document may be sent home, so it is written as if it will be.
    return anonymise.Anonymiser(pupil_name, people, labels, sent_home=True)
