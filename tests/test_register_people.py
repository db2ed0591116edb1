"""The case's people from the school's register (trygg.cases.register_people): the other
pupils' guardians labelled "Foresatt til Elev A", the case pupil's own guardians named,
labels stable, the leak scanner catching the register's names, other pupils tied to the
register by name or by hand, and a typed spelling kept where the scanner needs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import BY, NOW, archive_for, file, sara_report
from tests.factories.users import RECTOR, REPORTER, school, user
from tests.pupil_register import sara_with_guardians
from tests.report_pages import docx_text
from trygg import anonymise
from trygg.cases.actors import PersonInput, anonymiser_actor
from trygg.cases.events import chronology
from trygg.cases.merging import link_pupil, merge_cases
from trygg.cases.names_check import NamesToCheck
from trygg.cases.register_people import bring_register_people, link_person
from trygg.cases.reports import report_names
from trygg.errors import Refused
from trygg.models import ArchivedFile, AuditEvent, Case, CaseActor, CaseDocument, Guardian, Pupil

MOTHER_CALLED = "Moren til Jonas, Anne Berg, ringte skolen samme kveld."


def _pupil(session: Session, first: str, last: str, klass: str, *guardians: str) -> Pupil:
    pupil = Pupil(
        school_id=school(session).id,
        first_name=first,
        last_name=last,
        name_key=f"{first} {last}".casefold(),
        class_name=klass,
        guardians=[Guardian(name=name, email="", relation="forelder") for name in guardians],
    )
    session.add(pupil)
    session.commit()
    return pupil


def archived_text(session: Session, tmp_path: Path, doc: CaseDocument) -> str:
    stored = session.execute(
        select(ArchivedFile).where(ArchivedFile.document_id == doc.id)
    ).scalar_one()
    return docx_text(archive_for(tmp_path).get(stored.sha256, "docx"))


def _people(case: Case) -> dict[str, tuple[str, str]]:
    """Name -> (label, the pupil's actor key it is a guardian of)."""
    return {a.name: (a.label, a.guardian_of) for a in case.actors}


def _scanner(case: Case) -> anonymise.LeakScanner:
    return anonymise.LeakScanner(case.pupil_name, [anonymiser_actor(a) for a in case.actors])


def _found(case: Case, text: str) -> list[str]:
    return [hit.name for hit in _scanner(case).scan(text, "Tekst")]


def test_the_other_pupils_guardians_come_in_labelled_and_the_pupils_own_named(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    sara = sara_with_guardians(session)
    jonas = _pupil(session, "Jonas", "Berg", "6B", "Anne Berg", "Tor Berg")
    report = sara_report(pupil_id=sara.id, intervention=MOTHER_CALLED)

    case, doc = file(session, tmp_path, REPORTER, report)

    people = _people(case)
    jonas_actor = next(a for a in case.actors if a.name == "Jonas Berg")
    assert jonas_actor.pupil_id == jonas.id and jonas_actor.label == "Elev A"
    assert people["Anne Berg"] == ("Foresatt til Elev A", jonas_actor.key)
    assert people["Tor Berg"] == ("Foresatt 2 til Elev A", jonas_actor.key)
    # Sara's own guardians are named in her documents: no label, no pupil key.
    for own in ("Kari Nilsen", "Per Nilsen", "Line Berg"):
        assert people[own] == ("", "")
    # Emma is not in the register: nothing is guessed for her.
    assert not any(a.guardian_of == "p2" for a in case.actors)
    # The key is the case's people in the database, behind the case's access check.
    stored = session.execute(
        select(CaseActor.name, CaseActor.label).where(CaseActor.case_id == case.id)
    ).all()
    assert ("Anne Berg", "Foresatt til Elev A") in stored
    # The meldeskjema was made with them: the mother is her label there, never her name.
    text = archived_text(session, tmp_path, doc)
    assert "Foresatt til Elev A" in text and "Anne Berg" not in text
    added = [e.about for e in chronology(session, case) if e.code == "person_added"]
    assert "Anne Berg" in added and "Kari Nilsen" in added
    assert session.execute(
        select(AuditEvent.id).where(AuditEvent.action == "case.register_people_added")
    ).first()


def test_labels_are_stable_and_a_new_register_guardian_gets_the_next_one(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    jonas = _pupil(session, "Jonas", "Berg", "6B", "Anne Berg", "Tor Berg")
    case, _ = file(session, tmp_path, REPORTER)
    before = _people(case)
    rector = user(session, RECTOR)
    assert bring_register_people(session, case, rector.id, BY, NOW) == []

    jonas.guardians.append(Guardian(name="Ola Dahl", email="", relation="steforelder"))
    session.commit()
    [added] = bring_register_people(session, case, rector.id, BY, NOW)
    session.commit()

    assert added.label == "Foresatt 3 til Elev A"
    assert {k: v for k, v in _people(case).items() if k in before} == before


def test_the_leak_scanner_catches_the_register_guardians_names(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    sara = sara_with_guardians(session)
    _pupil(session, "Jonas", "Berg", "6B", "Anne Berg", "Tor Berg")
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=sara.id))

    assert _found(case, "Anne Berg ringte.") == ["Anne Berg"]
    assert _found(case, "Tor kom innom.") == ["Tor"]
    # Sara's own guardians are named in her documents: never a leak.
    assert _found(case, "Kari Nilsen ringte.") == []


def test_a_lone_first_name_of_two_register_guardians_is_asked_about_when_filing(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    _pupil(session, "Jonas", "Berg", "6B", "Anne Berg")
    _pupil(session, "Emma", "Hansen", "6B", "Anne Hansen")
    report = sara_report(intervention="Anne ringte skolen samme kveld.")
    reporter = user(session, REPORTER)

    [question] = report_names(session, report, reporter).questions

    assert question.word == "Anne"
    assert {c.name for c in question.candidates} == {"Anne Berg", "Anne Hansen"}
    with pytest.raises(NamesToCheck):
        file(session, tmp_path, REPORTER, report)


def test_a_name_the_register_cannot_tell_is_tied_by_hand_keeping_the_typed_name(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    _pupil(session, "Emma", "Hansen", "5A", "Kim Hansen")
    emma = _pupil(session, "Emma", "Hansen", "6B", "Eva Hansen")
    jonas = _pupil(session, "Jonas", "Berg", "6B", "Anne Berg")
    typo = (
        PersonInput("Jonas Bergg", "pupil", role="utøvende", aliases=("Jonte",)),
        PersonInput("Emma Hansen", "pupil", role="medelev"),
    )
    case, _ = file(session, tmp_path, REPORTER, sara_report(others=typo))
    jonas_actor, emma_actor = (a for a in case.actors if a.kind == "pupil")
    # Two Emma Hansens, and no Jonas Bergg: nothing is guessed.
    assert jonas_actor.pupil_id is None and emma_actor.pupil_id is None
    assert not any(a.kind == "guardian" for a in case.actors)
    assert _found(case, "Jonas Bergg slo.") == ["Jonas Bergg"]
    rector = user(session, RECTOR)

    link_person(session, case, jonas_actor.key, jonas.id, rector, BY, NOW)
    link_person(session, case, emma_actor.key, emma.id, rector, BY, NOW)
    session.commit()

    assert (jonas_actor.name, jonas_actor.label) == ("Jonas Berg", "Elev A")
    assert set(jonas_actor.aliases) == {"Jonas Bergg", "Jonte"}
    assert jonas.aliases == ["Jonas Bergg"]
    people = _people(case)
    assert people["Anne Berg"] == ("Foresatt til Elev A", jonas_actor.key)
    assert people["Eva Hansen"] == ("Foresatt til Elev B", emma_actor.key)
    assert "Kim Hansen" not in people
    # The typed spelling is still caught, and so is the register's.
    assert _found(case, "Jonas Bergg slo.") == ["Jonas Bergg"]
    assert _found(case, "Jonas Berg slo.") == ["Jonas Berg"]
    linked = [e.about for e in chronology(session, case) if e.code == "person_linked"]
    assert linked == ["Jonas Berg", "Emma Hansen"]


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("case_pupil", "eleven saken gjelder"),
        ("twice", "allerede knyttet"),
        ("taken", "står allerede"),
    ],
)
def test_tying_by_hand_is_refused_for_the_wrong_pupil(
    session: Session, demo: dict[str, str], tmp_path: Path, which: str, message: str
) -> None:
    sara = sara_with_guardians(session)
    jonas = _pupil(session, "Jonas", "Berg", "6B", "Anne Berg")
    emma = _pupil(session, "Emma", "Hansen", "6B")
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=sara.id))
    jonas_key, emma_key = (a.key for a in case.actors if a.kind == "pupil")
    key, pupil = {
        "case_pupil": (emma_key, sara.id),
        "twice": (jonas_key, emma.id),
        "taken": (emma_key, jonas.id),
    }[which]
    if which != "twice":
        # Emma was tied by name; untie her in the data to try the others.
        next(a for a in case.actors if a.key == emma_key).pupil_id = None
    with pytest.raises(Refused, match=message):
        link_person(session, case, key, pupil, user(session, RECTOR), BY, NOW)


