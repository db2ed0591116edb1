"""The case page's notes and attachments as plain values: the section (templates/cases/
_notes.html) and their lines in the chronology (views/cases/page_content.py).

A note stands in the chronology at the time it happened, an attachment at the time it was
added, and a withdrawal at the time it was made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext

from trygg.accounts.permissions import can_add_case_records, can_withdraw_case_record
from trygg.accounts.principal import Principal
from trygg.calendar.formats import timestamp_text
from trygg.cases.access import case_access
from trygg.cases.attachments import FORMAT_NAMES
from trygg.cases.case_records import CaseRecords, Withdrawal
from trygg.cases.notes import NOTE_KIND_TITLES
from trygg.models import Case

# A note's opening words in the chronology; the whole note is in its section.
EXCERPT = 160


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _withdrawn(withdrawal: Withdrawal | None) -> dict[str, str] | None:
    if withdrawal is None:
        return None
    return {
        "at": timestamp_text(withdrawal.at),
        "by": withdrawal.by,
        "reason": withdrawal.reason,
    }


def _kind(code: str) -> str:
    return gettext(NOTE_KIND_TITLES.get(code, code))


def records_section(case: Case, user: Principal, records: CaseRecords) -> dict[str, Any]:
    access = case_access(case)
    can_add = can_add_case_records(user, access)

    def withdraw_url(endpoint: str, record_id: int, added_by: int | None, withdrawn: bool) -> str:
        if withdrawn or not can_withdraw_case_record(user, access, added_by):
            return ""
        return url_for(f"case_notes.{endpoint}", case_id=case.id, record_id=record_id)

    return {
        "add_note_url": url_for("case_notes.new_note", case_id=case.id) if can_add else "",
        "add_attachment_url": url_for("case_notes.new_attachment", case_id=case.id)
        if can_add
        else "",
        "notes": [
            {
                "id": n.id,
                "kind": _kind(n.kind),
                "happened": timestamp_text(n.happened_at),
                "text": n.text,
                "author": n.author,
                "created": timestamp_text(n.created_at),
                "withdrawn": _withdrawn(n.withdrawn),
                "withdraw_url": withdraw_url(
                    "withdraw_note", n.id, n.author_id, n.withdrawn is not None
                ),
            }
            for n in records.notes
        ],
        "attachments": [
            {
                "id": a.id,
                "name": a.display_name,
                "format": FORMAT_NAMES[a.format],
                "size": _size(a.size),
                "description": a.description,
                "author": a.author,
                "created": timestamp_text(a.created_at),
                "withdrawn": _withdrawn(a.withdrawn),
                # A PDF is only downloaded (views/cases/notes.py); an image can be shown.
                "view_url": url_for(
                    "case_notes.show_attachment", case_id=case.id, attachment_id=a.id
                )
                if a.format != "pdf"
                else "",
                "download_url": url_for(
                    "case_notes.download_attachment", case_id=case.id, attachment_id=a.id
                ),
                "withdraw_url": withdraw_url(
                    "withdraw_attachment", a.id, a.author_id, a.withdrawn is not None
                ),
            }
            for a in records.attachments
        ],
    }


def record_chronology(records: CaseRecords) -> list[tuple[dt.datetime, dict[str, str]]]:
    """(UTC time, chronology row) for each note, attachment and withdrawal."""
    rows: list[tuple[dt.datetime, dict[str, str]]] = []
    for n in records.notes:
        text = " ".join(n.text.split())
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"
        rows.append(
            (
                n.happened_at,
                {
                    "at": timestamp_text(n.happened_at),
                    "who": n.author,
                    "text": gettext("Notat – %(kind)s: %(text)s", kind=_kind(n.kind), text=excerpt),
                },
            )
        )
        if n.withdrawn:
            rows.append(_withdrawal_row(n.withdrawn, gettext("Notat trukket tilbake")))
    for a in records.attachments:
        rows.append(
            (
                a.created_at,
                {
                    "at": timestamp_text(a.created_at),
                    "who": a.author,
                    "text": gettext("Vedlegg lagt til: %(name)s", name=a.display_name),
                },
            )
        )
        if a.withdrawn:
            rows.append(_withdrawal_row(a.withdrawn, gettext("Vedlegg trukket tilbake")))
    return rows


def _withdrawal_row(withdrawal: Withdrawal, what: str) -> tuple[dt.datetime, dict[str, str]]:
    return (
        withdrawal.at,
        {
            "at": timestamp_text(withdrawal.at),
            "who": withdrawal.by,
            "text": f"{what}: {withdrawal.reason}",
        },
    )
