"""Issue 15: send-reminders reads every case's documents, calendar, suspects and
recipients in a few queries for all cases (trygg.cases.reminder_batch). What it creates
is exactly what the one-case rules give (trygg.cases.facts, trygg.cases.events), for any
case on any day at schools with any days off; and its number of queries does not grow
with the number of cases.

Each example writes its cases as rows (tests/factories/case_rows.py) in a transaction
that is rolled back, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, or_, select
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import NOW, plan_docx, publish_direct
from tests.factories.case_rows import (
    FIRST_DAY,
    SPAN_DAYS,
    CaseRows,
    add_case,
    add_days_off,
    case_rows,
)
from tests.factories.users import NORDPOLEN, VESTRE_AKER, school_id
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.acknowledgements import reminders as plan_reminders
from trygg.calendar.deadlines import FOLLOW_UP, REPORT_TO_OWNER, reminders_due
from trygg.cases import reminders
from trygg.cases.events import leaders_to_alert, suspected_user_ids
from trygg.cases.facts import calendar_for, case_facts
from trygg.cases.reminder_batch import CHUNK, NewAlert, create_alerts
from trygg.models import Case, Notification, User
from trygg.models.cases import OPEN

spans = st.lists(st.tuples(st.integers(0, SPAN_DAYS + 40), st.integers(1, 60)), max_size=3)


def _days(found: list[tuple[int, int]]) -> list[dt.date]:
    return [
        FIRST_DAY + dt.timedelta(days=start + n) for start, length in found for n in range(length)
    ]


def case_by_case(session: Session, today: dt.date) -> set[tuple[int, int, str]]:
    """(user, case, key) of every deadline alert due today, from the one-case rules."""
    found: set[tuple[int, int, str]] = set()
    wanted = or_(Case.status == OPEN, Case.follow_up_on.is_not(None))
    for case in session.execute(select(Case).where(wanted)).scalars():
        calendar = calendar_for(session, case.school_id)
        for deadline in reminders_due(case_facts(session, case), calendar, today):
            recipients = set(leaders_to_alert(session, case))
            if deadline.code not in (REPORT_TO_OWNER, FOLLOW_UP) and case.handler_id is not None:
                recipients.add(case.handler_id)
            recipients -= suspected_user_ids(case)
            key = f"deadline:{case.id}:{deadline.code}:{deadline.due}:{deadline.state}"
            found |= {(user_id, case.id, key) for user_id in recipients}
    return found


def existing(session: Session) -> set[tuple[int, str]]:
    rows = session.execute(select(Notification.user_id, Notification.dedupe_key))
    return {(user_id, key) for user_id, key in rows}


def staff_of(session: Session, schools: list[int]) -> list[int]:
    query = select(User.id).where(or_(User.school_id.in_(schools), User.school_id.is_(None)))
    return sorted(session.execute(query).scalars())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(case_rows, min_size=3, max_size=12),
    days_off=st.tuples(spans, spans),
    todays=st.lists(st.integers(1, SPAN_DAYS + 90), min_size=1, max_size=3),
    data=st.data(),
)
def test_send_reminders_alerts_whom_the_case_by_case_rules_name(
    session: Session,
    demo: dict[str, str],
    rows: list[CaseRows],
    days_off: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    todays: list[int],
    data: st.DataObject,
) -> None:
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    # Leaders, the school owner, teachers: as handlers and as suspects (§ 12-5), so that
    # no leader may be left to alert and the owner's users are alerted instead.
    people = staff_of(session, schools)
    try:
        for school, found in zip(schools, days_off, strict=True):
            add_days_off(session, school, _days(found))
        for number, row in enumerate(rows, start=1):
            handler = data.draw(st.one_of(st.none(), st.sampled_from(people)))
            suspects = data.draw(st.lists(st.sampled_from(people), max_size=2, unique=True))
            row = replace(row, handler_id=handler, suspects=tuple(suspects))
            add_case(session, row, schools, number)
        for offset in sorted(set(todays)):
            today = FIRST_DAY + dt.timedelta(days=offset)
            now = dt.datetime.combine(today, dt.time(5))
            before = existing(session)
            expected = {
                (user_id, case_id, key)
                for user_id, case_id, key in case_by_case(session, today)
                if (user_id, key) not in before
            }
            made = reminders.collect(session, today, now)
            assert {(n.user_id, n.case_id, n.key) for n in made} == expected, today
            stored = session.execute(
                select(Notification.user_id, Notification.case_id, Notification.dedupe_key).where(
                    Notification.created_at == now, Notification.code == "deadline"
                )
            )
            assert set(stored) == expected
            # Run again the same day: nothing new.
            assert reminders.collect(session, today, now) == []
    finally:
        session.rollback()


@contextmanager
def reads(engine: Engine) -> Iterator[list[str]]:
    """The SELECTs run in the block (each new alert is an INSERT of its own on SQLite)."""
    statements: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_send_reminders_reads_two_cases_and_twelve_in_as_many_queries(
    session: Session, demo: dict[str, str], engine: Engine
) -> None:
    schools = [school_id(session, NORDPOLEN), school_id(session, VESTRE_AKER)]
    people = staff_of(session, schools)
    # Open, no investigation: the investigation is overdue; one with a § 12-5 suspect.
    few = [CaseRows(school=n % 2, handler_id=people[n]) for n in range(2)]
    more = [
        CaseRows(
            school=n % 2,
            handler_id=people[n % len(people)],
            staff_suspected=True,
            suspects=(people[0],),
        )
        for n in range(12)
    ]
    today = FIRST_DAY + dt.timedelta(days=10)
    try:
        for number, row in enumerate(few, start=1):
            add_case(session, row, schools, number)
        with reads(engine) as first:
            made_first = reminders.collect(session, today, dt.datetime(2026, 6, 4, 5))
        for number, row in enumerate(more, start=len(few) + 1):
            add_case(session, row, schools, number)
        with reads(engine) as second:
            made_second = reminders.collect(session, today, dt.datetime(2026, 6, 4, 6))
    finally:
        session.rollback()
    assert made_first and len(made_second) > len(made_first)
    assert len(second) == len(first), second


def test_alerts_are_looked_up_in_chunks_and_never_made_twice(
    session: Session, demo: dict[str, str]
) -> None:
    users = sorted(session.execute(select(User.id)).scalars())
    now = dt.datetime(2026, 9, 14, 5)
    # More (user, key) pairs than one lookup takes, some of them already made.
    wanted = [
        NewAlert(user_id, None, "school_plan", f"test:{n}")
        for n in range(CHUNK // len(users) + 2)
        for user_id in users
    ]
    assert len(wanted) > CHUNK
    first = create_alerts(session, wanted[: CHUNK + 1], now)
    second = create_alerts(session, wanted + wanted[:3], now)
    assert len(first) == CHUNK + 1
    assert len(second) == len(wanted) - len(first)
    keys = [(n.user_id, n.dedupe_key) for n in session.execute(select(Notification)).scalars()]
    assert sorted(keys) == sorted({(w.user_id, w.key) for w in wanted})
    session.rollback()


def test_a_school_without_leaders_alerts_the_owner(session: Session, demo: dict[str, str]) -> None:
    """The rule of report_recipients when the leaders are suspected or gone."""
    vestre = school_id(session, VESTRE_AKER)
    leaders = session.execute(
        select(User).where(User.school_id == vestre, User.role_code == LEDELSE)
    ).scalars()
    for leader in leaders:
        leader.active = False
    case = add_case(session, CaseRows(school=0), [vestre], 1)
    made = reminders.collect(session, FIRST_DAY + dt.timedelta(days=10), dt.datetime(2026, 6, 4))
    owners = set(leaders_to_alert(session, case))
    assert owners and {n.user_id for n in made} == owners
    roles = session.execute(select(User.role_code).where(User.id.in_(owners))).scalars()
    assert set(roles) == {SKOLEEIER}
    session.rollback()


def test_plan_reminders_for_two_schools_read_as_much_as_for_one(
    session: Session, demo: dict[str, str], engine: Engine, tmp_path: Path
) -> None:
    """trygg.acknowledgements.reminders: the current plans, the week's reminders and who
    has not signed are read once for every school, not once per school."""
    publish_direct(session, tmp_path)
    with reads(engine) as one_school:
        first = plan_reminders.collect(session, NOW)
    publish_direct(session, tmp_path, school_name=VESTRE_AKER)
    # A newer version at the first school: its employees are reminded of it too.
    publish_direct(session, tmp_path, content=plan_docx("Rettet plan"))
    later = NOW + dt.timedelta(hours=1)
    with reads(engine) as two_schools:
        second = plan_reminders.collect(session, later)
    assert first and second
    assert len(two_schools) == len(one_school)
    vestre = school_id(session, VESTRE_AKER)
    staff = {u.id: u.school_id for u in session.execute(select(User)).scalars() if u.active}
    assert {staff[n.user_id] for n in second} == {school_id(session, NORDPOLEN), vestre}
    # Nobody twice for the same version; the old version's reminders do not hold back
    # the new one's.
    assert len({(n.user_id, n.key) for n in second}) == len(second)
    assert {n.user_id for n in first} <= {n.user_id for n in second}
