"""The investigation's rules (trygg.cases.investigation_rules), without HTTP: the pupil's
own voice, a source besides the report, kontradiksjon for everyone pointed out, and a
written justification for finding safe a pupil who said herself she is not (issue 10)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.factories.cases import (
    BY,
    NOW,
    archive_for,
    case_at,
    file,
    receive_and_assign,
    sara_report,
)
from tests.factories.content import INVESTIGATION
from tests.factories.users import HANDLER, RECTOR, REPORTER, user
from tests.report_pages import docx_text
from trygg.cases import investigation_rules
from trygg.cases.documents import archived_file, save_draft
from trygg.cases.investigation_rules import InvestigationFacts, PointedOut
from trygg.cases.plan_rules import NOT_NEEDED, PLAN_MISSING, measures_status
from trygg.cases.thin_texts import empty_phrases, says_nothing
from trygg.cases.workflow import check_rules, finalise_step, start_document
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import DRAFT, FINAL

SAFE = {"pupil_safe": True, "plan_needed": False}


def key_of(case: Case, name: str) -> str:
    return next(a.key for a in case.actors if a.name == name)


def talk(with_: str, account: str = "Forteller om det som skjedde i storefri.", **more: object):
    return {"date": "2026-09-15", "with": with_, "by": "Per Olsen", "account": account, **more}


def draft(
    session: Session, tmp_path: Path, content: Mapping[str, object], **report: object
) -> tuple[Case, CaseDocument]:
    case = case_at(session, tmp_path, "received", report=sara_report(**report))
    handler = user(session, HANDLER)
    doc = start_document(session, case, "undersokelse", handler, NOW)
    change(session, case, doc, content)
    return case, doc


def change(session: Session, case: Case, doc: CaseDocument, content: Mapping[str, object]) -> None:
    handler = user(session, HANDLER)
    save_draft(session, case, doc, {**doc.data, **content}, doc.revision, handler, NOW)


def refused_at(session: Session, tmp_path: Path, case: Case, doc: CaseDocument) -> Refused:
    with pytest.raises(Refused) as caught:
        finalise_step(session, archive_for(tmp_path), case, doc, user(session, HANDLER), BY, NOW)
    assert doc.status == DRAFT
    return caught.value


def finalise(session: Session, tmp_path: Path, case: Case, doc: CaseDocument) -> None:
    finalise_step(session, archive_for(tmp_path), case, doc, user(session, HANDLER), BY, NOW)
    session.commit()
    assert doc.status == FINAL


def test_the_issue_case_is_refused_step_by_step_until_it_holds(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """Sara reported it herself; one talk with the reporter, no word from Sara, «safe»."""
    case = case_at(session, tmp_path, "received")
    reporter = key_of(case, "Mona Ruud")
    handler = user(session, HANDLER)
    doc = start_document(session, case, "undersokelse", handler, NOW)
    change(
        session,
        case,
        doc,
        {
            **INVESTIGATION,
            "conversations": [talk(reporter, "Melderen forteller hva hun så i storefri.")],
            "conclusion": SAFE,
        },
    )

    # 1. The pupil's own voice.
    error = refused_at(session, tmp_path, case, doc)
    assert error.field == "pupil_not_heard_reason"
    assert "Eleven selv er ikke hørt" in str(error)

    # 2. Sara is heard, but the reporter and Sara are all there is.
    change(session, case, doc, {"conversations": [*doc.data["conversations"], talk("pupil")]})
    error = refused_at(session, tmp_path, case, doc)
    assert error.field == "conversations"
    assert "bygger bare på meldingen og eleven" in str(error)

    # 3. An observation is another source; Jonas («utøvende») is not heard yet.
    observation = {"date": "2026-09-16", "arena": "storefri", "by": "Per Olsen",
                   "findings": "Sara står alene ved porten."}  # fmt: skip
    change(session, case, doc, {"observations": [observation]})
    error = refused_at(session, tmp_path, case, doc)
    assert error.field == "not_heard_reason"
    assert str(error).startswith("Jonas Berg er pekt ut i saken, men er ikke hørt")

    # 4. Jonas gives his version; «safe» against Sara's own word needs a justification.
    jonas = talk(key_of(case, "Jonas Berg"), "Han mener det var tull.", kontradiksjon=True)
    change(session, case, doc, {"conversations": [*doc.data["conversations"], jonas]})
    error = refused_at(session, tmp_path, case, doc)
    assert error.field == "safe_justification"
    assert "Eleven sa selv fra (meldeskjema nr. 1)" in str(error)

    # «ok» is no justification.
    change(session, case, doc, {"safe_justification": "ok"})
    assert refused_at(session, tmp_path, case, doc).field == "safe_justification"

    justification = (
        "I samtalen 15.09 sier Sara at hun nå er med i leken og ikke gruer seg lenger; "
        "observasjonen 16.09 og kontaktlæreren bekrefter det."
    )
    change(session, case, doc, {"safe_justification": justification})
    finalise(session, tmp_path, case, doc)

    # The justification is in the archived document and on the case page's status.
    stored = archived_file(session, doc, "docx")
    assert stored is not None
    text = docx_text(archive_for(tmp_path).get(stored.sha256, "docx"))
    assert "Eleven har selv sagt fra om noe annet; begrunnelse: I samtalen 15.09" in text
    status = measures_status(session, case)
    assert (status.state, status.safe_justification) == (NOT_NEEDED, justification)


def test_a_stated_reason_stands_in_for_a_talk(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, doc = draft(session, tmp_path, INVESTIGATION, others=(), pupil_said_so=False)
    teacher = talk(key_of(case, "Per Olsen"), "Kontaktlæreren ser at hun sitter alene.")
    change(
        session,
        case,
        doc,
        {
            "conversations": [teacher],
            "pupil_voice": "Eleven er ikke hørt ennå; kontaktlæreren forteller hva han ser.",
        },
    )
    assert refused_at(session, tmp_path, case, doc).field == "pupil_not_heard_reason"
    change(session, case, doc, {"pupil_not_heard_reason": "-"})
    assert refused_at(session, tmp_path, case, doc).field == "pupil_not_heard_reason"
    change(
        session,
        case,
        doc,
        {"pupil_not_heard_reason": "Eleven er sykmeldt i tre uker; samtale avtalt 05.10."},
    )
    finalise(session, tmp_path, case, doc)
    # A plan is needed and there is none: the case page must not say «Ja».
    assert measures_status(session, case).state == PLAN_MISSING


def test_a_suspected_employee_is_heard_or_the_investigation_says_why_not(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # § 12-5: Mona Ruud reports that Per Olsen violated Sara; the rektor handles it.
    report = sara_report(staff_suspected=True, suspected_name="Per Olsen")
    case, _ = file(session, tmp_path, REPORTER, report)
    receive_and_assign(session, case, RECTOR, RECTOR)
    doc = start_document(session, case, "undersokelse", user(session, RECTOR), NOW)
    change(session, case, doc, INVESTIGATION)
    facts = investigation_rules.facts_of(session, case)
    assert {p.name for p in facts.pointed_out} == {"Jonas Berg", "Per Olsen"}
    error = refused_at(session, tmp_path, case, doc)
    assert (error.field, str(error).split(" er pekt ut")[0]) == ("not_heard_reason", "Per Olsen")
    change(
        session,
        case,
        doc,
        {"not_heard_reason": "Skoleeier hører den ansatte som arbeidsgiver, i egen sak."},
    )
    finalise(session, tmp_path, case, doc)


def test_the_rules_read_only_what_the_investigation_holds() -> None:
    facts = InvestigationFacts(
        reporters=frozenset({"s1"}),
        pointed_out=(PointedOut("p1", "Jonas Berg"), PointedOut("p3", "Ali Khan")),
        pupil_said_so_in=(),
    )
    base = {
        "conversations": [talk("pupil"), talk("s1"), talk("p1", declined=True)],
        "conclusion": SAFE,
    }
    # The reporter is no other source; a talk with the one who declined counts as heard.
    with pytest.raises(Refused) as caught:
        investigation_rules.check({**base, "conversations": base["conversations"][:2]}, facts)
    assert caught.value.field == "conversations"
    with pytest.raises(Refused) as caught:
        investigation_rules.check(base, facts)
    assert caught.value.field == "not_heard_reason" and "Ali Khan" in str(caught.value)
    assert "Jonas Berg" not in str(caught.value)
    # Safe without the pupil's own report against it: no justification is asked for.
    investigation_rules.check(
        {**base, "not_heard_reason": "Ali Khan har flyttet fra skolen."}, facts
    )


def test_cautions_name_thin_texts_and_unticked_kontradiksjon_with_examples() -> None:
    facts = InvestigationFacts(frozenset(), (PointedOut("p1", "Jonas Berg"),), ())
    section = {
        "conversations": [talk("pupil"), talk("p1")],
        "pupil_voice": "ok",
        "best_interest": "se over",
    }
    found = investigation_rules.cautions(section, facts)
    assert [c.field for c in found] == [
        "pupil_voice",
        "best_interest",
        "conversations-1-kontradiksjon",
    ]
    assert all(c.examples for c in found[:2])
    assert "Jonas Berg" in found[2].text()
    good = {
        **section,
        "conversations": [talk("pupil"), talk("p1", kontradiksjon=True)],
        "pupil_voice": "Sara gruer seg til storefri og vil at en voksen er ute.",
        "best_interest": "Saras trygghet veier tyngst; hun vil bli i klassen.",
    }
    assert investigation_rules.cautions(good, facts) == []


def test_thin_texts() -> None:
    for text in ("", "ok", "OK.", "-", "se over", "Se ovenfor", "Trygghet for Sara."):
        assert says_nothing(text), text
    assert not says_nothing("Saras trygghet veier tyngst.")
    assert empty_phrases("Vi skal ha fokus på Sara og følge med hele tiden.") == [
        "ha fokus på",
        "hele tiden",
        "følge med",
    ]
    assert empty_phrases("Voksen i garderoben kl. 13.30") == []


def test_check_rules_returns_cautions_without_finalising(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, doc = draft(session, tmp_path, {**INVESTIGATION, "pupil_voice": "-"})
    found = check_rules(session, case, doc)
    assert [c.field for c in found] == ["pupil_voice"]
    assert doc.status == DRAFT
