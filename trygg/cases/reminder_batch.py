"""What send-reminders reads about every open case, in a few queries for all of them
rather than a few per case (issue 15: 400,000 cases took 170 s and 112,000 queries).

Each piece is the rule it stands for, applied to rows loaded together: the deadline
facts are `trygg.cases.overview.case_facts`, the recipients
`trygg.cases.events.report_recipients`, the deduplication `trygg.cases.events.notify`.
tests/test_reminder_batch.py compares them case by case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, insert, select, tuple_
from sqlalchemy.orm import Session

from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.calendar.clock import oslo_time
from trygg.calendar.deadlines import CaseFacts
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.evaluation_dates import PLAN
from trygg.cases.plans_in_force import final_plan_documents, pending_evaluation
from trygg.models import (
    Case,
    CaseActor,
    CaseDocument,
    ClosingDecision,
    Notification,
    School,
    SchoolDayOff,
    User,
)
from trygg.models.cases import CLOSED
from trygg.models.closing import REOPENED
from trygg.models.documents import DRAFT, FINAL

# Ids per IN list: well below SQLite's bound on parameters, and plans stay index scans.
CHUNK = 500
# The calendar of a school without days off ahead: weekends and public holidays only.
NO_DAYS_OFF = SchoolCalendar()

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def deadline_facts(
    session: Session, cases: Sequence[Case], ids: Select[int]
) -> dict[int, CaseFacts]:
    """`case_facts` of each of `cases`; `ids` selects the same cases' ids."""
    docs: dict[int, list[Any]] = defaultdict(list)
    rows = session.execute(
        select(
            CaseDocument.case_id,
            CaseDocument.kind,
            CaseDocument.status,
            CaseDocument.created_at,
            CaseDocument.finalised_at,
        )
        .where(CaseDocument.case_id.in_(ids))
        .order_by(CaseDocument.id)
    )
    for row in rows:
        docs[row.case_id].append(row)
    finals = final_plan_documents(session, ids)
    reopened = {
        case_id: at
        for case_id, at in session.execute(
            select(ClosingDecision.case_id, func.max(ClosingDecision.followed_up_at))
            .where(ClosingDecision.follow_up_result == REOPENED, ClosingDecision.case_id.in_(ids))
            .group_by(ClosingDecision.case_id)
        )
    }
    return {
        case.id: _facts(case, docs[case.id], finals.get(case.id, []), reopened.get(case.id))
        for case in cases
    }


def _facts(case: Case, docs: list[Any], finals: list[Any], since: dt.datetime | None) -> CaseFacts:
    reports = [d for d in docs if d.kind == "meldeskjema"]
    investigations = [d for d in docs if d.kind == "undersokelse"]
    # Opened again at the follow-up: only a plan made after that meets the plan deadline.
    plans = [d for d in docs if d.kind == PLAN and d.status == FINAL]
    evaluation = pending_evaluation(finals) if case.status != CLOSED else None
    return CaseFacts(
        reported_on=oslo_time(reports[0].created_at if reports else case.opened_at).date(),
        investigation_finalised=any(d.status == FINAL for d in investigations),
        investigation_draft=any(d.status == DRAFT for d in investigations),
        unsafe_since=case.unsafe_since,
        plan_finalised=any(
            since is None or (d.finalised_at is not None and d.finalised_at >= since) for d in plans
        ),
        rektor_informed_on=case.rektor_informed_at.date() if case.rektor_informed_at else None,
        raised_with_rektor_by_home=case.raised_with_rektor_by_home,
        evaluation_dates=(evaluation,) if evaluation is not None else (),
        staff_suspected=case.staff_suspected,
        owner_report_recorded=case.owner_reported_at is not None or case.leadership_suspected,
        closed=case.status == CLOSED,
        serious_since=_serious_since(case),
        follow_up_on=case.follow_up_on if case.status == CLOSED else None,
    )


def _serious_since(case: Case) -> dt.date | None:
    if not case.serious:
        return None
    # A case marked before the day was stored falls back to its first receipt.
    return case.serious_since or oslo_time(case.received_at or case.opened_at).date()


