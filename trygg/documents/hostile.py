"""A hostile but valid input for every kind: what pre-flight renders a template with.

User text with XML and Jinja syntax, Norwegian letters, emoji, every kind of line end,
characters XML forbids, a lone surrogate, a 10,000-character paragraph, 30 measures and
every optional field empty. A template that survives this survives real users.
"""

import copy
from typing import Any

from trygg.documents.sanitise import LONG_TEXT_MAX

HOSTILE = (
    "Smith & Søn <b>fet</b> \"sitat\" 'enkel' {{ 7*7 }} {% if %} {_{ x }_} æøå ÆØÅ 🙂 "
    "Linje 1\r\nLinje 2\rLinje 3\nLinje 4\x00\x0b\x07\x0c\ud800 slutt"
)
HOSTILE_LINE = 'Smith & Søn <b> "x" {{ 7*7 }} æøå'


def long_paragraph() -> str:
    words = "Lang tekst om hva som skjedde i friminuttet, med detaljer. "
    return (words * (LONG_TEXT_MAX // len(words) + 1))[: LONG_TEXT_MAX - 10] + " SLUTTORD"


_SCHOOL = {"name": "Nordpolen skole", "municipality": "Oslo kommune"}
_CASE = {"reference": "2026/0142", "opened": "2026-09-14"}
_PUPIL = {"name": "Sara Nilsen", "class": "6B"}
_ACTORS = [
    {"id": "p1", "kind": "pupil", "name": "Jonas Berg"},
    {"id": "g1", "kind": "guardian", "name": "Kari Berg", "guardian_of": "p1"},
    {"id": "s1", "kind": "staff", "name": HOSTILE_LINE, "title": "lærer & <ass>"},
]


def _case_base() -> dict[str, Any]:
    return {
        "school": dict(_SCHOOL),
        "case": dict(_CASE),
        "pupil": dict(_PUPIL),
        "actors": copy.deepcopy(_ACTORS),
    }


def _measure(index: int) -> dict[str, Any]:
    return {
        "description": f"Tiltak {index + 1}: {HOSTILE}",
        "level": ("individ", "gruppe", "system")[index % 3],
        "start": "2026-09-22",
        "frequency": HOSTILE_LINE,
        "by": "s1",
        "evaluate_on": "2026-10-20",
    }


def hostile_input(kind: str) -> dict[str, Any]:
    """A valid input for `kind` full of hostile text; optional fields left out."""
    data = _case_base()
    if kind == "meldeskjema":
        data["report"] = {
            "reporter": "s1",
            "reported_at": "2026-09-14T12:40",
            "arena": "annet",
            "pupil_said_so": True,
            "account": long_paragraph(),
            "intervention": HOSTILE,
            "kinds": ["annet"],
            "staff_suspected": False,
            "leadership_suspected": False,
        }
    elif kind == "undersokelse":
        data["investigation"] = {
            "started_at": "2026-09-15T08:30",
            "watch": long_paragraph(),
            "conversations": [
                {"date": "2026-09-15", "with": w, "by": "s1", "account": HOSTILE}
                for w in ("pupil", "p1", "g1") * 10
            ],
            "analysis": HOSTILE,
            "best_interest": HOSTILE,
            "conclusion": {"pupil_safe": False, "plan_needed": True},
        }
    elif kind == "aktivitetsplan":
        data["plan"] = {
            "version": 1,
            "created": "2026-09-21",
            "responsible": "s1",
            "problem": long_paragraph(),
            "measures": [_measure(i) for i in range(30)],
            "pupil_voice": HOSTILE,
            "best_interest": HOSTILE,
        }
    elif kind == "evaluering":
        data["evaluation"] = {
            "plan_version": 1,
            "number": 1,
            "date": "2026-10-20",
            "participants": ["Sara", HOSTILE_LINE, "s1"],
            "measures": [
                {
                    "measure": i + 1,
                    "carried_out": i % 2 == 0,
                    "by": "s1",
                    "effect_pupil": HOSTILE,
                    "decision": "fortsette",
                }
                for i in range(30)
            ],
            "pupil_safe_now": False,
            "overall": long_paragraph(),
            "next": {"action": "ny_evaluering", "evaluate_on": "2026-11-17"},
        }
    elif kind == "avslutning":
        data["closing"] = {
            "proposed_by": "s1",
            "proposed_at": "2026-12-01T09:00",
            "decided_by": "s1",
            "decided_at": "2026-12-01T10:00",
            "decided_as": "ledelse",
            "reason": long_paragraph(),
            "pupil_experience": HOSTILE,
            "heard_how": HOSTILE,
            "no_investigation_reason": HOSTILE,
            "follow_up_on": "2027-01-12",
        }
    elif kind == "kvittering":
        return {
            "school": dict(_SCHOOL),
            "employee": {"name": HOSTILE_LINE, "title": "lærer", "employer": HOSTILE_LINE},
            "school_plan": {"title": HOSTILE_LINE, "school_year": "2026/2027", "version": "1"},
            "confirmations": dict.fromkeys(
                ("read_plan", "knows_five_duties", "knows_12_5_route", "knows_confidentiality"),
                True,
            ),
            "signed_at": "2026-08-14T09:12",
            "typed_signature": HOSTILE_LINE,
        }
    elif kind == "kvitteringsliste":
        return {
            "school": dict(_SCHOOL),
            "school_year": "2026/2027",
            "school_plan": {"title": HOSTILE_LINE, "version": "1"},
            "generated_on": "2026-09-01",
            "rows": [
                {"name": f"{HOSTILE_LINE} {i}", "signed_at": None if i % 3 else "2026-08-14T09:12"}
                for i in range(30)
            ],
        }
    else:
        raise KeyError(kind)
    return data
