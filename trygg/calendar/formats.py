"""How dates and times read, in pages and documents alike: one format per kind of value.

- a date: "14.09.2026"
- a moment someone typed or that happened in Norway: "14.09.2026 kl. 12.40"
  (Språkrådet's "kl. 12.40"; the documents have always used it)
- a system timestamp (naive UTC in the database): the same, in Oslo time
- a day in a calendar list: "mandag 14.09.2026"
- an audit trail timestamp: "14.09.2026 kl. 10.40.05", in UTC to the second, as stored

The web layer registers these as Jinja filters (web/formatting.py); the document engine
uses them through trygg.documents.vocabulary.
"""

from __future__ import annotations

import datetime as dt

from trygg.calendar.clock import oslo_time

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def date_text(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def moment_text(moment: dt.datetime | None) -> str:
    """A wall-clock time in Norway (what someone typed, or a timestamp already in Oslo
    time)."""
    return moment.strftime("%d.%m.%Y kl. %H.%M") if moment else ""


def timestamp_text(utc: dt.datetime | None) -> str:
    """A system timestamp (naive UTC), as the time it was in Norway."""
    return moment_text(oslo_time(utc)) if utc else ""


def audit_timestamp_text(utc: dt.datetime | None) -> str:
    """An audit event's time as stored (naive UTC), to the second: the trail is compared
    with server logs, and an Oslo time would repeat an hour each autumn."""
    return utc.strftime("%d.%m.%Y kl. %H.%M.%S") if utc else ""


def weekday_date_text(day: dt.date | None) -> str:
    return f"{WEEKDAYS[day.weekday()]} {date_text(day)}" if day else ""


def stored_text(value: object) -> str:
    """A date or a moment as the forms store it ("2026-09-14", "2026-09-14T12:40");
    anything else is shown as it is."""
    text = str(value or "")
    try:
        if len(text) == 10:
            return date_text(dt.date.fromisoformat(text))
        if len(text) >= 16 and text[10] == "T":
            return moment_text(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    return text
