"""Which days are school days: the unit the Education Act deadlines are counted in.

A school day is a weekday that is neither a Norwegian public holiday (helligdag or
høytidsdag, from the `holidays` package) nor a day the school has entered as a day off.

School holidays (summer, autumn, Christmas, winter, Easter weeks) are *not* built in:
they differ between municipalities and years, so each school enters them as `days_off`,
together with its planning days (planleggingsdager). Only the statutory public holidays
are known here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from types import MappingProxyType

# Imported from its own module: mypy --strict does not accept the package's re-exports
# (`holidays.Norway` is added at run time by a loader, `holidays.countries` re-exports
# implicitly).
from holidays.countries.norway import Norway

# Saturday and Sunday (date.weekday()). Weekends are handled here rather than by the
# package, whose Norway class can also list every Sunday as a holiday named "Søndag".
_WEEKEND = frozenset({5, 6})

# More consecutive days without school than any real calendar has (the summer holiday is
# about eight weeks). Beyond this the calendar is broken, and looping on would hang.
_MAX_DAYS_WITHOUT_SCHOOL = 366


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> Mapping[date, str]:
    """The public holidays of one year, built once: this runs per case per list row.

    A read-only plain mapping is cached rather than the package's object, because that
    object is a mutable dict that fills in other years lazily on lookup, which is not
    safe to share between threads.
    """
    found = Norway(
        years=year,
        # Sundays are weekend days already; as holidays they would hide the real name
        # of a holiday that falls on a Sunday behind "Søndag".
        include_sundays=False,
        # Without an explicit language the package guesses from the process locale and
        # returns English names under LANG=C.UTF-8.
        language="no",
    )
    return MappingProxyType(dict(found.items()))


@dataclass(frozen=True)
class SchoolCalendar:
    """One school's calendar: public holidays plus the days off its admin entered."""

    days_off: frozenset[date] = frozenset()

    def is_school_day(self, day: date) -> bool:
        return (
            day.weekday() not in _WEEKEND
            and day not in _public_holidays(day.year)
            and day not in self.days_off
        )

    def holiday_name(self, day: date) -> str | None:
        """The Norwegian name of the public holiday on `day`, if it is one.

        Names are the package's ("Første nyttårsdag", "Arbeidernes dag", "Grunnlovsdag").
        Two holidays on one day come joined as the package joins them, sorted:
        17 May 2027 is "Andre pinsedag; Grunnlovsdag".
        """
        return _public_holidays(day.year).get(day)

    def add_school_days(self, start: date, count: int) -> date:
        """The `count`-th school day after `start`; `start` itself is not counted.

        Count 0 returns `start` unchanged, even on a day without school.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        without_school = 0
        while remaining:
            day += timedelta(days=1)
            if self.is_school_day(day):
                remaining -= 1
                without_school = 0
            else:
                without_school += 1
                if without_school > _MAX_DAYS_WITHOUT_SCHOOL:
                    raise ValueError(f"no school day for a year before {day.isoformat()}")
        return day

    def school_days_after(self, start: date, end: date) -> int:
        """How many school days `d` there are with start < d <= end (0 if end <= start).

        Counted, not walked: the weekdays of the span less its weekdays without school,
        so a list of cases years old ("Skoledager siden melding") costs what a new one
        does.
        """
        if end <= start:
            return 0
        weeks, rest = divmod((end - start).days, 7)
        weekdays = weeks * 5 + sum(
            1
            for offset in range(1, rest + 1)
            if (start + timedelta(days=offset)).weekday() not in _WEEKEND
        )
        off = self._weekdays_off
        closed = bisect_right(off, end) - bisect_right(off, start)
        for year in range(start.year, end.year + 1):
            closed += sum(
                1
                for day in _public_holidays(year)
                if start < day <= end and day.weekday() not in _WEEKEND and day not in self.days_off
            )
        return weekdays - closed

    @cached_property
    def _weekdays_off(self) -> list[date]:
        """The days off that fall on weekdays, in order (a day off on a Saturday changes
        nothing)."""
        return sorted(day for day in self.days_off if day.weekday() not in _WEEKEND)
