"""Case deadlines from plain facts, on frozen dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from trygg.calendar.deadlines import (
    STATES,
    TITLES,
    CaseFacts,
    Deadline,
    case_deadlines,
    is_overdue,
    reminders_due,
    statsforvalteren_from,
)
from trygg.calendar.school_days import SchoolCalendar

CALENDAR = SchoolCalendar()
FRIDAY = date(2026, 3, 6)

# A case with every duty met, so each test switches on only what it is about.
QUIET = CaseFacts(
    reported_on=FRIDAY,
    investigation_finalised=True,
    unsafe_since=None,
    plan_finalised=False,
    rektor_informed_on=None,
    raised_with_rektor_by_home=None,
    evaluation_dates=(),
    staff_suspected=False,
    owner_report_recorded=False,
    closed=False,
)


def summary(deadlines: list[Deadline]) -> list[tuple[str, date, str]]:
    return [(d.code, d.due, d.state) for d in deadlines]


def test_a_quiet_case_has_no_deadlines() -> None:
    assert case_deadlines(QUIET, CALENDAR, FRIDAY) == []


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 3, 6), "ok"),  # the Friday of the report
        (date(2026, 3, 7), "ok"),  # Saturday: Monday comes before the due Tuesday
        (date(2026, 3, 9), "soon"),  # Monday: due the next school day
        (date(2026, 3, 10), "today"),
        (date(2026, 3, 11), "overdue"),
    ],
)
def test_investigation_of_a_friday_report_is_due_on_tuesday(today: date, state: str) -> None:
    facts = replace(QUIET, investigation_finalised=False)
    [deadline] = case_deadlines(facts, CALENDAR, today)
    assert deadline == Deadline("investigate", "Start undersøkelsen", date(2026, 3, 10), state)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 4, 2), "ok"),  # skjærtorsdag
        (date(2026, 4, 6), "ok"),  # 2. påskedag: Tuesday comes first
        (date(2026, 4, 7), "soon"),
        (date(2026, 4, 8), "today"),
    ],
)
def test_investigation_of_a_report_filed_before_easter(today: date, state: str) -> None:
    facts = replace(QUIET, reported_on=date(2026, 4, 1), investigation_finalised=False)
    assert summary(case_deadlines(facts, CALENDAR, today)) == [
        ("investigate", date(2026, 4, 8), state)
    ]


def test_the_plan_deadline_skips_17_may() -> None:
    facts = replace(QUIET, unsafe_since=date(2027, 5, 12))
    # Thu 13, Fri 14, (weekend, Monday 17 May), Tue 18, Wed 19, Thu 20.
    assert summary(case_deadlines(facts, CALENDAR, date(2027, 5, 19))) == [
        ("plan", date(2027, 5, 20), "soon")
    ]


def test_a_finalised_plan_ends_the_plan_deadline() -> None:
    facts = replace(QUIET, unsafe_since=date(2027, 5, 12), plan_finalised=True)
    assert case_deadlines(facts, CALENDAR, date(2027, 6, 1)) == []


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 6, 7), "ok"),  # three days before
        (date(2026, 6, 8), "soon"),  # two days before
        (date(2026, 6, 9), "soon"),
        (date(2026, 6, 10), "today"),
        (date(2026, 6, 11), "overdue"),
    ],
)
def test_evaluation_reminders(today: date, state: str) -> None:
    facts = replace(QUIET, evaluation_dates=(date(2026, 6, 10),))
    assert summary(case_deadlines(facts, CALENDAR, today)) == [
        ("evaluation", date(2026, 6, 10), state)
    ]


def test_evaluation_reminders_count_calendar_days_over_a_weekend() -> None:
    facts = replace(QUIET, evaluation_dates=(date(2026, 6, 15),))  # a Monday
    assert [d.state for d in case_deadlines(facts, CALENDAR, date(2026, 6, 13))] == ["soon"]


def test_each_evaluation_date_is_one_deadline_in_date_order() -> None:
    facts = replace(QUIET, evaluation_dates=(date(2026, 9, 1), date(2026, 6, 10), date(2026, 9, 1)))
    assert summary(case_deadlines(facts, CALENDAR, date(2026, 6, 11))) == [
        ("evaluation", date(2026, 6, 10), "overdue"),
        ("evaluation", date(2026, 9, 1), "ok"),
    ]


def test_a_staff_suspicion_is_due_to_the_school_owner_the_same_day() -> None:
    facts = replace(QUIET, staff_suspected=True)
    assert summary(case_deadlines(facts, CALENDAR, FRIDAY)) == [
        ("report_to_owner", FRIDAY, "today")
    ]
    assert summary(case_deadlines(facts, CALENDAR, date(2026, 3, 9))) == [
        ("report_to_owner", FRIDAY, "overdue")
    ]
    recorded = replace(facts, owner_report_recorded=True)
    assert case_deadlines(recorded, CALENDAR, date(2026, 3, 9)) == []


def test_deadlines_are_sorted_by_due_date() -> None:
    facts = replace(
        QUIET,
        staff_suspected=True,
        investigation_finalised=False,
        unsafe_since=FRIDAY,
        evaluation_dates=(date(2026, 3, 9),),
    )
    assert [(d.code, d.due) for d in case_deadlines(facts, CALENDAR, FRIDAY)] == [
        ("report_to_owner", FRIDAY),
        ("evaluation", date(2026, 3, 9)),
        ("investigate", date(2026, 3, 10)),
        ("plan", date(2026, 3, 13)),
    ]


def test_a_closed_case_has_no_deadlines() -> None:
    busy = replace(QUIET, staff_suspected=True, investigation_finalised=False, unsafe_since=FRIDAY)
    closed, late = replace(busy, closed=True), date(2026, 5, 4)
    assert len(case_deadlines(busy, CALENDAR, late)) == 3
    assert case_deadlines(closed, CALENDAR, late) == []
    assert not is_overdue(closed, CALENDAR, late)


def test_is_overdue_only_when_a_deadline_has_passed() -> None:
    facts = replace(QUIET, investigation_finalised=False)
    assert not is_overdue(facts, CALENDAR, date(2026, 3, 10))
    assert is_overdue(facts, CALENDAR, date(2026, 3, 11))


def test_reminders_leave_out_deadlines_that_are_ok() -> None:
    facts = replace(
        QUIET,
        investigation_finalised=False,
        evaluation_dates=(date(2026, 3, 11), date(2026, 3, 20)),
    )
    assert summary(reminders_due(facts, CALENDAR, date(2026, 3, 10))) == [
        ("investigate", date(2026, 3, 10), "today"),
        ("evaluation", date(2026, 3, 11), "soon"),
    ]


@pytest.mark.parametrize(
    ("rektor", "home", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 4), date(2026, 3, 11)),
        (date(2026, 3, 4), date(2026, 3, 10), date(2026, 3, 11)),
        (date(2026, 4, 1), None, date(2026, 4, 8)),  # calendar days, Easter or not
        (None, date(2026, 4, 1), date(2026, 4, 8)),
        (None, None, None),
    ],
)
def test_statsforvalteren_one_week_after_the_earliest_date(
    rektor: date | None, home: date | None, expected: date | None
) -> None:
    facts = replace(QUIET, rektor_informed_on=rektor, raised_with_rektor_by_home=home)
    assert statsforvalteren_from(facts) == expected


def test_every_code_has_a_title_and_every_state_is_known() -> None:
    assert set(TITLES) == {"investigate", "plan", "evaluation", "report_to_owner", "follow_up"}
    facts = replace(QUIET, investigation_finalised=False, staff_suspected=True)
    states = {d.state for d in case_deadlines(facts, CALENDAR, date(2026, 3, 9))}
    assert states == {"soon", "overdue"}
    assert states <= set(STATES)
