"""The register in the database (issue 13): import and re-import, pupils who left, the
search a reporter uses, and a case that belongs to a pupil's id rather than a typed name.
Real database, real filing; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, file, sara_report
from tests.factories.principals import (
    ADMIN,
    HANDLER,
    NORDPOLEN,
    OWNER,
    RECTOR,
    REPORTER,
    SCHOOL_ADMIN,
)
from tests.factories.users import demo_email, school
from tests.pupil_files import HEADER, plain_csv
from trygg.accounts.permissions import can_import_pupils, can_search_pupils
from trygg.accounts.roles import ANSATT
from trygg.errors import Refused
from trygg.models import AuditEvent, Case, CaseEvent, Pupil
from trygg.pupils import register
from trygg.pupils.import_csv import parse_register_csv

MONA = demo_email(ANSATT)
VESTRE_AKER = "Vestre Aker skole"


def imported(
    session: Session, text: str, school_name: str = "Nordpolen skole"
) -> register.ImportChanges:
    parsed = parse_register_csv(text)
    changes = register.apply_import(
        session, school(session, school_name).id, parsed.pupils, BY, NOW, "csv"
    )
    session.commit()
    return changes


def pupil(session: Session, first_name: str) -> Pupil:
    return session.execute(select(Pupil).where(Pupil.first_name == first_name)).scalar_one()


def lea_file(extra: str = "") -> str:
    return (
        f"{HEADER}\n"
        "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;91234567;ja;nei\n"
        "Jonas;Berg;02.05.2015;6B;;;;;\n"
        "Sara;Nilsen;09.09.2015;6A;Tor Nilsen;;;ja;strengt fortrolig\n" + extra
    )


def test_import_then_reimport_updates_in_place_and_marks_left(
    session: Session, demo: dict[str, str]
) -> None:
    first = imported(session, plain_csv(500))
    assert (len(first.new), len(first.changed), len(first.left)) == (500, 0, 0)
    assert session.scalar(select(func.count(Pupil.id))) == 500
    # Next year: pupils 0–449 move up a class, 450–499 have left, 20 are new.
    text = plain_csv(450, klasse="7B") + "\n".join(plain_csv(20, start=1000).splitlines()[1:])
    second = imported(session, text)
    assert (len(second.new), len(second.changed), len(second.left)) == (20, 450, 50)
    assert second.changed[0].what == ("klasse 6B → 7B",)
    assert session.scalar(select(func.count(Pupil.id))) == 520  # never deleted
    gone = pupil(session, "Elev499")
    assert not gone.active and gone.left_at == NOW
    moved = pupil(session, "Elev0")
    assert (moved.class_name, moved.grade, len(moved.guardians)) == ("7B", 7, 2)
    same = imported(session, text)
    assert (len(same.new), len(same.changed), len(same.left), same.unchanged) == (0, 0, 0, 470)
    actions = session.execute(
        select(AuditEvent.action, AuditEvent.details).where(AuditEvent.action == "pupils.imported")
    ).all()
    assert [json.loads(d)["new"] for _, d in actions] == [500, 20, 0]
    # The audit trail counts; it never names a pupil.
    assert all("Elev" not in str(d) for _, d in actions)


def test_reimport_matches_by_external_id_before_name(
    session: Session, demo: dict[str, str]
) -> None:
    header = HEADER + ";elev-id"
    imported(session, f"{header}\nLea;Holm;14.03.2015;6B;;;;;;A1\n")
    changes = imported(session, f"{header}\nLea;Holm-Berg;14.03.2015;6B;;;;;;A1\n")
    assert [c.what for c in changes.changed] == [("navn Lea Holm → Lea Holm-Berg",)]
    assert session.scalar(select(func.count(Pupil.id))) == 1


def test_search_finds_active_pupils_of_the_school_by_name_or_class(
    session: Session, demo: dict[str, str]
) -> None:
    imported(session, lea_file())
    imported(session, f"{HEADER}\nLea;Lie;01.01.2015;6B;;;;;\n", VESTRE_AKER)
    nordpolen = school(session).id
    assert [p.full_name for p in register.search(session, nordpolen, "lea")] == ["Lea Holm"]
    assert [p.full_name for p in register.search(session, nordpolen, "6b")] == [
        "Jonas Berg", "Lea Holm",
    ]  # fmt: skip
    assert [p.full_name for p in register.search(session, nordpolen, "holm 6B")] == ["Lea Holm"]
    assert register.search(session, nordpolen, "l") == []  # too short to list anyone
    assert register.search(session, nordpolen, "%") == []
    assert register.search(session, nordpolen, "_e_") == []
    imported(session, f"{HEADER}\nJonas;Berg;02.05.2015;6B;;;;;\n")  # Lea has left
    assert register.search(session, nordpolen, "lea") == []


def test_a_report_picked_from_the_register_joins_the_pupils_case_despite_a_typo(
    session: Session, tmp_path: Path, demo: dict[str, str]
) -> None:
    imported(session, lea_file())
    lea = pupil(session, "Lea")
    case, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holm", pupil_id=lea.id))
    assert (case.pupil_id, case.pupil_name) == (lea.id, "Lea Holm")
    # The typo: "Lea Holmm" typed beside the id; the register's name counts.
    again, _ = file(
        session,
        tmp_path,
        MONA,
        sara_report(pupil_name="Lea Holmm", pupil_class="6", pupil_id=lea.id),
    )
    assert again.id == case.id
    assert session.scalar(select(func.count(Case.id))) == 1
    # Typed without the register, the typo still opens its own case, marked as such.
    typed, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holmm"))
    assert typed.id != case.id and typed.pupil_id is None


def test_a_typed_case_is_tied_to_the_pupil_when_a_report_picks_them(
    session: Session, tmp_path: Path, demo: dict[str, str]
) -> None:
    imported(session, lea_file())
    lea = pupil(session, "Lea")
    typed, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holm"))
    assert typed.pupil_id is None
    picked, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holm", pupil_id=lea.id))
    assert picked.id == typed.id and picked.pupil_id == lea.id
    codes = session.execute(select(CaseEvent.code).where(CaseEvent.case_id == typed.id)).scalars()
    assert "pupil_linked" in list(codes)


def test_a_report_about_the_leadership_opens_a_hidden_case_for_the_same_pupil_id(
    session: Session, tmp_path: Path, demo: dict[str, str]
) -> None:
    imported(session, lea_file())
    lea = pupil(session, "Lea")
    ordinary, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holm", pupil_id=lea.id))
    hidden, _ = file(
        session,
        tmp_path,
        MONA,
        sara_report(pupil_name="Lea Holm", pupil_id=lea.id, **LEADERSHIP_CASE),
    )
    assert hidden.id != ordinary.id
    assert hidden.leadership_suspected and hidden.pupil_id == lea.id
    session.refresh(ordinary)
    assert ordinary.hidden_case_id == hidden.id
    # A third report, not about the leadership, joins the ordinary case by id.
    third, _ = file(session, tmp_path, MONA, sara_report(pupil_name="Lea H", pupil_id=lea.id))
    assert third.id == ordinary.id


@pytest.mark.parametrize("which", ["other_school", "left", "missing"])
def test_a_pupil_id_outside_the_reporters_school_is_refused_alike(
    session: Session, tmp_path: Path, demo: dict[str, str], which: str
) -> None:
    imported(session, lea_file())
    imported(session, f"{HEADER}\nOla;Lie;01.01.2015;6B;;;;;\n", VESTRE_AKER)
    ids = {
        "other_school": pupil(session, "Ola").id,
        "left": pupil(session, "Lea").id,
        "missing": 999_999,
    }
    if which == "left":
        imported(session, f"{HEADER}\nJonas;Berg;02.05.2015;6B;;;;;\n")
    with pytest.raises(Refused) as refused:
        file(session, tmp_path, MONA, sara_report(pupil_name="Lea Holm", pupil_id=ids[which]))
    assert refused.value.field == "pupil_id"
    assert refused.value.message.startswith("Eleven finnes ikke i elevregisteret ved skolen.")


def test_protected_addresses_hide_contact_details(session: Session, demo: dict[str, str]) -> None:
    imported(session, lea_file())
    lea, sara = pupil(session, "Lea"), pupil(session, "Sara")
    assert not register.pupil_protected(lea)
    assert register.contact_details(lea.guardians[0]) == ("kari@example.no", "91234567")
    assert register.pupil_protected(sara)
    assert register.contact_details(sara.guardians[0]) is None
    # A guardian of a protected pupil is hidden even when their own row is not marked.
    assert register.contact_details(lea.guardians[0], sara.protected_address) is None


def test_permissions_for_the_register() -> None:
    assert can_import_pupils(SCHOOL_ADMIN)
    for other in (ADMIN, RECTOR, HANDLER, REPORTER, OWNER):
        assert not can_import_pupils(other)
    for staff in (REPORTER, HANDLER, RECTOR):
        assert can_search_pupils(staff, NORDPOLEN)
        assert not can_search_pupils(staff, NORDPOLEN + 1)
    for other in (SCHOOL_ADMIN, ADMIN, OWNER):
        assert not can_search_pupils(other, NORDPOLEN)
