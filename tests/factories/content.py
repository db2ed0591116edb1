"""What Sara's handler writes in the case's documents: an investigation that finds a plan
is needed, an activity plan with two measures, and an evaluation that closes the case.
Tests that need other words pass their own to `case_at` (tests/factories/cases.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

INVESTIGATION = {
    "watch": "Ekstra voksen ute i storefri.",
    "conversations": [
        {
            "date": "2026-09-15",
            "with": "pupil",
            "by": "Per Olsen",
            "account": "Sara forteller at Jonas holder henne utenfor.",
        },
        {
            "date": "2026-09-16",
            "with": "p1",
            "by": "Per Olsen",
            "account": "Jonte mener det var tull.",
            "kontradiksjon": True,
        },
    ],
    "analysis": "Sara holdes utenfor i storefri over tid.",
    "best_interest": "Saras trygghet veier tyngst.",
    "pupil_voice": "Sara vil ha en voksen ute.",
    "conclusion": {"pupil_safe": False, "plan_needed": True},
}
MEASURE = {
    "description": "Voksen ute i storefri",
    "level": "gruppe",
    "start": "2026-09-22",
    "frequency": "hver skoledag",
    "by": "Per Olsen",
    "evaluate_on": "2026-12-01",
}
PLAN = {
    "problem": "Jonas og Emma holder Sara utenfor i storefri.",
    "measures": [MEASURE, {**MEASURE, "description": "Klassemøte om klassemiljøet"}],
    "pupil_voice": "Sara vil at en voksen er ute.",
    "best_interest": "Trygghet for Sara.",
}


def closing_evaluation(draft: Mapping[str, Any]) -> dict[str, object]:
    """The evaluation of the plan that `draft` (a new evaluation's data) belongs to, on
    its planned date: every measure was carried out and ends, Sara is safe now, and the
    case closes with a follow-up four weeks later."""
    held_on = dt.date.fromisoformat(draft["planned_date"])
    rows = [
        {**row, "carried_out": True, "effect_pupil": "Sara er trygg nå.", "decision": "avslutte"}
        for row in draft["measures"]
    ]
    return {
        "date": held_on.isoformat(),
        "participants": ["Sara", "Per Olsen"],
        "measures": rows,
        "pupil_safe_now": True,
        "overall": "Sara er trygg.",
        "next": {
            "action": "avslutte",
            "follow_up_on": (held_on + dt.timedelta(days=28)).isoformat(),
        },
    }
