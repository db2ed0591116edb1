"""The case's name-to-label key as a file the school owner sends to Statsforvalteren.

Statsforvalteren handles complaints about the school environment and must know who
"Elev A" is; the documents never say. The school owner (the only one who may export the
key) downloads it as CSV for Excel: UTF-8 with a byte-order mark, semicolons, Norwegian
headers. Every export is audited as its own event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.cases.registry import key_of
from trygg.models import Case

# Bokmål msgids: the caller passes its translation function.
HEADERS = (
    "Navn",
    "Betegnelse i dokumentene",
    "Hvem",
    "Rolle eller tittel",
    "Foresatt til",
    "Kallenavn",
    "Mistenkt etter § 12-5",
)
OWN_PUPIL = "Navngis (eleven saken gjelder)"
NAMED_STAFF = "Navngis (ansatt i sin rolle)"
PUPIL = "Elev"
YES, NO = "Ja", "Nei"
# A cell starting with one of these is a formula to Excel: "=HYPERLINK(...)" as a name.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Translate = Callable[[str], str]


@dataclass(frozen=True)
class KeyFile:
    filename: str
    content: bytes
    rows: int


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def key_rows(case: Case, translate: Translate = str) -> list[list[str]]:
    """The case's own pupil first, then everyone in the registry in the order added."""
    rows = [[case.pupil_name, translate(OWN_PUPIL), translate(PUPIL), "", "", "", translate(NO)]]
    for entry in key_of(case):
        rows.append(
            [
                entry.name,
                entry.label or translate(NAMED_STAFF),
                translate(entry.kind),
                translate(entry.role) if entry.role else "",
                entry.guardian_of,
                ", ".join(entry.nicknames),
                translate(YES if entry.suspected else NO),
            ]
        )
    return rows


def key_csv(case: Case, translate: Translate = str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([translate(h) for h in HEADERS])
    writer.writerows([_cell(value) for value in row] for row in key_rows(case, translate))
    # The byte-order mark makes Excel read the file as UTF-8 (æ, ø, å).
    return out.getvalue().encode("utf-8-sig")


def key_filename(case: Case) -> str:
    reference = "".join(c if c.isalnum() else "-" for c in case.reference)
    return f"navnenokkel-sak-{reference}.csv"


def export_key(
    session: Session, case: Case, by: audit.Initiator, now: dt.datetime, translate: Translate = str
) -> KeyFile:
    """The key as CSV, audited; the caller has checked that `by` may export it."""
    content = key_csv(case, translate)
    rows = len(case.actors) + 1
    audit.record(
        session,
        by,
        "case.key_exported",
        "case",
        str(case.id),
        {"format": "csv", "rows": rows, "for": "Statsforvalteren"},
        now=now,
    )
    return KeyFile(key_filename(case), content, rows)
