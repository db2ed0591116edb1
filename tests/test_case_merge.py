"""Merging two cases of one pupil opened by mistake, and linking a typed pupil to the
register later (trygg.cases.merging): people and labels, chronology, references, the
§ 12-5 line, audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import BY, LEADERSHIP_CASE, NOW, file, sara_report
from tests.factories.users import RECTOR, REPORTER, demo_email, school, user
from trygg.accounts.permissions import can_merge_cases
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.cases.access import case_access
from trygg.cases.actors import PersonInput
from trygg.cases.events import chronology
from trygg.cases.merging import link_pupil, merge_cases, merged_into, merges_into
from trygg.cases.pupil_cases import open_case_for
from trygg.errors import Refused
from trygg.models import AuditEvent, Case, CaseEvent, Pupil
from trygg.models.cases import MERGED, OPEN


def _two_cases(session: Session, tmp_path: Path) -> tuple[Case, Case]:
    """Sara's case, and the case a typo opened beside it, naming Jonas and a new pupil
    in another order, so the same Jonas has another label there."""
    first, _ = file(session, tmp_path, REPORTER)
    typo = sara_report(
        pupil_name="Sara Nilsenn",
        others=(
            PersonInput("Nora Dahl", "pupil", role="utøvende"),
            PersonInput("Jonas Berg", "pupil", role="utøvende", aliases=("Jonsen",)),
        ),
    )
    second, _ = file(session, tmp_path, REPORTER, typo)
    assert first.id != second.id
    return first, second


def _labels(case: Case) -> dict[str, str]:
    return {a.name: a.label for a in case.actors if a.label}


def test_merging_keeps_both_references_and_maps_the_labels(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    surviving, merged = _two_cases(session, tmp_path)
    before_surviving, before_merged = _labels(surviving), _labels(merged)
    # The test means something only when the two cases labelled Jonas differently.
    assert before_surviving["Jonas Berg"] != before_merged["Jonas Berg"]

    row = merge_cases(session, surviving, merged, user(session, RECTOR), BY, NOW)
    session.commit()

    assert merged.status == MERGED and surviving.status == OPEN
    assert merged_into(session, merged) == surviving
    assert [m.merged_case_id for m in merges_into(session, surviving)] == [merged.id]
    after = _labels(surviving)
    # Existing labels never change; the new pupil gets the surviving case's next label.
    assert {k: after[k] for k in before_surviving} == before_surviving
    assert after["Nora Dahl"] not in before_surviving.values()
    assert row.labels == {
        before_merged["Jonas Berg"]: before_surviving["Jonas Berg"],
        before_merged["Nora Dahl"]: after["Nora Dahl"],
    }
    jonas = next(a for a in surviving.actors if a.name == "Jonas Berg")
    assert "Jonsen" in jonas.aliases
    # The merged case's labels stay: its archived documents keep theirs.
    assert _labels(merged) == before_merged
    # The chronology moved, marked with the reference it came from.
    entries = chronology(session, surviving)
    assert any(e.code == "report_filed" and merged.reference in e.about for e in entries)
    assert entries[-1].code == "case_merged" and entries[-1].about == merged.reference
    left = session.execute(select(CaseEvent.code).where(CaseEvent.case_id == merged.id))
    assert list(left.scalars()) == ["case_merged_into"]
    actions = set(
        session.execute(
            select(AuditEvent.action).where(AuditEvent.action.like("case.merged%"))
        ).scalars()
    )
    assert actions == {"case.merged", "case.merged_into"}
    # A new report about Sara joins the surviving case, never the merged one.
    assert open_case_for(session, surviving.school_id, "Sara Nilsenn", "6B") is None


def test_a_merged_or_closed_case_is_not_merged_again(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    surviving, merged = _two_cases(session, tmp_path)
    rector = user(session, RECTOR)
    merge_cases(session, surviving, merged, rector, BY, NOW)
    session.commit()
    with pytest.raises(Refused, match="åpne"):
        merge_cases(session, surviving, merged, rector, BY, NOW)
    with pytest.raises(Refused, match="annen sak"):
        merge_cases(session, surviving, surviving, rector, BY, NOW)


def test_never_across_the_section_12_5_line(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    ordinary, _ = file(session, tmp_path, REPORTER)
    hidden, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    assert hidden.leadership_suspected and ordinary.hidden_case_id == hidden.id
    rector = user(session, RECTOR)
    # The domain refuses on its own, whoever calls it, in both directions.
    with pytest.raises(Refused, match="12-5"):
        merge_cases(session, ordinary, hidden, rector, BY, NOW)
    with pytest.raises(Refused, match="12-5"):
        merge_cases(session, hidden, ordinary, rector, BY, NOW)
    # The rule for pages says the same: the leadership cannot even see the hidden case.
    principal = Principal.of(rector)
    assert not can_merge_cases(principal, case_access(ordinary), case_access(hidden))
    assert can_merge_cases(principal, case_access(ordinary), case_access(ordinary))


def _pupil(session: Session, name: str = "Sara Nilsen", klass: str = "6B") -> Pupil:
    first, last = name.split(" ", 1)
    pupil = Pupil(
        school_id=school(session).id,
        first_name=first,
        last_name=last,
        name_key=name.casefold(),
        class_name=klass,
    )
    session.add(pupil)
    session.commit()
    return pupil


def test_a_typed_case_is_linked_to_a_register_pupil(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    pupil = _pupil(session)
    link_pupil(session, case, pupil.id, user(session, RECTOR), BY, NOW)
    session.commit()
    assert (case.pupil_id, case.pupil_name, case.pupil_class) == (pupil.id, "Sara Nilsen", "6B")
    linked = [e for e in chronology(session, case) if e.code == "pupil_linked"]
    assert len(linked) == 1
    assert session.execute(
        select(AuditEvent.id).where(AuditEvent.action == "case.pupil_linked")
    ).first()
    with pytest.raises(Refused, match="allerede knyttet"):
        link_pupil(session, case, pupil.id, user(session, RECTOR), BY, NOW)


def test_linking_to_a_pupil_with_an_open_case_asks_for_a_merge(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    pupil = _pupil(session)
    first, _ = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    typed, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sarah Nilsen"))
    with pytest.raises(Refused, match=first.reference.replace("/", "/")):
        link_pupil(session, typed, pupil.id, user(session, RECTOR), BY, NOW)
    # A pupil of another school, or no such pupil: the same refusal, nothing told.
    with pytest.raises(Refused, match="finnes ikke"):
        link_pupil(session, typed, pupil.id + 999, user(session, RECTOR), BY, NOW)
    # Merging is the way: the typed case merges into the register pupil's case.
    merge_cases(session, first, typed, user(session, RECTOR), BY, NOW)
    session.commit()
    assert typed.status == MERGED and first.pupil_id == pupil.id


def _principal(role: str, school_id: int | None = 1) -> Principal:
    return Principal(
        id=7,
        email="x@example.no",
        name="X",
        title="",
        role=role,
        municipality_id=1,
        school_id=school_id,
        school_name=None,
        municipality_name="Oslo",
    )


def test_the_merge_rule_is_the_school_leaderships_and_never_crosses_12_5() -> None:
    from trygg.accounts.permissions import CaseAccess, can_inform_guardians
    from trygg.accounts.roles import KONTAKTLAERER, LEDELSE

    plain = CaseAccess(school_id=1, municipality_id=1)
    leader = _principal(LEDELSE)
    assert can_merge_cases(leader, plain, plain)
    assert not can_merge_cases(leader, plain, CaseAccess(school_id=2, municipality_id=1))
    hidden = CaseAccess(school_id=1, municipality_id=1, leadership_suspected=True)
    assert not can_merge_cases(leader, plain, hidden)
    suspect = CaseAccess(school_id=1, municipality_id=1, suspected_user_ids=frozenset({3}))
    assert not can_merge_cases(leader, plain, suspect)
    assert not can_merge_cases(_principal(KONTAKTLAERER), plain, plain)
    assert not can_merge_cases(_principal(SKOLEEIER, None), hidden, hidden)
    # The school owner merges only cases routed to it and hidden from the leadership.
    routed = CaseAccess(
        school_id=1, municipality_id=1, leadership_suspected=True, routed_to_school_owner=True
    )
    owner = _principal(SKOLEEIER, None)
    assert can_merge_cases(owner, routed, routed)
    assert not can_merge_cases(leader, routed, routed)
    linked = CaseAccess(school_id=1, municipality_id=1, routed_to_school_owner=True)
    assert not can_merge_cases(owner, linked, linked)
    assert not can_merge_cases(owner, routed, linked)
    assert can_inform_guardians(leader, plain)
    assert not can_inform_guardians(_principal(KONTAKTLAERER), plain)


def test_the_school_owner_merges_two_of_its_cases_hidden_from_the_leadership(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    ordinary, _ = file(session, tmp_path, REPORTER)
    hidden, _ = file(session, tmp_path, REPORTER, sara_report(**LEADERSHIP_CASE))
    # The typo opens a second pair: an ordinary case and a hidden one beside it.
    typo_ordinary, _ = file(session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn"))
    typo_hidden, _ = file(
        session, tmp_path, REPORTER, sara_report(pupil_name="Sara Nilsenn", **LEADERSHIP_CASE)
    )
    assert typo_ordinary.hidden_case_id == typo_hidden.id != hidden.id
    owner = user(session, demo_email(SKOLEEIER, None))
    as_owner, as_rector = Principal.of(owner), Principal.of(user(session, RECTOR))
    access = {c.id: case_access(c) for c in (ordinary, hidden, typo_hidden)}
    assert can_merge_cases(as_owner, access[hidden.id], access[typo_hidden.id])
    # Never across the line, and the ordinary cases stay the leadership's to merge.
    assert not can_merge_cases(as_owner, access[hidden.id], access[ordinary.id])
    assert not can_merge_cases(as_owner, access[ordinary.id], access[ordinary.id])
    assert not can_merge_cases(as_rector, access[hidden.id], access[typo_hidden.id])

    merge_cases(session, hidden, typo_hidden, owner, BY, NOW)
    session.commit()

    assert typo_hidden.status == MERGED and hidden.status == OPEN
    assert hidden.reference.startswith("SE-") and typo_hidden.reference.startswith("SE-")
    # The ordinary case beside the merged hidden case is beside the surviving one now.
    assert typo_ordinary.hidden_case_id == hidden.id
    with pytest.raises(Refused, match="12-5"):
        merge_cases(session, hidden, typo_ordinary, owner, BY, NOW)