def test_a_typed_case_pupil_linked_later_is_still_caught_where_she_is_labelled(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    leah = _pupil(session, "Leah", "Holm", "6B", "Siri Holm")
    typed, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Lea Holmm"))
    others = (PersonInput("Leah Holm", "pupil", role="medelev"),)
    other_case, _ = file(session, tmp_path, REPORTER, sara_report(others=others))
    assert _found(other_case, "Lea Holmm gråt.") == []

    link_pupil(session, typed, leah.id, user(session, RECTOR), BY, NOW)
    session.commit()

    assert typed.pupil_name == "Leah Holm" and leah.aliases == ["Lea Holmm"]
    leah_actor = next(a for a in other_case.actors if a.pupil_id == leah.id)
    assert "Lea Holmm" in leah_actor.aliases
    assert _found(other_case, "Lea Holmm gråt.") == ["Lea Holmm"]
    # Her own case now has her register guardian, named.
    assert _people(typed)["Siri Holm"] == ("", "")


def test_a_typed_case_merged_into_the_register_pupils_case_keeps_its_spelling(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    sara = sara_with_guardians(session)
    first, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=sara.id))
    typed, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sarah Nilsen"))

    merge_cases(session, typed, first, user(session, RECTOR), BY, NOW)
    session.commit()

    # The typed case survived: it is Sara's now, by the register's name, with her guardians.
    assert (typed.pupil_id, typed.pupil_name) == (sara.id, "Sara Nilsen")
    assert sara.aliases == ["Sarah Nilsen"]
    assert _people(typed)["Kari Nilsen"] == ("", "")
