"""Closed cases by outcome, in the pupil's own experience: every case the leadership (or
the school owner) closed in the period, by what is known of the pupil's school
environment since.

A case closes only when the pupil, in their own experience, has it safe and good
(§ 12-4; trygg.cases.closing refuses otherwise), and the school asks again at the
follow-up: the pupil still has it safe, or the case is opened again. A case closed
more than once in the period counts once, by its last closing there, so the rows split
the period's closed cases (a partition for suppression.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from trygg.models import Case, ClosingDecision
from trygg.models.closing import CONFIRMED, REOPENED, STILL_SAFE
from trygg.overview.suppression import Cell, Table

CLOSED_GROUP = "closed"  # the period's closed cases (suppression.Table.group)

SAFE_AWAITING_FOLLOW_UP = "Eleven opplever det trygt, ikke fulgt opp ennå"
STILL_SAFE_AT_FOLLOW_UP = "Fulgt opp: eleven opplever det fortsatt trygt"
REOPENED_AT_FOLLOW_UP = "Gjenåpnet: eleven opplevde det ikke lenger trygt"
OUTCOMES = {
    "": SAFE_AWAITING_FOLLOW_UP,
    STILL_SAFE: STILL_SAFE_AT_FOLLOW_UP,
    REOPENED: REOPENED_AT_FOLLOW_UP,
}


def closed_by_outcome(
    session: Session, scope: ColumnElement[bool], start: dt.datetime, end: dt.datetime
) -> Table:
    """The cases in `scope` closed between `start` and `end` (naive UTC), by outcome."""
    rows = session.execute(
        select(ClosingDecision.case_id, ClosingDecision.follow_up_result)
        .join(Case, Case.id == ClosingDecision.case_id)
        .where(
            scope,
            ClosingDecision.status == CONFIRMED,
            ClosingDecision.decided_at >= start,
            ClosingDecision.decided_at < end,
        )
        .order_by(ClosingDecision.decided_at, ClosingDecision.id)
    )
    last: dict[int, str] = {}
    for row in rows:
        last[row.case_id] = row.follow_up_result or ""
    counts = {key: 0 for key in OUTCOMES}
    for result in last.values():
        counts[result if result in OUTCOMES else ""] += 1
    return Table(
        "outcomes",
        "Avsluttede saker etter utfall (elevens egen opplevelse)",
        tuple(Cell(label, counts[key]) for key, label in OUTCOMES.items()),
        group=CLOSED_GROUP,
    )
