"""The date a final plan or evaluation sets for the plan's next evaluation.

A plan is evaluated first on its earliest measure date; an evaluation that asks for a new
evaluation or a new plan version sets the next date itself, and any other evaluation
(ending the case or its measures) sets none. The plan's pending evaluation is then the
date set by its newest final evaluation, or the plan's own date until it has one
(trygg.cases.plans_in_force.pending_evaluation).

A final document never changes, so the date is worked out once, when the document is
finalised, and kept beside it (case_documents.next_evaluation_on, migration 0020): the
school owner's overview counts the evaluations not held in SQL from it instead of reading
every open plan's JSON (issue 15).

No model imports here: trygg.models.documents calls this on every flush.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

PLAN = "aktivitetsplan"
EVALUATION = "evaluering"
# The evaluation's choices that keep the plan running and name the next date.
NEXT_DATE_ACTIONS = ("ny_evaluering", "ny_versjon")


def evaluation_date_set_by(kind: str, data: Mapping[str, Any] | None) -> dt.date | None:
    """The next evaluation date a final plan (`aktivitetsplan`) or evaluation
    (`evaluering`) with this data sets; None for other kinds or when it sets none."""
    data = data or {}
    if kind == PLAN:
        dates = [m.get("evaluate_on") for m in data.get("measures") or [] if m.get("evaluate_on")]
        return min(dt.date.fromisoformat(d) for d in dates) if dates else None
    if kind == EVALUATION:
        step = data.get("next") or {}
        if step.get("action") in NEXT_DATE_ACTIONS and step.get("evaluate_on"):
            return dt.date.fromisoformat(step["evaluate_on"])
    return None
