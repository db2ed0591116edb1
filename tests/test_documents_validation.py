"""Input validation: the examples in examples/ pass unchanged, problems come out in Norwegian."""

import json
from pathlib import Path

import pytest

from trygg.documents import InvalidInput, document_filename, input_schema, validate_input
from trygg.documents.inputs import INPUT_MODELS
from trygg.documents.sanitise import clean_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KINDS = ("meldeskjema", "undersokelse", "aktivitetsplan", "evaluering", "kvittering")


def example(kind: str) -> dict[str, object]:
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


def problems(kind: str, data: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        validate_input(kind, data)
    return info.value.problems


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_validates_unchanged(kind: str) -> None:
    validated = validate_input(kind, example(kind))
    # The kind's own model, now that the models carry the glossary's English names.
    assert type(validated) is INPUT_MODELS[kind]


def test_every_problem_is_reported_at_once_in_norwegian_with_its_place() -> None:
    data = example("aktivitetsplan")
    plan = data["plan"]
    assert isinstance(plan, dict)
    del plan["measures"][2]["by"]
    plan["measures"][0]["level"] = "klasse"
    plan["measures"][1]["start"] = "2026-13-01"
    plan["problem"] = "   "
    data["bogus"] = 1
    found = problems("aktivitetsplan", data)
    assert "Aktivitetsplan › Tiltak 3 › Hvem gjennomfører: feltet mangler" in found[0] or any(
        p.startswith("Aktivitetsplan › Tiltak 3 › Hvem gjennomfører: feltet mangler") for p in found
    )
    joined = "\n".join(found)
    assert "(plan.measures[2].by)" in joined
    assert "Tiltak 1 › Nivå: ugyldig verdi «klasse»" in joined
    assert "Tiltak 2 › Startdato: ugyldig dato «2026-13-01»" in joined
    assert "Problemet tiltakene skal løse: feltet er tomt" in joined
    assert "bogus: ukjent felt" in joined
    assert len(found) == 5
    for english in ("Field required", "Input should", "Value error", "Extra inputs"):
        assert english not in joined


def test_measure_owner_must_be_a_named_staff_member() -> None:
    data = example("aktivitetsplan")
    data["plan"]["measures"][0]["by"] = "alle ansatte"  # type: ignore[index]
    data["plan"]["measures"][1]["by"] = "p1"  # type: ignore[index]
    found = problems("aktivitetsplan", data)
    assert found == [
        "Aktivitetsplan › Tiltak 1 › Hvem gjennomfører: «alle ansatte» finnes ikke blant "
        "de involverte (plan.measures[0].by)",
        "Aktivitetsplan › Tiltak 2 › Hvem gjennomfører: «p1» er en elev, men må være en "
        "ansatt (plan.measures[1].by)",
    ]


def test_guardian_of_and_conversation_partner_are_checked() -> None:
    data = example("undersokelse")
    data["actors"][2]["guardian_of"] = "s1"  # type: ignore[index]
    data["investigation"]["conversations"][1]["with"] = "p9"  # type: ignore[index]
    found = "\n".join(problems("undersokelse", data))
    assert "Involvert 3 › Foresatt til: «s1» er ikke en elev" in found
    assert "Samtale 2 › Samtale med: «p9» finnes ikke blant de involverte" in found


def test_domain_rules_speak_norwegian() -> None:
    data = example("evaluering")
    data["evaluation"]["next"] = {"action": "avslutte", "follow_up_on": "2026-12-01"}  # type: ignore[index]
    found = problems("evaluering", data)
    assert any("kan ikke avsluttes så lenge eleven ikke opplever" in p for p in found)


def test_an_empty_list_reads_right_for_rows_and_text_boxes() -> None:
    data = example("evaluering")
    data["evaluation"]["participants"] = []  # type: ignore[index]
    data["evaluation"]["next"] = {"action": "ny_evaluering"}  # type: ignore[index]
    assert problems("evaluering", data) == [
        "Evaluering › Deltakere: mangler; fyll inn minst én (evaluation.participants)",
        "Evaluering › Videre oppfølging › Evalueringsdato: Neste evalueringsdato "
        "mangler (evaluation.next.evaluate_on)",
    ]


def test_text_is_sanitised_and_limited() -> None:
    # VT and FF (Word's line and page break) become line breaks, not nothing (issue 12).
    assert clean_text("a\r\nb\rc\x00\x07\x0b\x0c\ud800 e\u0301") == "a\nb\nc\n\n é"
    data = example("meldeskjema")
    data["report"]["account"] = "x" * 10_001  # type: ignore[index]
    found = problems("meldeskjema", data)
    assert found == [
        "Melding › Hva som ble observert eller fortalt: teksten er for lang: høyst 10000 "
        "tegn, fikk 10001 (report.account)"
    ]
    data["report"]["account"] = "Linje 1\r\nLinje 2\ud800"  # type: ignore[index]
    validated = validate_input("meldeskjema", data)
    assert validated.report.account == "Linje 1\nLinje 2"  # type: ignore[union-attr]


def test_not_an_object_and_unknown_kind() -> None:
    assert problems("aktivitetsplan", [1, 2]) == ["Inndata må være et JSON-objekt med felter."]
    assert problems("brev", {})[0].startswith("Ukjent dokumenttype «brev»")


@pytest.mark.parametrize("kind", (*KINDS, "kvitteringsliste"))
def test_schema_uses_the_json_field_names(kind: str) -> None:
    schema = input_schema(kind)
    assert schema["type"] == "object"
    text = json.dumps(schema)
    if kind not in {"kvittering", "kvitteringsliste"}:
        assert '"class"' in text and "class_name" not in text


def test_document_filename_is_ascii_and_name_free() -> None:
    assert document_filename("2026/0142", "aktivitetsplan", 1, "docx") == (
        "2026-0142_aktivitetsplan_v1.docx"
    )
    assert document_filename("Sak ÆØÅ/æøå 1", "evaluering", 3, "pdf") == (
        "Sak-AeOA-aeoa-1_evaluering_v3.pdf"
    )
    assert document_filename("../../etc", "x", 1) == "etc_x_v1.docx"
