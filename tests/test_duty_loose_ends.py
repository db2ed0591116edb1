"""Issue 10, the loose ends, in the domain: reopening a case at the closing follow-up
while a report about the pupil is filed leaves one open case (the pupil's filing lock);
a second evaluation of one plan version is held on the date the first one set, not
"moved"; the school owner may send a copy home in the cases routed to it, and only there;
a handler's evaluation that concludes «Avslutte» proposes and the leadership is told.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import principals as p
from tests.factories.cases import BY, NOW, archive_for, case_at, sara_report
from tests.factories.content import closing_evaluation
from tests.factories.users import HANDLER, RECTOR, REPORTER, user
from trygg.accounts.permissions import CaseAccess, can_edit_case, can_send_home_copies
from trygg.cases.closing import FollowUpAnswer, pending_proposal, record_follow_up
from trygg.cases.documents import save_draft
from trygg.cases.reports import file_report
from trygg.cases.workflow import finalise_step, start_evaluation
from trygg.errors import Refused
from trygg.models import Case, CaseDocument, Notification, User
from trygg.models.cases import OPEN

# --- 1. Reopening at the follow-up beside a report filed at the same instant -----------

REOPEN = FollowUpAnswer(
    still_safe=False,
    pupil_experience="Sara sier at det har begynt igjen i storefri.",
    heard_how="Samtale med Sara ved oppfølgingen.",
)


def _in_threads(steps: list[Callable[[Session], None]], engine: object) -> list[str]:
    """Run each step in its own session and thread, released together; returns the
    failures (a refusal is an answer, not a failure)."""
    start, failures = threading.Barrier(len(steps)), []

    def run(step: Callable[[Session], None]) -> None:
        with Session(engine) as own:  # type: ignore[call-overload]
            try:
                step(own)
                own.commit()
            except Refused:
                own.rollback()
            except Exception as error:  # reported below with the others
                failures.append(repr(error))

    def waiting(step: Callable[[Session], None]) -> Callable[[Session], None]:
        def body(own: Session) -> None:
            start.wait()
            step(own)

        return body

    threads = [threading.Thread(target=run, args=(waiting(step),)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_reopening_at_the_follow_up_and_a_new_report_at_once_leave_one_open_case(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    closed = case_at(session, tmp_path, "closed")
    rektor_id, reporter_id = user(session, RECTOR).id, user(session, REPORTER).id
    outcome: dict[str, object] = {}

    def follow_up(own: Session) -> None:
        case, rektor = own.get(Case, closed.id), own.get(User, rektor_id)
        assert case is not None and rektor is not None
        try:
            record_follow_up(own, case, REOPEN, rektor, BY, NOW)
        except Refused as refusal:
            outcome["refused"] = str(refusal)
            raise

    def report(own: Session) -> None:
        reporter = own.get(User, reporter_id)
        assert reporter is not None
        doc = file_report(own, archive_for(tmp_path), reporter, sara_report(), BY, NOW)
        outcome["report_case"] = doc.case_id

    assert _in_threads([follow_up, report], session.get_bind()) == []
    session.expire_all()
    open_cases = list(
        session.execute(
            select(Case).where(Case.status == OPEN, Case.leadership_suspected.is_(False))
        ).scalars()
    )
    assert len(open_cases) == 1, [c.reference for c in open_cases]
    still_open = open_cases[0]
    if "refused" in outcome:
        # The report came first and opened a case; the follow-up points at it.
        assert still_open.id == outcome["report_case"] != closed.id
        assert still_open.reference in str(outcome["refused"])
    else:
        # The follow-up came first; the report waited and joined the reopened case.
        assert still_open.id == outcome["report_case"] == closed.id


# --- 2. A second evaluation of the same plan version -------------------------------------


def _evaluate(
    session: Session, tmp_path: Path, case: Case, held_on: str, next_on: str
) -> CaseDocument:
    handler = user(session, HANDLER)
    evaluation = start_evaluation(session, case, handler, NOW)
    rows = [
        {**row, "carried_out": True, "effect_pupil": "Litt bedre.", "decision": "fortsette"}
        for row in evaluation.data["measures"]
    ]
    content = {
        "date": held_on,
        "participants": ["Sara", "Per Olsen"],
        "measures": rows,
        "pupil_safe_now": False,
        "overall": "Bedre, men ikke trygt ennå.",
        # «Planen fortsetter; ny evaluering»: the same version, evaluated again then.
        "next": {"action": "ny_evaluering", "evaluate_on": next_on},
    }
    save_draft(
        session, case, evaluation, {**evaluation.data, **content}, evaluation.revision, handler, NOW
    )
    finalise_step(session, archive_for(tmp_path), case, evaluation, handler, BY, NOW)
    session.commit()
    return evaluation


def test_a_second_evaluation_is_planned_for_the_date_the_first_one_set(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    first = _evaluate(session, tmp_path, case, "2026-12-01", "2027-01-12")
    assert first.data["planned_date"] == "2026-12-01"
    # Held on the date the first evaluation set: not "moved", no reason asked for.
    second = _evaluate(session, tmp_path, case, "2027-01-12", "2027-02-09")
    assert second.data["planned_date"] == "2027-01-12"
    assert second.data.get("date_moved_reason") is None
    third = start_evaluation(session, case, user(session, HANDLER), NOW)
    assert third.data["planned_date"] == "2027-02-09"


# --- 4. The school owner sends a copy home in its own cases -------------------------------


def test_the_school_owner_may_open_the_send_home_page_and_staff_still_may() -> None:
    assert can_send_home_copies(p.OWNER) and can_send_home_copies(p.OTHER_OWNER)
    assert can_send_home_copies(p.RECTOR) and can_send_home_copies(p.HANDLER)
    for refused in (p.REPORTER, p.ADMIN, p.SCHOOL_ADMIN):
        assert not can_send_home_copies(refused)


def test_the_school_owner_sends_home_only_in_the_cases_routed_to_it() -> None:
    """The page loads the case with can_edit_case (views/documents/pdf.send_home): the
    owner works on a case routed to it, in its own municipality, and on no other."""
    ordinary = CaseAccess(school_id=p.NORDPOLEN, municipality_id=p.OSLO, handler_id=3)
    routed = replace(ordinary, routed_to_school_owner=True)
    assert can_edit_case(p.OWNER, routed)
    assert not can_edit_case(p.OWNER, ordinary)
    assert not can_edit_case(p.OTHER_OWNER, routed)
    suspected = replace(routed, suspected_user_ids=frozenset({p.OWNER.id}))
    assert not can_edit_case(p.OWNER, suspected)


# --- The one finding at the top of the issue without a test of its own -------------------


def test_a_handler_s_evaluation_that_closes_only_proposes_and_the_leadership_is_told(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """ "A handler closes a case through an evaluation and the leadership is not told":
    the handler's «Avslutte» leaves the case open and alerts the rektor to decide."""
    case = case_at(session, tmp_path, "planned")
    handler = user(session, HANDLER)
    evaluation = start_evaluation(session, case, handler, NOW)
    content = closing_evaluation(evaluation.data)
    save_draft(
        session, case, evaluation, {**evaluation.data, **content}, evaluation.revision, handler, NOW
    )
    finalise_step(session, archive_for(tmp_path), case, evaluation, handler, BY, NOW)
    session.commit()
    assert case.status == OPEN
    proposal = pending_proposal(session, case)
    assert proposal is not None and proposal.evaluation_id == evaluation.id
    told = session.execute(
        select(Notification.user_id).where(Notification.code == "closing_proposed")
    ).scalars()
    assert set(told) == {user(session, RECTOR).id}