def calendars_after(session: Session, day: dt.date) -> dict[int, SchoolCalendar]:
    """Every school's calendar as far as it is read after `day`: a calendar counts the
    school days after a start day and never looks at the start day or before it, so the
    days off up to `day` are left unread (ten years of them at scale). A school without
    days off later than `day` is not in the map: its calendar is the empty one."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    rows = session.execute(
        select(SchoolDayOff.school_id, SchoolDayOff.day).where(SchoolDayOff.day > day)
    )
    for school_id, off in rows:
        days[school_id].add(off)
    return {school_id: SchoolCalendar(days_off=frozenset(d)) for school_id, d in days.items()}


def suspects_of(session: Session, ids: Select[int]) -> dict[int, set[int]]:
    """The suspected users of each case (`suspected_user_ids`)."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(CaseActor.case_id, CaseActor.user_id).where(
            CaseActor.case_id.in_(ids),
            CaseActor.suspected.is_(True),
            CaseActor.user_id.is_not(None),
        )
    )
    for case_id, user_id in rows:
        if user_id is not None:  # as the query says; for the type checker
            found[case_id].add(user_id)
    return found


@dataclass(frozen=True)
class Recipients:
    """Who acts on a case for the school, read once for every school: the active leaders
    of each school and the active school-owner users of each municipality."""

    leaders: dict[int, list[int]]
    owners: dict[int, list[int]]
    municipality_of: dict[int, int]

    @classmethod
    def load(cls, session: Session) -> Recipients:
        leaders: dict[int, list[int]] = defaultdict(list)
        owners: dict[int, list[int]] = defaultdict(list)
        active = select(User.id, User.school_id, User.municipality_id, User.role_code).where(
            User.active.is_(True), User.role_code.in_((LEDELSE, SKOLEEIER))
        )
        for user_id, school_id, municipality_id, role in session.execute(active):
            if role == LEDELSE and school_id is not None:
                leaders[school_id].append(user_id)
            elif role == SKOLEEIER and municipality_id is not None:
                owners[municipality_id].append(user_id)
        schools = {
            school_id: municipality_id
            for school_id, municipality_id in session.execute(
                select(School.id, School.municipality_id)
            )
        }
        return cls(leaders, owners, schools)

    def for_case(self, case: Case, suspects: set[int]) -> list[int]:
        """`report_recipients`: the school's leaders unless the case is hidden from them
        (§ 12-5) or none of them is left, else the school owner's users; never a suspect."""
        if not case.leadership_suspected:
            leaders = [u for u in self.leaders.get(case.school_id, []) if u not in suspects]
            if leaders:
                return leaders
        owners = self.owners.get(self.municipality_of[case.school_id], [])
        return [u for u in owners if u not in suspects]


@dataclass(frozen=True)
class NewAlert:
    """An alert to make unless the user already has one with this key."""

    user_id: int
    case_id: int | None
    code: str
    key: str


def create_alerts(session: Session, wanted: Iterable[NewAlert], now: dt.datetime) -> list[NewAlert]:
    """Make each alert, one per user and key as `notify` makes them, except where an
    earlier run made it: repeating a run adds nothing. Returns those made.

    The existing ones are looked up a chunk of (user, key) pairs at a time, and the new
    ones written in one executemany: tens of thousands of ORM objects and their flush
    would take longer than everything else the run reads."""
    todo = list(wanted)
    pairs = sorted({(w.user_id, w.key) for w in todo})
    existing: set[tuple[int, str]] = set()
    for chunk in chunked(pairs):
        rows = session.execute(
            select(Notification.user_id, Notification.dedupe_key).where(
                tuple_(Notification.user_id, Notification.dedupe_key).in_(chunk)
            )
        )
        existing.update((user_id, key) for user_id, key in rows)
    made = []
    for item in todo:
        if (item.user_id, item.key) not in existing:
            existing.add((item.user_id, item.key))
            made.append(item)
    if made:
        session.execute(
            insert(Notification),
            [
                {
                    "user_id": item.user_id,
                    "case_id": item.case_id,
                    "code": item.code,
                    "dedupe_key": item.key,
                    "created_at": now,
                }
                for item in made
            ],
        )
    return made
