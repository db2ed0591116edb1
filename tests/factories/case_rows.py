"""Cases as bare rows: a case with the documents, closing decisions and days off its
deadlines depend on, written straight to the tables.

For tests of a rule over many cases (the SQL form of "overdue", the list's pages), where
filing each case through the domain (tests/factories/cases.py) would render and archive a
Word file per report. The rows have the columns and JSON shapes the domain reads; no
file is archived, so nothing here may be downloaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from sqlalchemy.orm import Session

from trygg.models import Case, CaseActor, CaseDocument, ClosingDecision, SchoolDayOff
from trygg.models.closing import CONFIRMED, REOPENED, STILL_SAFE

# The days the generated cases live around: the summer holiday, autumn and Christmas.
FIRST_DAY = dt.date(2026, 5, 25)
SPAN_DAYS = 220


@dataclass(frozen=True)
class PlanRow:
    final: bool
    finalised_after_days: int  # after the case was opened
    measure_dates: tuple[str | None, ...]  # ISO dates, "" or None (no date)
    # The evaluations of this plan: (final, next action, evaluate_on or "").
    evaluations: tuple[tuple[bool, str, str], ...] = ()


@dataclass(frozen=True)
class CaseRows:
    """One case's facts, in days and hours from FIRST_DAY."""

    school: int  # an index into the schools the test passes
    status: str = "open"
    opened_day: int = 0
    opened_hour: int = 9  # UTC: 22 and 23 are the next day in Norway
    reports: tuple[int, ...] = (0,)  # hours after opening of each meldeskjema
    investigation: str = ""  # "", "draft" or "final"
    unsafe_after_days: int | None = None
    plans: tuple[PlanRow, ...] = ()
    # Answers at follow-ups: (days after opening, result), "reopened" or "still_safe".
    follow_ups: tuple[tuple[int, str], ...] = ()
    staff_suspected: bool = False
    leadership_suspected: bool = False
    serious: bool = False
    serious_after_days: int | None = None  # None: marked before the day was stored
    received_after_hours: int | None = None
    owner_reported: bool = False
    follow_up_after_days: int | None = None
    handler_id: int | None = None
    pupil_class: str = "5A"
    suspects: tuple[int, ...] = field(default=())  # user ids suspected in the case


