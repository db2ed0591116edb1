"""School days: weekends, Norwegian public holidays and a school's own days off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trygg.calendar.school_days import SchoolCalendar

CALENDAR = SchoolCalendar()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
    ],
)
def test_weekends_are_not_school_days(day: date, expected: bool) -> None:
    assert CALENDAR.is_school_day(day) is expected


def test_an_ordinary_sunday_has_no_holiday_name() -> None:
    # The package can list every Sunday as "Søndag"; weekends are ours to handle.
    assert CALENDAR.holiday_name(date(2026, 3, 8)) is None


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Første nyttårsdag"),
        (date(2026, 4, 2), "Skjærtorsdag"),
        (date(2026, 4, 3), "Langfredag"),
        (date(2026, 4, 5), "Første påskedag"),
        (date(2026, 4, 6), "Andre påskedag"),
        (date(2026, 5, 1), "Arbeidernes dag"),
        (date(2026, 5, 14), "Kristi himmelfartsdag"),
        (date(2026, 5, 17), "Grunnlovsdag"),  # a Sunday, still named
        (date(2026, 5, 25), "Andre pinsedag"),
        (date(2026, 12, 25), "Første juledag"),
        (date(2026, 12, 26), "Andre juledag"),
    ],
)
def test_public_holidays_have_norwegian_names(day: date, name: str) -> None:
    assert CALENDAR.holiday_name(day) == name
    assert not CALENDAR.is_school_day(day)


def test_easter_2026() -> None:
    school_days = [
        day
        for day in (date(2026, 3, 30) + timedelta(days=n) for n in range(10))
        if CALENDAR.is_school_day(day)
    ]
    # Skjærtorsdag 2 April, langfredag 3 April, 2. påskedag 6 April, and the weekend.
    assert school_days == [
        date(2026, 3, 30),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 4, 7),
        date(2026, 4, 8),
    ]


def test_17_may_2027_is_a_monday_off_shared_with_whit_monday() -> None:
    assert not CALENDAR.is_school_day(date(2027, 5, 17))
    assert CALENDAR.holiday_name(date(2027, 5, 17)) == "Andre pinsedag; Grunnlovsdag"
    assert CALENDAR.add_school_days(date(2027, 5, 14), 1) == date(2027, 5, 18)


def test_ascension_day_2026_is_skipped() -> None:
    assert CALENDAR.add_school_days(date(2026, 5, 13), 1) == date(2026, 5, 15)


def test_christmas_eve_and_summer_are_school_days_unless_the_school_enters_them() -> None:
    # Not public holidays: each school enters its own school holidays as days off.
    assert CALENDAR.holiday_name(date(2026, 12, 24)) is None
    assert CALENDAR.is_school_day(date(2026, 12, 24))
    assert CALENDAR.is_school_day(date(2026, 7, 1))


def test_a_day_off_entered_by_the_school() -> None:
    planning_day = date(2026, 8, 17)  # a Monday
    school = SchoolCalendar(days_off=frozenset({planning_day}))
    assert CALENDAR.is_school_day(planning_day)
    assert not school.is_school_day(planning_day)
    assert school.holiday_name(planning_day) is None
    assert CALENDAR.add_school_days(date(2026, 8, 14), 1) == planning_day
    assert school.add_school_days(date(2026, 8, 14), 1) == date(2026, 8, 18)


def test_two_school_days_after_a_friday_is_tuesday() -> None:
    assert CALENDAR.add_school_days(date(2026, 3, 6), 2) == date(2026, 3, 10)


def test_two_school_days_after_the_wednesday_before_easter_2026() -> None:
    assert CALENDAR.add_school_days(date(2026, 4, 1), 2) == date(2026, 4, 8)


def test_counting_crosses_new_year() -> None:
    # 1 January 2027 is a Friday and a holiday; the next school day is Monday.
    assert CALENDAR.add_school_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_zero_school_days_is_the_start_itself_even_on_a_saturday() -> None:
    assert CALENDAR.add_school_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_school_days(date(2026, 3, 6), -1)


def test_a_calendar_without_school_days_fails_instead_of_hanging() -> None:
    start = date(2026, 1, 1)
    every_day = frozenset(start + timedelta(days=n) for n in range(400))
    with pytest.raises(ValueError, match="no school day"):
        SchoolCalendar(days_off=every_day).add_school_days(start, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
        (date(2026, 3, 6), date(2026, 3, 10), 2),
        (date(2026, 3, 7), date(2026, 3, 9), 1),  # Saturday to Monday: the end counts
        (date(2026, 3, 9), date(2026, 3, 14), 4),  # Monday to Saturday: the start does not
        (date(2026, 4, 1), date(2026, 4, 8), 2),  # over Easter
        (date(2026, 3, 6), date(2026, 3, 6), 0),
        (date(2026, 3, 10), date(2026, 3, 6), 0),
        (date(2026, 3, 7), date(2026, 3, 8), 0),  # a weekend
    ],
)
def test_school_days_after(start: date, end: date, expected: int) -> None:
    assert CALENDAR.school_days_after(start, end) == expected


def test_school_days_after_undoes_add_school_days() -> None:
    start = date(2026, 3, 25)  # across Easter, 1 May, Ascension and Whitsun
    for count in range(60):
        assert CALENDAR.school_days_after(start, CALENDAR.add_school_days(start, count)) == count
