"""The name questions as pure functions: which Ola, rewriting at the exact place, and
words that look like names of people nobody registered."""

from __future__ import annotations

from trygg.anonymise import CASE_PUPIL_ID
from trygg.cases.actors import PersonInput
from trygg.cases.documents import NOT_NAMES
from trygg.cases.names_check import (
    check_texts,
    document_texts,
    form_people,
    is_free_text,
    not_names,
    resolve,
    with_not_names,
)

OLA, KARI = "elev:ola hansen", "elev:kari berg"
PEOPLE = form_people(
    "Ola Nordmann",
    [PersonInput("Ola Hansen", "pupil", role="utøvende"), PersonInput("Kari Berg", "pupil")],
    [("Per Olsen", False)],
)


def test_each_lone_name_two_people_share_is_one_question_with_both_people() -> None:
    text = "I dag sa Ola at Olas sekk var borte. Ola Hansen lo."
    check = check_texts(PEOPLE, {"account": text})
    assert [(q.word, q.name, q.start) for q in check.questions] == [
        ("Ola", "Ola", 9),
        ("Olas", "Ola", 16),
    ]
    question = check.questions[0]
    assert [(c.id, c.name, c.kind, c.role) for c in question.candidates] == [
        ("elev:ola hansen", "Ola Hansen", "pupil", "utøvende"),
        (CASE_PUPIL_ID, "Ola Nordmann", "case_pupil", ""),
    ]
    assert (question.before, question.after) == (
        "I dag sa ",
        " at Olas sekk var borte. Ola Hansen lo.",
    )
    assert check.warnings == ()


def test_the_answer_rewrites_only_that_occurrence_to_the_full_name() -> None:
    text = "I dag sa Ola at Olas sekk var borte, og Ola's venn gråt."
    once = resolve(PEOPLE, text, 16, OLA)
    assert once == "I dag sa Ola at Ola Hansens sekk var borte, og Ola's venn gråt."
    twice = resolve(PEOPLE, once, 9, CASE_PUPIL_ID)
    assert twice == "I dag sa Ola Nordmann at Ola Hansens sekk var borte, og Ola's venn gråt."
    start = twice.index("Ola's")
    assert resolve(PEOPLE, twice, start, OLA) == twice.replace("Ola's", "Ola Hansen's")
    # The rewritten text is unambiguous: the anonymiser labels it.
    anonymiser = PEOPLE.anonymiser()
    assert anonymiser.text(resolve(PEOPLE, twice, start, OLA) or "") == (
        "I dag sa Ola Nordmann at Elev A sin sekk var borte, og Elev A sin venn gråt."
    )


def test_an_answer_to_text_that_changed_is_refused() -> None:
    text = "I dag sa Ola at det var leit."
    assert resolve(PEOPLE, text, 8, OLA) is None  # the offset no longer starts the name
    assert resolve(PEOPLE, text, 9, KARI) is None  # Kari is not one of the candidates
    assert resolve(PEOPLE, "I dag sa Ola Hansen at det var leit.", 9, OLA) is None


def test_a_full_name_shared_by_two_pupils_falls_back_to_the_label() -> None:
    twins = form_people(
        "Sara Nilsen",
        [PersonInput("Jonas Berg", "pupil", role="medelev"), PersonInput("Jonas  Berg", "pupil")],
    )
    # The same name typed twice is one person.
    assert [a.id for a in twins.actors] == ["elev:jonas berg"]
    people = form_people(
        "Sara Nilsen", [PersonInput("Ola Lie", "pupil"), PersonInput("Ola", "pupil")]
    )
    text = "Ola slo."
    [question] = check_texts(people, {"x": text}).questions
    assert {c.id for c in question.candidates} == {"elev:ola lie", "elev:ola"}
    assert resolve(people, text, 0, "elev:ola") == "Elev B slo."


def test_unregistered_names_are_warned_once_per_text_with_an_excerpt() -> None:
    text = (
        "Ola Hansen og Liv satt på benken i storefri, og det var ganske rolig der. "
        "Etterpå kom Karis bror og Liv igjen. Per Olsen så det."
    )
    check = check_texts(PEOPLE, {"watch": text})
    assert [(w.word, w.name) for w in check.warnings] == [("Liv", "Liv")]
    [liv] = check.warnings
    assert liv.before == "Ola Hansen og "
    assert liv.after == " satt på benken i storefri, og det var…"
    assert liv.message.startswith("«Liv» ser ut som et navn som ikke er registrert i saken.")
    # Kari is registered, so "Karis" is her genitive, not a warning; staff typed in the
    # form count as registered too.
    other = check_texts(PEOPLE, {"a": "Vi ringte Jens og Jens sin mor."})
    assert [(w.word, w.start) for w in other.warnings] == [("Jens", 10)]
    assert check_texts(PEOPLE, {"a": "Vi ringte Jens."}, ["jens"]).clear


def test_document_texts_are_the_anonymised_fields_by_path() -> None:
    section = {
        "watch": "Følge med",
        "conversations": [{"account": "Første", "by": "s1"}, {"account": ""}],
        "conclusion": {"comment": "Kommentar", "pupil_safe": True},
        "analysis": "",
    }
    assert document_texts("undersokelse", section) == {
        "watch": "Følge med",
        "conversations-0-account": "Første",
        "conclusion-comment": "Kommentar",
    }
    assert document_texts("evaluering", {"participants": ["Sara", "s1"]}) == {
        "participants": "Sara\ns1"
    }
    assert is_free_text("aktivitetsplan", ["measures", "3", "frequency"])
    assert not is_free_text("aktivitetsplan", ["measures", "3", "by"])


def test_confirmed_words_are_kept_once_in_the_section() -> None:
    section = with_not_names({"watch": "x"}, ["Liv", " liv ", "Stein"])
    assert section[NOT_NAMES] == ["Liv", "Stein"]
    assert not_names(with_not_names(section, ["Vår"])) == ["Liv", "Stein", "Vår"]
    assert NOT_NAMES not in with_not_names({"watch": "x"}, [""])
