"""Labels are per person, stable across documents, and never reused."""

from __future__ import annotations

import pytest

from trygg.anonymise import (
    CASE_PUPIL_ID,
    Actor,
    AmbiguousName,
    Anonymiser,
    LabelSettings,
    assign_labels,
)

ACTORS = [
    Actor("p1", "pupil", "Jonas Berg", ("Jonte",), "utøvende"),
    Actor("p2", "pupil", "Emma Hansen", role="medelev"),
    Actor("g1", "guardian", "Kari Berg", guardian_of="p1"),
    Actor("g0", "guardian", "Mona Nilsen"),  # the case pupil's own guardian
    Actor("s1", "staff", "Per Olsen", title="kontaktlærer"),
    Actor("s2", "staff", "Tom Andersen", title="assistent", suspected=True),
]


def test_labels_for_each_kind() -> None:
    assert assign_labels(ACTORS, LabelSettings()) == {
        "p1": "Elev A",
        "p2": "Elev B",
        "s2": "Ansatt A",
        "g1": "Foresatt til Elev A",
    }


def test_perpetrator_labels_setting() -> None:
    labels = assign_labels(ACTORS, LabelSettings(perpetrator_labels=True))
    assert labels["p1"] == "Utøvende elev 1"
    assert labels["p2"] == "Elev A"
    assert labels["g1"] == "Foresatt til Utøvende elev 1"


def test_existing_labels_are_kept_and_new_people_get_the_next_free_label() -> None:
    first = assign_labels(ACTORS[:1], LabelSettings())
    later = [
        *ACTORS,
        Actor("p3", "pupil", "Ali Khan"),
        Actor("g2", "guardian", "Ane Berg", guardian_of="p1"),
    ]
    labels = assign_labels(later, LabelSettings(perpetrator_labels=True), first)
    assert labels["p1"] == "Elev A"  # stable even though the setting changed
    assert labels["p2"] == "Elev B"
    assert labels["p3"] == "Elev C"
    assert labels["g2"] == "Foresatt 2 til Elev A"


def test_a_removed_persons_label_is_never_reused() -> None:
    labels = assign_labels(ACTORS, LabelSettings())
    remaining = [a for a in ACTORS if a.id != "p2"]
    newcomer = Actor("p9", "pupil", "Ali Khan")
    again = assign_labels([*remaining, newcomer], LabelSettings(), labels)
    assert again["p9"] == "Elev C"
    assert again["p2"] == "Elev B"  # still remembered, so the key stays complete


def test_many_pupils_run_past_z() -> None:
    pupils = [Actor(f"p{i}", "pupil", f"Elev Nummer{i}") for i in range(28)]
    labels = assign_labels(pupils, LabelSettings())
    assert [labels["p25"], labels["p26"], labels["p27"]] == ["Elev Z", "Elev AA", "Elev AB"]


def test_label_for_and_legend() -> None:
    labels = assign_labels(ACTORS, LabelSettings())
    anonymiser = Anonymiser("Sara Nilsen", ACTORS, labels)
    assert anonymiser.label_for("p1") == "Elev A"
    assert anonymiser.label_for("s1") == "Per Olsen (kontaktlærer)"
    assert anonymiser.label_for("s2") == "Ansatt A"
    assert anonymiser.label_for("g0") == "Mona Nilsen (foresatt)"
    assert anonymiser.label_for(CASE_PUPIL_ID) == "Sara Nilsen"
    assert anonymiser.legend() == [
        ("Elev A", "utøvende elev"),
        ("Elev B", "medelev"),
        ("Foresatt til Elev A", "foresatt"),
        ("Ansatt A", "ansatt"),
    ]


def test_a_pupils_guardians_stand_in_the_legend_in_their_order() -> None:
    """Seen in a meldeskjema: "Foresatt 2 til Elev A" stood above "Foresatt til Elev A"
    (the first guardian's label has no number)."""
    actors = [
        *ACTORS,
        Actor("g2", "guardian", "Ane Berg", guardian_of="p1"),
        Actor("g3", "guardian", "Eva Hansen", guardian_of="p2"),
    ]
    labels = assign_labels(actors, LabelSettings())
    legend = [label for label, _ in Anonymiser("Sara Nilsen", actors, labels).legend()]
    assert legend == [
        "Elev A",
        "Elev B",
        "Foresatt til Elev A",
        "Foresatt 2 til Elev A",
        "Foresatt til Elev B",
        "Ansatt A",
    ]


def test_suspected_staff_are_named_in_documents_not_sent_home() -> None:
    labels = assign_labels(ACTORS, LabelSettings())
    anonymiser = Anonymiser("Sara Nilsen", ACTORS, labels, sent_home=False)
    assert anonymiser.label_for("s2") == "Tom Andersen (assistent)"
    assert anonymiser.text("Tom Andersen og Jonas") == "Tom Andersen og Elev A"


def test_missing_label_fails_instead_of_printing_a_name() -> None:
    with pytest.raises(ValueError, match="p2"):
        Anonymiser("Sara Nilsen", ACTORS, {"p1": "Elev A"})


def test_ambiguity_details_and_resolution() -> None:
    actors = [*ACTORS, Actor("p3", "pupil", "Jonas Dahl")]
    labels = assign_labels(actors, LabelSettings())
    anonymiser = Anonymiser("Sara Nilsen", actors, labels)
    text = "I går sa Jonas at Jonas Dahl lo."
    [ambiguity] = anonymiser.ambiguities(text)
    assert (ambiguity.word, ambiguity.start, ambiguity.end) == ("Jonas", 9, 14)
    assert ambiguity.candidates == ("Elev A", "Elev C")
    assert ambiguity.candidate_ids == ("p1", "p3")
    assert (
        ambiguity.message == '"Jonas" kan være flere personer: Elev A, Elev C. Velg hvem som menes.'
    )
    with pytest.raises(AmbiguousName) as raised:
        anonymiser.text(text)
    assert (raised.value.word, raised.value.start, raised.value.candidates) == (
        "Jonas",
        9,
        ("Elev A", "Elev C"),
    )
    assert anonymiser.text(text, resolutions={9: "p3"}) == "I går sa Elev C at Elev C lo."


def test_resolving_to_the_case_pupil_keeps_the_name() -> None:
    actors = [Actor("p1", "pupil", "Sara Berg")]
    anonymiser = Anonymiser("Sara Nilsen", actors, assign_labels(actors, LabelSettings()))
    assert anonymiser.text("Sara gråt.", resolutions={0: CASE_PUPIL_ID}) == "Sara gråt."
    assert anonymiser.text("Sara gråt.", resolutions={0: "p1"}) == "Elev A gråt."


def test_a_name_with_punctuation_between_its_words_is_still_indexed() -> None:
    # Regression: "&" between name words once misaligned raw chunks and words (ValueError).
    from trygg.anonymise import Actor, Anonymiser, LabelSettings, assign_labels

    actors = [
        Actor(id="p1", kind="pupil", name="Jonas Berg"),
        Actor(id="s1", kind="staff", name="Per & Olsen", title="lærer"),
    ]
    anonymiser = Anonymiser("Sara Nilsen", actors, assign_labels(actors, LabelSettings()))
    assert anonymiser.text("Jonas Berg dyttet Sara.") == "Elev A dyttet Sara."
