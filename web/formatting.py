"""Dates and times in the pages: Jinja filters over trygg.calendar.formats, so a template
writes `{{ case.opened|date }}` and every page shows one format per kind of value."""

from __future__ import annotations

from flask import Flask

from trygg.calendar.formats import (
    audit_timestamp_text,
    date_text,
    moment_text,
    stored_text,
    timestamp_text,
    weekday_date_text,
)

FILTERS = {
    "date": date_text,
    "moment": moment_text,
    "timestamp": timestamp_text,
    "weekday_date": weekday_date_text,
    "stored": stored_text,
    "audit_timestamp": audit_timestamp_text,
}


def install(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
