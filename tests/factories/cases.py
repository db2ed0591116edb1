"""Cases, built through the domain the way the pages would: file a report, receive it and
name a handler, write and finalise the documents. `case_at` brings Sara's case (or any
report's) to a given stage; the steps it is made of are here for tests that walk one of
them with other people or at another time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal, get_args

from sqlalchemy.orm import Session

from tests.factories.content import INVESTIGATION, PLAN, closing_evaluation
from tests.factories.users import HANDLER, RECTOR, REPORTER, staff_value, user
from trygg import audit
from trygg.archive import FolderArchive
from trygg.cases.actors import PersonInput
from trygg.cases.closing import ClosingGrounds, close_case, confirm_closing, pending_proposal
from trygg.cases.documents import save_draft
from trygg.cases.leadership import Receipt, assign_handler, receive
from trygg.cases.reports import NewReport, file_report
from trygg.cases.workflow import finalise_step, start_document, start_evaluation
from trygg.models import Case, CaseDocument, User

NOW = dt.datetime(2026, 9, 14, 12, 40)
BY = audit.Initiator(user_id=None, email="test")
# Texts that name nobody, for reports about another pupil or with other people: a report
# whose text names someone not in its form is not filed (trygg.cases.names_check).
NEUTRAL_TEXTS = {
    "account": "Eleven sa at de andre ikke lar henne være med, og at noen kaller henne "
    "stygge ting på Snap.",
    "intervention": "Snakket med elevene med en gang.",
}
# § 12-5: someone in the school leadership is suspected (pass to sara_report).
LEADERSHIP_CASE = {
    "staff_suspected": True,
    "leadership_suspected": True,
    "suspected_name": "Hilde Moe",
}

Stage = Literal["reported", "received", "investigated", "planned", "closed"]
STAGES: tuple[Stage, ...] = get_args(Stage)


def archive_for(tmp_path: Path) -> FolderArchive:
    # The app fixture's OUTPUT_DIR is tmp_path/output; the archive lives below it.
    return FolderArchive(tmp_path / "output" / "archive")


def sara_report(**changes: object) -> NewReport:
    values: dict[str, object] = {
        "pupil_name": "Sara Nilsen",
        "pupil_class": "6B",
        "arena": "friminutt",
        "account": "Sara sa: «Jonas og Emma sier at jeg ikke får være med, og Jonte kaller "
        "meg stygge ting på Snap.»",
        "kinds": ("utestenging", "digital krenkelse"),
        "pupil_said_so": True,
        "intervention": "Snakket med Jonas og Emma med en gang.",
        "others": (
            PersonInput("Jonas Berg", "pupil", role="utøvende", aliases=("Jonte",)),
            PersonInput("Emma Hansen", "pupil", role="medelev"),
        ),
    }
    if "pupil_name" in changes or "others" in changes:
        values.update(NEUTRAL_TEXTS)
    values.update(changes)
    return NewReport(**values)  # type: ignore[arg-type]


def file(
    session: Session,
    tmp_path: Path,
    email: str,
    report: NewReport | None = None,
    now: dt.datetime = NOW,
) -> tuple[Case, CaseDocument]:
    doc = file_report(
        session, archive_for(tmp_path), user(session, email), report or sara_report(), BY, now
    )
    session.commit()
    case = session.get(Case, doc.case_id)
    assert case is not None
    return case, doc


def receive_and_assign(
    session: Session,
    case: Case,
    leader_email: str,
    handler_email: str,
    now: dt.datetime = NOW,
) -> None:
    leader = user(session, leader_email)
    receive(session, case, Receipt(rektor_informed_at=now), leader, BY, now)
    assign_handler(session, case, staff_value(session, handler_email), leader, BY, now)
    session.commit()


def finish_step(
    session: Session, tmp_path: Path, case: Case, kind: str, content: Mapping[str, object]
) -> CaseDocument:
    """Write and finalise a document (the handler's) through the domain, as an earlier
    page would have: the investigation, the plan or the plan's evaluation."""
    handler = user(session, HANDLER)
    if kind == "evaluering":
        doc = start_evaluation(session, case, handler, NOW)
    else:
        doc = start_document(session, case, kind, handler, NOW)
    save_draft(session, case, doc, {**doc.data, **content}, doc.revision, handler, NOW)
    finalise_step(session, archive_for(tmp_path), case, doc, handler, BY, NOW)
    session.commit()
    return doc


# What a leader states when closing a case that was never investigated (tests of
# reopening and visibility close cases early; trygg.cases.closing asks why).
UNFOUNDED = ClosingGrounds(
    reason="Meldingen gjaldt en misforståelse som ble oppklart samme dag.",
    pupil_experience="Eleven sier at hun har det fint på skolen.",
    heard_how="Samtale med eleven samme dag.",
    follow_up_on=NOW.date() + dt.timedelta(days=28),
    pupil_safe=True,
    no_investigation_reason="Meldingen viste seg å være grunnløs etter samtalen med eleven.",
)


def close_directly(
    session: Session, tmp_path: Path, case: Case, leader: User, now: dt.datetime = NOW
) -> None:
    """The leadership closes the case itself, stating UNFOUNDED (with a follow-up date
    no earlier than `now`)."""
    follow_up = max(UNFOUNDED.follow_up_on or now.date(), now.date())
    grounds = replace(UNFOUNDED, follow_up_on=follow_up)
    close_case(session, archive_for(tmp_path), case, grounds, leader, BY, now)
    session.commit()


def case_at(
    session: Session,
    tmp_path: Path,
    stage: Stage,
    *,
    report: NewReport | None = None,
    investigation: Mapping[str, object] = INVESTIGATION,
    plan: Mapping[str, object] = PLAN,
) -> Case:
    """Sara's case (or the case `report` opens), reported by Mona Ruud (REPORTER), at:

    - "reported": filed; the leadership has not received it;
    - "received": received by Hilde Moe (RECTOR), Per Olsen (HANDLER) handles it;
    - "investigated": and the investigation (`investigation`) is final;
    - "planned": and the activity plan (`plan`), version 1, is final;
    - "closed": and its evaluation is final: every measure ends, the pupil is safe now;
      it proposed closing, and the rektor confirmed it with a date for the follow-up.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")
    reached = STAGES.index(stage)
    case, _ = file(session, tmp_path, REPORTER, report)
    if reached >= STAGES.index("received"):
        receive_and_assign(session, case, RECTOR, HANDLER)
    if reached >= STAGES.index("investigated"):
        finish_step(session, tmp_path, case, "undersokelse", investigation)
    if reached >= STAGES.index("planned"):
        finish_step(session, tmp_path, case, "aktivitetsplan", plan)
    if reached >= STAGES.index("closed"):
        evaluation = start_evaluation(session, case, user(session, HANDLER), NOW)
        finish_step(session, tmp_path, case, "evaluering", closing_evaluation(evaluation.data))
        # The evaluation proposes closing; the rektor confirms (trygg.cases.closing).
        proposal = pending_proposal(session, case)
        assert proposal is not None
        rektor = user(session, RECTOR)
        confirm_closing(session, archive_for(tmp_path), case, proposal, rektor, BY, NOW)
        session.commit()
    return case
