"""Shared steps for case tests: file reports and move cases on through the domain, the
way the views do, so view tests can start from a case at any stage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.cases.actors import PersonInput
from trygg.cases.leadership import Receipt, assign_handler, receive
from trygg.cases.reports import NewReport, file_report
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


def user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def archive_for(tmp_path: Path) -> Archive:
    # The app fixture's OUTPUT_DIR is tmp_path/output; the archive lives below it.
    return Archive(tmp_path / "output" / "archive")


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
    assign_handler(session, case, f"u{user(session, handler_email).id}", leader, BY, now)
    session.commit()
