"""Issue 15: `SchoolCalendar.school_days_after` counts rather than walks the days (a
list page shows it for cases years old); it says what walking them day by day says."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.calendar.school_days import SchoolCalendar

FIRST = dt.date(2016, 1, 1)
days = st.integers(0, 365 * 11).map(lambda n: FIRST + dt.timedelta(days=n))


def walked(calendar: SchoolCalendar, start: dt.date, end: dt.date) -> int:
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_school_day(start + dt.timedelta(days=offset))
    )


@settings(max_examples=300, deadline=None)
@given(
    start=days,
    end=days,
    days_off=st.lists(days, max_size=60),
    holidays=st.lists(st.tuples(days, st.integers(1, 70)), max_size=4),
)
def test_counting_school_days_agrees_with_walking_them(
    start: dt.date,
    end: dt.date,
    days_off: list[dt.date],
    holidays: list[tuple[dt.date, int]],
) -> None:
    # Single days off (some on weekends and public holidays) and whole holidays.
    spans = {first + dt.timedelta(days=n) for first, length in holidays for n in range(length)}
    calendar = SchoolCalendar(frozenset(days_off) | spans)
    assert calendar.school_days_after(start, end) == walked(calendar, start, end)


def test_known_counts() -> None:
    calendar = SchoolCalendar(frozenset({dt.date(2026, 11, 27)}))  # a Friday off
    # Monday 23 to Monday 30 November 2026: Tue-Fri, less Friday, and Monday.
    assert calendar.school_days_after(dt.date(2026, 11, 23), dt.date(2026, 11, 30)) == 4
    # 17 May 2027 is a Monday and a public holiday (Grunnlovsdag, Andre pinsedag).
    assert SchoolCalendar().school_days_after(dt.date(2027, 5, 16), dt.date(2027, 5, 17)) == 0
    assert SchoolCalendar().school_days_after(dt.date(2026, 1, 1), dt.date(2026, 1, 1)) == 0
    assert SchoolCalendar().school_days_after(dt.date(2026, 1, 2), dt.date(2026, 1, 1)) == 0
