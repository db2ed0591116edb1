"""The case's name-to-label key as a file the school owner sends to Statsforvalteren, and
the keys of all its cases in one file (for the archive, or a records request).

Statsforvalteren handles complaints about the school environment and must know who
"Elev A" is; the documents never say. The school owner (the only one who may export the
key) downloads it as CSV for Excel: UTF-8 with a byte-order mark, semicolons, Norwegian
headers. Every export is audited as its own event, per case. One case's key is small
and downloaded at once; the keys of every case routed to the school owner grow with the
municipality and are made by a background job (trygg.jobs.exports).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from trygg import audit
from trygg.accounts.permissions import can_export_key
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.clock import oslo_time
from trygg.cases.access import case_access, visible_to
from trygg.cases.registry import key_of
from trygg.errors import NotFound, Refused
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
# The file of all keys says which case each line is of: references repeat across schools.
CASE_HEADERS = ("Sak", "Skole")
# Cases read per query in the file of all keys; a step of the job's progress each.
BATCH = 200
NO_CASES = "Ingen saker er meldt til skoleeier ennå, så det finnes ingen navnenøkler å eksportere."
NOT_OWNER = "Bare skoleeier kan eksportere navnenøkler."

Translate = Callable[[str], str]
Progress = Callable[[int, int], None]


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


def _csv(headers: Sequence[str], rows: Iterable[Sequence[str]], translate: Translate) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([translate(h) for h in headers])
    writer.writerows([_cell(value) for value in row] for row in rows)
    # The byte-order mark makes Excel read the file as UTF-8 (æ, ø, å).
    return out.getvalue().encode("utf-8-sig")


def key_csv(case: Case, translate: Translate = str) -> bytes:
    return _csv(HEADERS, key_rows(case, translate), translate)


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


def _owner_cases(owner: Principal) -> Select[Case]:
    return select(Case).where(visible_to(owner))


def export_all_keys(
    session: Session,
    owner: Principal,
    by: audit.Initiator,
    now: dt.datetime,
    progress: Progress,
    job_id: int,
    translate: Translate = str,
) -> KeyFile:
    """The key of every case the school owner may export, one after another in the order
    the cases were opened, each line led by the case's reference and school. Audited per
    case (the case's own trail says its key left) and once for the file, all naming the
    job whose download is audited in its turn."""
    if owner.role != SKOLEEIER:
        raise NotFound(NOT_OWNER)
    total = session.execute(
        select(func.count()).select_from(_owner_cases(owner).subquery())
    ).scalar_one()
    if not total:
        raise Refused(NO_CASES)
    lines: list[list[str]] = []
    exported: list[tuple[int, int]] = []
    done, last_id = 0, 0
    while True:
        # Keyset pages: the memory is one page of cases and their people, not all of them.
        batch = (
            session.execute(
                _owner_cases(owner)
                .where(Case.id > last_id)
                .order_by(Case.id)
                .limit(BATCH)
                .options(selectinload(Case.actors), joinedload(Case.school))
            )
            .scalars()
            .all()
        )
        if not batch:
            break
        for case in batch:
            # The same rule as the one case's export, checked per case.
            if not can_export_key(owner, case_access(case)):
                continue
            rows = key_rows(case, translate)
            lines.extend([case.reference, case.school.name, *row] for row in rows)
            exported.append((case.id, len(rows)))
        done, last_id = done + len(batch), batch[-1].id
        progress(done, total)
    if not exported:
        raise Refused(NO_CASES)
    for case_id, count in exported:
        details = {"format": "csv", "rows": count, "job": job_id, "for": "arkiv eller innsyn"}
        audit.record(session, by, "case.key_exported", "case", str(case_id), details, now=now)
    audit.record(
        session,
        by,
        "case.keys_exported",
        "municipality",
        owner.municipality_id,
        {"format": "csv", "cases": len(exported), "rows": len(lines), "job": job_id},
        now=now,
    )
    content = _csv((*CASE_HEADERS, *HEADERS), lines, translate)
    return KeyFile(all_keys_filename(owner, now), content, len(lines))


def all_keys_filename(owner: Principal, now: dt.datetime) -> str:
    municipality = "".join(c if c.isalnum() else "-" for c in owner.municipality_name.lower())
    return f"navnenokler-{municipality}-{oslo_time(now).date().isoformat()}.csv"
