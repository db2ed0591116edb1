"""The plans in force of many cases at once, from their final plans and evaluations read
in one query: send-reminders, "Mine tiltak" and the school owner's view would otherwise
read them case by case (issue 15: hundreds of thousands of cases).

The rules are those of one case at a time. The plan in force is the newest final version
(the highest number); the newest final evaluation of it either ends the case (then no
plan is in force and no measure runs) or ends some measures (trygg.cases.measures).
When the plan is next evaluated is trygg.cases.overview's rule: the date the newest final
evaluation of the plan set, or the plan's earliest measure date until it is evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from trygg.cases.evaluation_dates import EVALUATION, PLAN, evaluation_date_set_by
from trygg.models import CaseDocument
from trygg.models.documents import FINAL


@dataclass(frozen=True)
class FinalDocument:
    """A final plan or evaluation, as a plain row."""

    id: int
    case_id: int
    kind: str
    number: int
    parent_id: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class PlanInForce:
    plan: FinalDocument
    # (1-based number, the measure's row) of the measures still running.
    measures: tuple[tuple[int, dict[str, Any]], ...]


def final_plan_documents(
    session: Session, cases: Select[int] | Collection[int]
) -> dict[int, list[FinalDocument]]:
    """The final plans and evaluations of `cases` (a query of case ids, or the ids), per
    case in id order."""
    rows = session.execute(
        select(
            CaseDocument.id,
            CaseDocument.case_id,
            CaseDocument.kind,
            CaseDocument.number,
            CaseDocument.parent_id,
            CaseDocument.data,
        )
        .where(
            CaseDocument.case_id.in_(cases),
            CaseDocument.status == FINAL,
            CaseDocument.kind.in_((PLAN, EVALUATION)),
        )
        .order_by(CaseDocument.id)
    )
    found: dict[int, list[FinalDocument]] = defaultdict(list)
    for row in rows:
        found[row.case_id].append(
            FinalDocument(row.id, row.case_id, row.kind, row.number, row.parent_id, row.data)
        )
    return found


def plan_in_force(docs: Sequence[FinalDocument]) -> PlanInForce | None:
    """The plan in force among one case's final documents and its running measures; None
    without a final plan or when its newest evaluation ended the case."""
    plans = [d for d in docs if d.kind == PLAN]
    if not plans:
        return None
    plan = max(plans, key=lambda d: d.number)
    ended: set[int] = set()
    evaluations = [d for d in docs if d.kind == EVALUATION and d.parent_id == plan.id]
    if evaluations:
        evaluation = max(evaluations, key=lambda d: d.number)
        if (evaluation.data.get("next") or {}).get("action") == "avslutte":
            return None
        rows = evaluation.data.get("measures") or []
        ended = {int(r.get("measure", 0)) for r in rows if r.get("decision") == "avslutte"}
    running = tuple(
        (number, row)
        for number, row in enumerate(plan.data.get("measures") or [], start=1)
        if number not in ended
    )
    return PlanInForce(plan, running)


def pending_evaluation(docs: Sequence[Any]) -> dt.date | None:
    """The next evaluation date of the newest final plan, from its final documents
    (rows with kind, id, parent_id and data, in id order)."""
    plans = [d for d in docs if d.kind == PLAN]
    if not plans:
        return None
    plan = plans[-1]
    evaluations = [d for d in docs if d.kind == EVALUATION and d.parent_id == plan.id]
    newest = evaluations[-1] if evaluations else plan
    return evaluation_date_set_by(newest.kind, newest.data)
