"""Two kinds of time: the system's timestamps are naive UTC (what the database stores
without surprises); what people read and type in forms and documents is Oslo time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_time(utc_naive: datetime) -> datetime:
    """A stored UTC timestamp as the wall-clock time in Norway (naive)."""
    return utc_naive.replace(tzinfo=UTC).astimezone(OSLO).replace(tzinfo=None)


def oslo_now() -> datetime:
    return datetime.now(OSLO).replace(tzinfo=None)


def utc_start_of(day: date) -> datetime:
    """Midnight in Norway at the start of `day`, as the naive UTC the database stores."""
    return datetime.combine(day, time(), tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)
