"""The rektor's week and the school owner's counts (trygg.overview.week, .owner), on a
real database with known cases: Nora's case past its investigation deadline, Sara's
case closed and opened again at the follow-up, Emil's case closed directly, and Leo's
case hidden from the leadership (§ 12-5), which never shows in the rektor's week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import (
    BY,
    LEADERSHIP_CASE,
    NOW,
    case_at,
    close_directly,
    file,
    receive_and_assign,
    sara_report,
)
from tests.factories.users import HANDLER, RECTOR, REPORTER, demo_user, school_id, user
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.calendar.deadlines import EVALUATION, FOLLOW_UP, INVESTIGATE, PLAN
from trygg.cases.closing import FollowUpAnswer, record_follow_up
from trygg.cases.overview import calendar_for, case_facts, deadlines_of
from trygg.models import Case
from trygg.models.cases import OPEN
from trygg.overview import owner, week
from trygg.overview.owner import latest_start_older_than, latest_start_overdue

TODAY = dt.date(2026, 10, 19)  # a Monday; the week ends Sunday 25 October
REOPENED_AT = dt.datetime(2026, 10, 14, 9, 0)


def other_pupil(name: str, class_name: str, **changes: object) -> object:
    return sara_report(pupil_name=name, pupil_class=class_name, others=(), **changes)


@pytest.fixture
def cases(session: Session, demo: dict[str, str], tmp_path: Path) -> dict[str, Case]:
    nora, _ = file(session, tmp_path, REPORTER, other_pupil("Nora Haugen", "7C"))  # type: ignore[arg-type]
    receive_and_assign(session, nora, RECTOR, HANDLER)
    sara = case_at(session, tmp_path, "closed")
    answer = FollowUpAnswer(False, "Sara sier det har startet igjen.", "Sara kom til rektor.")
    record_follow_up(session, sara, answer, user(session, RECTOR), BY, REOPENED_AT)
    session.commit()
    emil, _ = file(session, tmp_path, REPORTER, other_pupil("Emil Strand", "3A"))  # type: ignore[arg-type]
    close_directly(session, tmp_path, emil, user(session, RECTOR), dt.datetime(2026, 10, 1, 9))
    leo, _ = file(
        session,
        tmp_path,
        REPORTER,
        other_pupil("Leo Johansen", "5A", **LEADERSHIP_CASE),  # type: ignore[arg-type]
    )
    assert leo.leadership_suspected
    return {"sara": sara, "nora": nora, "emil": emil, "leo": leo}


def principal(session: Session, role: str) -> Principal:
    return Principal.of(demo_user(session, role, None if role == SKOLEEIER else "Nordpolen skole"))


def test_the_week_sorts_the_cases_into_the_meetings_piles(
    session: Session, cases: dict[str, Case]
) -> None:
    result = week.week_overview(session, principal(session, LEDELSE), TODAY)

    piles = {key: [c.reference for c in rows] for key, rows in result.by_bucket.items()}
    nora, sara, emil = (cases[k].reference for k in ("nora", "sara", "emil"))
    assert piles[week.REPORTED] == [nora]  # received, never investigated
    # Opened again: its old plan is final, so it is in the plan pile, with a new plan due.
    assert piles[week.PLAN_ACTIVE] == [sara]
    assert piles[week.CLOSED_RECENTLY] == [emil]
    assert piles[week.INVESTIGATING] == piles[week.TO_EVALUATE] == []
    assert result.week_end == dt.date(2026, 10, 25)


def test_overdue_and_due_this_week_in_school_days(session: Session, cases: dict[str, Case]) -> None:
    result = week.week_overview(session, principal(session, LEDELSE), TODAY)

    overdue = {(i.case.id, i.deadline.code): i for i in result.overdue}
    # Nora's, reported Monday 14 September: investigation due Wednesday 16 September.
    investigate = overdue[(cases["nora"].id, INVESTIGATE)]
    assert investigate.deadline.due == dt.date(2026, 9, 16)
    assert investigate.school_days == 23  # 17 Sep – 19 Oct, weekdays, no holidays
    # Nora said she is not safe: the plan was due 5 school days after the report.
    assert overdue[(cases["nora"].id, PLAN)].deadline.due == dt.date(2026, 9, 21)
    # Emil's case was closed on 1 October with a follow-up on 12 October, not yet done.
    follow_up = overdue[(cases["emil"].id, FOLLOW_UP)]
    assert follow_up.deadline.due == dt.date(2026, 10, 12) and follow_up.school_days == 5
    # Sara's case, opened again on Wednesday 14 October: a new plan due 21 October.
    [due] = result.due_this_week
    assert (due.case.id, due.deadline.code, due.deadline.due) == (
        cases["sara"].id,
        PLAN,
        dt.date(2026, 10, 21),
    )
    assert due.school_days == 2
    assert result.evaluations == ()


def test_handlers_serious_cases_and_the_list_columns(
    session: Session, cases: dict[str, Case]
) -> None:
    result = week.week_overview(session, principal(session, LEDELSE), TODAY)
    rows = {c.id: c for c in result.cases}

    nora = rows[cases["nora"].id]
    assert nora.handler == "Per Olsen" and nora.rektor_informed_on == NOW.date()
    assert nora.school_days_since_report == 25
    assert nora.next_deadline is not None and nora.next_deadline.code == INVESTIGATE
    assert [c.id for c in result.without_handler] == []  # Emil's is closed: not listed
    assert result.serious == ()
    assert result.acknowledgements is None  # the school's plan is not published here


def test_a_case_hidden_from_the_leadership_never_shows_not_even_as_a_count(
    session: Session, cases: dict[str, Case]
) -> None:
    result = week.week_overview(session, principal(session, LEDELSE), TODAY)
    leo = cases["leo"]

    shown_ids = {c.id for c in result.cases}
    assert leo.id not in shown_ids
    assert len(result.cases) == 3 == sum(len(rows) for rows in result.by_bucket.values())
    items = result.overdue + result.due_this_week + result.evaluations
    assert leo.id not in {i.case.id for i in items}
    assert "5A" not in result.classes and 5 not in result.grades
    # The owner's counts include it: the school owner must know it is there.
    [nordpolen] = [
        s
        for s in owner.school_statuses(session, principal(session, SKOLEEIER), TODAY)
        if s.school == "Nordpolen skole"
    ]
    assert nordpolen.open == 3 and nordpolen.section_12_5 == 1


def test_filters_by_trinn_and_class(session: Session, cases: dict[str, Case]) -> None:
    rektor = principal(session, LEDELSE)

    by_grade = week.week_overview(session, rektor, TODAY, week.WeekFilter(grade=6))
    assert [c.id for c in by_grade.cases] == [cases["sara"].id]
    by_class = week.week_overview(session, rektor, TODAY, week.WeekFilter(class_name="7c"))
    assert [c.id for c in by_class.cases] == [cases["nora"].id]
    # The choices stay those of the whole week, so a filter can be changed.
    assert by_class.grades == (3, 6, 7) and by_class.classes == ("3A", "6B", "7C")


def reference_counts(session: Session, today: dt.date) -> dict[int, dict[str, int]]:
    """The owner's numbers computed case by case, from the deadlines every page shows."""
    found: dict[int, dict[str, int]] = {}
    for case in session.execute(select(Case)).scalars():
        counts = found.setdefault(
            case.school_id, {"open": 0, "overdue": 0, "stale": 0, "s125": 0, "eval": 0}
        )
        overdue = [d for d in deadlines_of(session, case, today) if d.state == "overdue"]
        counts["overdue"] += len(overdue)
        counts["eval"] += sum(1 for d in overdue if d.code == EVALUATION)
        if case.status != OPEN:
            continue
        calendar = calendar_for(session, case.school_id)
        facts = case_facts(session, case)
        counts["open"] += 1
        counts["s125"] += case.staff_suspected
        counts["stale"] += (
            calendar.school_days_after(facts.reported_on, today) > owner.STALE_SCHOOL_DAYS
            and not facts.plan_finalised
        )
    return found


