"""The acknowledgement domain without HTTP: school years, plan files, versions, signing
rules, the document engine's input, and the register."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import (
    BY,
    NORDPOLEN_STAFF,
    NOW,
    plan_docx,
    plan_pdf,
    publish_direct,
    sign_direct,
)
from tests.factories.cases import archive_for
from tests.factories.users import user
from trygg import acknowledgements
from trygg.documents import validate_input
from trygg.errors import DomainError, Refused

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kvittering.json"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026/2027", "2026/2027"),
        ("2026-2027", "2026/2027"),
        (" 2026 / 27 ", "2026/2027"),
        ("2099/00", "2099/2100"),
    ],
)
def test_school_year_is_normalised(typed: str, expected: str) -> None:
    assert acknowledgements.normalise_school_year(typed) == expected


@pytest.mark.parametrize("typed", ["2026", "2026/2028", "26/27", "skoleåret 2026/2027"])
def test_school_year_refuses_what_is_not_one(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        acknowledgements.normalise_school_year(typed)
    assert refused.value.field == "school_year"


def test_school_year_starts_in_august() -> None:
    assert acknowledgements.school_year_of(dt.date(2026, 7, 31)) == "2025/2026"
    assert acknowledgements.school_year_of(dt.date(2026, 8, 1)) == "2026/2027"


def test_file_format_is_read_from_the_bytes() -> None:
    assert acknowledgements.file_format(plan_pdf()) == "pdf"
    assert acknowledgements.file_format(plan_docx()) == "docx"
    other_zip = BytesIO()
    with zipfile.ZipFile(other_zip, "w") as package:
        package.writestr("content.xml", "<x/>")  # an OpenDocument text, say
    for content in (b"", b"{\\rtf1 ...}", other_zip.getvalue()):
        with pytest.raises(DomainError):
            acknowledgements.file_format(content)


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Per Olsen", True),
        ("per olsen", True),
        ("  PER\tOLSEN ", True),
        ("Per  Olsen", True),
        ("Per Olsn", False),
        ("Olsen Per", False),
        ("Per", False),
        ("", False),
    ],
)
def test_signature_must_be_the_name(typed: str, matches: bool) -> None:
    assert acknowledgements.matches_name(typed, "Per Olsen") is matches


def test_versions_supersede_within_a_year_and_a_new_year_starts_again(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    first = publish_direct(session, tmp_path)
    correction = publish_direct(session, tmp_path, content=plan_docx("Rettet"))
    assert (first.number, correction.number) == (1, 2)
    assert acknowledgements.current_plan(session, first.school_id) == correction
    assert acknowledgements.version_text(correction) == "10.08.2026, versjon 2"
    next_year = publish_direct(session, tmp_path, school_year="2027/2028", content=plan_docx("B"))
    assert next_year.number == 1
    assert acknowledgements.current_plan(session, first.school_id) == next_year
    # Last year's plan cannot be published after this year's: it would never be current.
    with pytest.raises(DomainError, match="2027/2028"):
        publish_direct(session, tmp_path, school_year="2026/2027", content=plan_docx("C"))
    # The other school is untouched.
    vestre = publish_direct(session, tmp_path, school_name="Vestre Aker skole")
    assert vestre.number == 1 and vestre.sha256 == first.sha256


def test_signing_rules(session: Session, demo: dict[str, str], tmp_path: Path) -> None:
    plan = publish_direct(session, tmp_path)
    teacher = user(session, demo["kontaktlaerer"])
    archive = archive_for(tmp_path)
    boxes = {k: True for k in acknowledgements.CONFIRMATIONS}

    def attempt(**changes: object) -> None:
        values: dict[str, object] = {
            "plan_id": plan.id,
            "confirmations": boxes,
            "typed_signature": "Per Olsen",
        }
        values.update(changes)
        acknowledgements.sign(
            session, archive, teacher, acknowledgements.Signature(**values), BY, NOW
        )  # type: ignore[arg-type]

    with pytest.raises(DomainError) as refused:
        attempt(confirmations={**boxes, "knows_confidentiality": False})
    assert refused.value.field == "knows_confidentiality"
    with pytest.raises(DomainError) as refused:
        attempt(typed_signature="Hilde Moe")
    assert refused.value.field == "typed_signature"
    with pytest.raises(acknowledgements.PlanSuperseded):
        attempt(plan_id=plan.id + 1)
    attempt()
    session.commit()
    with pytest.raises(DomainError, match="allerede signert"):
        attempt()


def test_the_engine_input_has_the_shape_of_the_shared_example(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    teacher = user(session, demo["kontaktlaerer"])
    signature = acknowledgements.Signature(
        plan.id, {k: True for k in acknowledgements.CONFIRMATIONS}, "Per Olsen"
    )
    data = acknowledgements.acknowledgement_data(plan, teacher, signature, NOW)
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))

    def shape(value: object) -> object:
        return {k: shape(v) for k, v in value.items()} if isinstance(value, dict) else None

    assert shape(data) == shape(example)
    validated = validate_input("kvittering", data)
    # 07.12 UTC in August is 09.12 on the wall clock in Norway.
    assert validated.signed_at == dt.datetime(2026, 8, 14, 9, 12)  # type: ignore[union-attr]
    assert data["employee"] == {
        "name": "Per Olsen",
        "title": "kontaktlærer 6B",
        "employer": "Nordpolen skole",
    }


def test_every_role_with_a_school_is_in_the_register(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    sign_direct(session, tmp_path, demo["admin_school"], plan)
    result = acknowledgements.register(session, plan)
    assert [r.name for r in result.rows] == list(NORDPOLEN_STAFF)
    assert (result.signed, result.total) == (1, 4)
    signed = next(r for r in result.rows if r.signed_at is not None)
    assert (signed.name, signed.title) == ("Tore Lie", "IT-ansvarlig")
    # A deactivated account leaves the register; their kvittering stays a record.
    tore = user(session, demo["admin_school"])
    tore.active = False
    session.commit()
    result = acknowledgements.register(session, plan)
    assert (result.signed, result.total) == (0, 3)
    assert acknowledgements.acknowledgement_of(session, plan.id, tore.id) is not None


def test_two_signatures_in_the_same_instant_keep_the_first(
    session: Session, demo: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = publish_direct(session, tmp_path)
    sign_direct(session, tmp_path, demo["kontaktlaerer"], plan)
    # The other tab's check ran before this signature was committed.
    monkeypatch.setattr(acknowledgements.signing, "acknowledgement_of", lambda *args: None)
    teacher = user(session, demo["kontaktlaerer"])
    signature = acknowledgements.Signature(
        plan.id, {k: True for k in acknowledgements.CONFIRMATIONS}, "Per Olsen"
    )
    with pytest.raises(Refused, match="allerede signert"):
        acknowledgements.sign(session, archive_for(tmp_path), teacher, signature, BY, NOW)
    # No failed statement: the transaction goes on, and one kvittering stands.
    session.commit()
    assert len(acknowledgements.my_acknowledgements(session, teacher.id)) == 1