def add_case(session: Session, rows: CaseRows, school_ids: Sequence[int], number: int) -> Case:
    """Write the case and its rows; flushed, not committed."""
    opened_at = dt.datetime.combine(
        FIRST_DAY + dt.timedelta(days=rows.opened_day), dt.time(rows.opened_hour)
    )

    def day(after: int | None) -> dt.date | None:
        return None if after is None else opened_at.date() + dt.timedelta(days=after)

    case = Case(
        reference=f"2026/{number:04d}",
        school_id=school_ids[rows.school % len(school_ids)],
        pupil_name=f"Elev {number}",
        pupil_key=f"elev {number}|{rows.pupil_class.lower()}",
        pupil_class=rows.pupil_class,
        status=rows.status,
        opened_at=opened_at,
        follow_up_on=day(rows.follow_up_after_days),
        handler_id=rows.handler_id,
        received_at=(
            None
            if rows.received_after_hours is None
            else opened_at + dt.timedelta(hours=rows.received_after_hours)
        ),
        unsafe_since=day(rows.unsafe_after_days),
        staff_suspected=rows.staff_suspected,
        leadership_suspected=rows.leadership_suspected,
        routed_to_owner=rows.leadership_suspected,
        serious=rows.serious,
        serious_since=day(rows.serious_after_days) if rows.serious else None,
        owner_reported_at=opened_at + dt.timedelta(days=1) if rows.owner_reported else None,
    )
    session.add(case)
    session.flush()
    for key, user_id in enumerate(rows.suspects, start=1):
        session.add(
            CaseActor(
                case_id=case.id,
                key=f"s{key}",
                kind="staff",
                name=f"Ansatt {user_id}",
                user_id=user_id,
                suspected=True,
                label=f"Ansatt {key}",
            )
        )
    numbers: dict[str, int] = {}

    def document(
        kind: str, at: dt.datetime, final_at: dt.datetime | None, data: dict[str, Any], **more: Any
    ) -> CaseDocument:
        numbers[kind] = numbers.get(kind, 0) + 1
        doc = CaseDocument(
            case_id=case.id,
            kind=kind,
            number=numbers[kind],
            status="final" if final_at is not None else "draft",
            data=data,
            created_at=at,
            updated_at=at,
            finalised_at=final_at,
            **more,
        )
        session.add(doc)
        session.flush()
        return doc

    for hours in rows.reports:
        at = opened_at + dt.timedelta(hours=hours)
        document("meldeskjema", at, at, {"happened_at": at.strftime("%Y-%m-%dT08:30")})
    if rows.investigation:
        at = opened_at + dt.timedelta(days=3)
        document("undersokelse", at, at if rows.investigation == "final" else None, {})
    for plan in rows.plans:
        at = opened_at + dt.timedelta(days=plan.finalised_after_days)
        measures = [
            {"description": "Voksen i friminutt", **({} if d is None else {"evaluate_on": d})}
            for d in plan.measure_dates
        ]
        done = at if plan.final else None
        # A plan without measures has no dates: with and without the key.
        data = {"measures": measures} if measures else {}
        doc = document("aktivitetsplan", at, done, data)
        for final, action, evaluate_on in plan.evaluations:
            step = {"action": action, **({"evaluate_on": evaluate_on} if evaluate_on else {})}
            document("evaluering", at, at if final else None, {"next": step}, parent_id=doc.id)
    for after, result in rows.follow_ups:
        at = opened_at + dt.timedelta(days=after)
        session.add(
            ClosingDecision(
                case_id=case.id,
                status=CONFIRMED,
                proposed_at=at,
                follow_up_on=at.date(),
                decided_at=at,
                followed_up_at=at,
                follow_up_result=REOPENED if result == "reopened" else STILL_SAFE,
            )
        )
    session.flush()
    return case


def add_days_off(session: Session, school_id: int, days: Sequence[dt.date]) -> None:
    session.add_all(SchoolDayOff(school_id=school_id, day=d, reason="Ferie") for d in set(days))
    session.flush()


def _iso(offset: int) -> str:
    return (FIRST_DAY + dt.timedelta(days=offset)).isoformat()


plan_rows = st.builds(
    PlanRow,
    final=st.booleans(),
    finalised_after_days=st.integers(0, 60),
    measure_dates=st.lists(
        st.one_of(st.none(), st.just(""), st.integers(0, SPAN_DAYS).map(_iso)), max_size=3
    ).map(tuple),
    evaluations=st.lists(
        st.tuples(
            st.booleans(),
            st.sampled_from(("ny_evaluering", "ny_versjon", "avslutte", "")),
            st.one_of(st.just(""), st.integers(0, SPAN_DAYS).map(_iso)),
        ),
        max_size=2,
    ).map(tuple),
)

case_rows = st.builds(
    CaseRows,
    school=st.integers(0, 1),
    status=st.sampled_from(("open", "open", "closed", "merged")),
    opened_day=st.integers(0, SPAN_DAYS - 20),
    opened_hour=st.sampled_from((0, 9, 21, 22, 23)),
    reports=st.lists(st.integers(0, 30), max_size=2).map(tuple),
    investigation=st.sampled_from(("", "draft", "final")),
    unsafe_after_days=st.one_of(st.none(), st.integers(-3, 20)),
    plans=st.lists(plan_rows, max_size=2).map(tuple),
    follow_ups=st.lists(
        st.tuples(st.integers(0, 90), st.sampled_from(("reopened", "still_safe"))), max_size=2
    ).map(tuple),
    staff_suspected=st.booleans(),
    leadership_suspected=st.booleans(),
    serious=st.booleans(),
    serious_after_days=st.one_of(st.none(), st.integers(0, 30)),
    received_after_hours=st.one_of(st.none(), st.integers(0, 72)),
    owner_reported=st.booleans(),
    follow_up_after_days=st.one_of(st.none(), st.integers(10, 120)),
)
