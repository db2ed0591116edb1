"""Every case text in corpus/*.json comes out exactly as expected, or is reported ambiguous."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trygg.anonymise import (
    Actor,
    AmbiguousName,
    Anonymiser,
    LabelSettings,
    assign_labels,
    scan_text,
)

CORPUS = Path(__file__).parent / "corpus"


def _load() -> list[Any]:
    params = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["cast"], case, id=f"{path.stem}/{case['id']}"))
    return params


CASES = _load()


def _anonymiser(cast: dict[str, Any], case: dict[str, Any]) -> tuple[Anonymiser, list[Actor]]:
    actors = [
        Actor(**{**actor, "aliases": tuple(actor.get("aliases", ()))}) for actor in cast["actors"]
    ]
    labels = assign_labels(actors, LabelSettings(**cast.get("settings", {})))
    sent_home = case.get("sent_home", cast.get("sent_home", True))
    return Anonymiser(cast["case_pupil"], actors, labels, sent_home=sent_home), actors


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("cast", "case"), CASES)
def test_corpus_case(cast: dict[str, Any], case: dict[str, Any]) -> None:
    anonymiser, actors = _anonymiser(cast, case)
    if "ambiguous" in case:
        with pytest.raises(AmbiguousName) as raised:
            anonymiser.text(case["text"])
        assert [a.word for a in raised.value.ambiguities] == case["ambiguous"]
        return
    output = anonymiser.text(case["text"])
    assert output == case["expected"]
    # What the anonymiser lets through, the leak scanner must not flag.
    sent_home = case.get("sent_home", cast.get("sent_home", True))
    assert scan_text(output, "test", cast["case_pupil"], actors, sent_home=sent_home) == []
