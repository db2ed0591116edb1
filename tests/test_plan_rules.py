"""The activity plan's rules (trygg.cases.plan_rules), without HTTP: a plan rests on a
finalised investigation or says why measures came first (and the investigation stays
open); a measure the evaluation marked «Justere» changes, or the version says why not;
vague measures and thin texts are cautions with examples (issue 10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.factories.cases import BY, NOW, archive_for, case_at, sara_report
from tests.factories.content import MEASURE, PLAN
from tests.factories.users import HANDLER, user
from trygg.cases import plan_rules
from trygg.cases.documents import save_draft
from trygg.cases.overview import deadlines_of
from trygg.cases.plan_rules import OPEN, PLAN_FINAL, PLAN_MISSING, PlanFacts, measures_status
from trygg.cases.workflow import finalise_step, start_document, start_evaluation
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import DRAFT, FINAL

CONCRETE = {
    **MEASURE,
    "description": "Voksen står ved fotballbanen i storefri og organiserer lek",
}


def change(session: Session, case: Case, doc: CaseDocument, content: Mapping[str, object]) -> None:
    handler = user(session, HANDLER)
    save_draft(session, case, doc, {**doc.data, **content}, doc.revision, handler, NOW)


def finalise(session: Session, tmp_path: Path, case: Case, doc: CaseDocument) -> object:
    result = finalise_step(
        session, archive_for(tmp_path), case, doc, user(session, HANDLER), BY, NOW
    )
    session.commit()
    return result


def refused_at(session: Session, tmp_path: Path, case: Case, doc: CaseDocument) -> Refused:
    with pytest.raises(Refused) as caught:
        finalise(session, tmp_path, case, doc)
    assert doc.status == DRAFT
    return caught.value


def test_a_plan_without_a_finalised_investigation_says_why_measures_came_first(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    assert measures_status(session, case).state == PLAN_MISSING  # Sara said so herself
    plan = start_document(session, case, "aktivitetsplan", user(session, HANDLER), NOW)
    change(session, case, plan, PLAN)

    error = refused_at(session, tmp_path, case, plan)
    assert error.field == "measures_first_reason"
    assert "bygger ikke på en ferdigstilt undersøkelse" in str(error)
    change(session, case, plan, {"measures_first_reason": "ok"})
    assert refused_at(session, tmp_path, case, plan).field == "measures_first_reason"

    change(
        session,
        case,
        plan,
        {"measures_first_reason": "Sara gruer seg til skolen; voksen ute i storefri haster."},
    )
    finalise(session, tmp_path, case, plan)
    assert plan.status == FINAL
    assert measures_status(session, case).state == PLAN_FINAL
    # The investigation stays open, with its own deadline.
    codes = [d.code for d in deadlines_of(session, case, NOW.date() + dt.timedelta(days=10))]
    assert "investigate" in codes


def _evaluate(session: Session, tmp_path: Path, case: Case, decision: str) -> CaseDocument:
    evaluation = start_evaluation(session, case, user(session, HANDLER), NOW)
    rows = [
        {**row, "carried_out": True, "effect_pupil": "Litt bedre.", "decision": decision}
        for row in evaluation.data["measures"]
    ]
    content = {
        "date": evaluation.data["planned_date"],
        "participants": ["Sara", "Per Olsen"],
        "measures": rows,
        "pupil_safe_now": False,
        "overall": "Bedre, men ikke trygt ennå.",
        "next": {"action": "ny_versjon", "evaluate_on": "2027-01-12"},
    }
    change(session, case, evaluation, content)
    revision = finalise(session, tmp_path, case, evaluation)
    assert isinstance(revision, CaseDocument) and revision.status == DRAFT
    return revision


def test_a_measure_to_adjust_changes_or_the_version_says_why_not(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    revision = _evaluate(session, tmp_path, case, "justere")

    # Copied forward as it was (only the evaluation date moved): refused.
    error = refused_at(session, tmp_path, case, revision)
    assert error.field == "unadjusted_reason"
    assert "Evaluering nr. 1 sa at tiltak 1 («Voksen ute i storefri») og tiltak 2" in str(error)

    # One adjusted, the other still as it was: still refused, about the other only.
    measures = list(revision.data["measures"])
    measures[0] = {**measures[0], "frequency": "hver skoledag, to voksne"}
    change(session, case, revision, {"measures": measures})
    error = refused_at(session, tmp_path, case, revision)
    assert "tiltak 2" in str(error) and "tiltak 1" not in str(error)

    change(
        session,
        case,
        revision,
        {"unadjusted_reason": "Klassemøtet er flyttet til neste måned; innholdet er det samme."},
    )
    finalise(session, tmp_path, case, revision)
    assert revision.status == FINAL


def test_a_measure_to_continue_may_stay_as_it_was(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    revision = _evaluate(session, tmp_path, case, "fortsette")
    finalise(session, tmp_path, case, revision)
    assert revision.status == FINAL


def test_vague_measures_and_thin_texts_are_cautions_with_examples() -> None:
    facts = PlanFacts(investigation_final=True)
    section = {
        "background": "",
        "measures": [
            {**MEASURE, "description": "Ha fokus på Sara i friminuttene", "frequency": "ved behov"},
            {**MEASURE, "description": "Følge med"},
            CONCRETE,
        ],
        "pupil_voice": "se over",
        "best_interest": "-",
    }
    found = plan_rules.cautions(section, facts)
    assert [c.field for c in found] == [
        "measures-0-description",
        "measures-0-frequency",
        "measures-1-description",
        "pupil_voice",
        "best_interest",
        "background",
    ]
    assert "«ha fokus på»" in found[0].text() and found[0].examples
    assert "«ved behov»" in found[1].text()
    assert all(c.examples for c in found[3:5])
    good = {
        **section,
        "background": "Samtaler med Sara og Jonas, og observasjon i storefri.",
        "measures": [CONCRETE],
        "pupil_voice": "Sara vil at en voksen er ute, og vil ikke bytte klasse.",
        "best_interest": "Saras trygghet veier tyngst; tiltakene retter seg mot miljøet.",
    }
    assert plan_rules.cautions(good, facts) == []


def test_the_measures_duty_says_what_is_the_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    quiet = case_at(session, tmp_path, "received", report=sara_report(pupil_said_so=False))
    assert measures_status(session, quiet).state == OPEN
    investigated = case_at(session, tmp_path, "investigated")
    assert measures_status(session, investigated).state == PLAN_MISSING
    start_document(session, investigated, "aktivitetsplan", user(session, HANDLER), NOW)
    status = measures_status(session, investigated)
    assert (status.state, status.plan_draft) == (PLAN_MISSING, True)