@pytest.mark.parametrize(
    "today", [dt.date(2026, 9, 15), dt.date(2026, 9, 17), TODAY, dt.date(2026, 11, 30)]
)
def test_the_owners_sql_counts_agree_with_the_deadlines_case_by_case(
    session: Session, cases: dict[str, Case], today: dt.date
) -> None:
    statuses = owner.school_statuses(session, principal(session, SKOLEEIER), today)
    expected = reference_counts(session, today)

    assert [s.school for s in statuses][-1] == "Vestre Aker skole"  # nothing to do there
    for status in statuses:
        want = expected.get(
            status.school_id, {"open": 0, "overdue": 0, "stale": 0, "s125": 0, "eval": 0}
        )
        got = {
            "open": status.open,
            "overdue": status.overdue,
            "stale": status.stale_without_plan,
            "s125": status.section_12_5,
            "eval": status.evaluations_not_held,
        }
        assert got == want, (today, status.school)


def test_an_evaluation_not_held_counts_for_the_owner(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [evaluation] = [d for d in deadlines_of(session, case, NOW.date()) if d.code == EVALUATION]
    later = evaluation.due + dt.timedelta(days=1)
    statuses = owner.school_statuses(session, principal(session, SKOLEEIER), later)

    [nordpolen] = [s for s in statuses if s.school_id == school_id(session, "Nordpolen skole")]
    assert nordpolen.evaluations_not_held == 1
    assert statuses[0] == nordpolen  # the school with something overdue comes first


def test_one_date_stands_for_each_school_day_rule() -> None:
    from trygg.calendar.school_days import SchoolCalendar

    calendar = SchoolCalendar(days_off=frozenset({dt.date(2026, 10, 16)}))
    today = dt.date(2026, 10, 19)
    bound = latest_start_overdue(calendar, today, 2)
    assert calendar.add_school_days(bound, 2) < today
    assert calendar.add_school_days(bound + dt.timedelta(days=1), 2) >= today
    older = latest_start_older_than(calendar, today, 20)
    assert calendar.school_days_after(older, today) > 20
    assert calendar.school_days_after(older + dt.timedelta(days=1), today) <= 20
