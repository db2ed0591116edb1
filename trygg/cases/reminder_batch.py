"""What send-reminders reads about every open case, in a few queries for all of them
rather than a few per case (issue 15: 400,000 cases took 170 s and 112,000 queries).

Each piece is the rule it stands for, applied to rows loaded together: the deadline
facts are `trygg.cases.facts.facts_from` itself (from rows of the documents' columns,
never their data), the recipients
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
from trygg.calendar.deadlines import CaseFacts
from trygg.calendar.school_days import SchoolCalendar
from trygg.cases.facts import FACT_COLUMNS, facts_from
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
from trygg.models.closing import REOPENED

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
    """`case_facts` of each of `cases`, by the same rule (`facts_from`) from rows read
    together; `ids` selects the same cases' ids."""
    docs: dict[int, list[Any]] = defaultdict(list)
    rows = session.execute(
        select(CaseDocument.case_id, *FACT_COLUMNS)
        .where(CaseDocument.case_id.in_(ids))
        .order_by(CaseDocument.id)
    )
    for row in rows:
        docs[row.case_id].append(row)
    reopened = {
        case_id: at
        for case_id, at in session.execute(
            select(ClosingDecision.case_id, func.max(ClosingDecision.followed_up_at))
            .where(ClosingDecision.follow_up_result == REOPENED, ClosingDecision.case_id.in_(ids))
            .group_by(ClosingDecision.case_id)
        )
    }
    return {case.id: facts_from(case, docs[case.id], reopened.get(case.id)) for case in cases}


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
