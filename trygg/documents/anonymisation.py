"""The seam between the document engine and anonymisation.

The documents depend only on anonymiser_for(), which hands
the actors to trygg.anonymise (stable labels, inflected forms, diacritics, ambiguity).
Stored per-case labels arrive with the case workflow: `existing_labels` keeps them.
"""

from collections.abc import Mapping, Sequence

from trygg import anonymise


def anonymiser_for(
    pupil_name: str,
    actors: Sequence[anonymise.Actor],
    existing_labels: Mapping[str, str] | None = None,
    settings: anonymise.LabelSettings | None = None,
) -> anonymise.Anonymiser:
    people = list(actors)
    labels = anonymise.assign_labels(
        people, settings or anonymise.LabelSettings(), existing_labels or {}
    )
    # Every document may be sent home, so it is written as if it will be.
    return anonymise.Anonymiser(pupil_name, people, labels, sent_home=True)
