"""Importing staff from a CSV file: name, e-mail, title, role.

Parsing never writes. The admin sees a preview with every rejected line and why; the
import then creates all accepted accounts in one transaction, or none. A school admin's
line asking for a role with case access gives an ansatt account and a request the
school's leadership confirms (trygg.accounts.access_changes), as the user form does.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.passwords import Passwords
from trygg.accounts.permissions import grant_needs_confirmation
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ROLE_ALIASES, SKOLEEIER
from trygg.accounts.users import NewUser, add_user, check_email, email_taken
from trygg.documents.sanitise import clean_line
from trygg.errors import Refused

MAX_ROWS = 2000
HEADER_WORDS = {"navn", "name", "e-post", "epost", "e-postadresse", "email", "tittel", "rolle"}


@dataclass(frozen=True)
class StaffRow:
    line: int
    name: str
    email: str
    title: str
    role: str


@dataclass(frozen=True)
class RejectedLine:
    line: int
    text: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportPreview:
    accepted: tuple[StaffRow, ...]
    rejected: tuple[RejectedLine, ...]


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    # Norwegian Excel writes semicolons; other tools write commas. Judge by the first line
    # that has content: a file may start with blank lines.
    first = next((line for line in text.split("\n") if line.strip()), "")
    return csv.excel if first.count(",") > first.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def decode_upload(data: bytes) -> str:
    """Excel on Windows still saves CSV as cp1252; everything else as UTF-8 (maybe a BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_staff_csv(session: Session, text: str, school_id: int | None) -> ImportPreview:
    accepted: list[StaffRow] = []
    rejected: list[RejectedLine] = []
    seen: dict[str, int] = {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    seen_content = False
    reader = csv.reader(io.StringIO(text), _dialect(text))
    lines_read = 0

    def next_record() -> list[str] | None:
        # csv refuses a cell over its field size limit (128 KB) with an error, not a row:
        # that line is rejected with the reason, and the rest of the file is not read (where
        # the oversized cell ends cannot be told).
        start = reader.line_num + 1
        try:
            return next(reader)
        except StopIteration:
            return None
        except csv.Error:
            limit = csv.field_size_limit() // 1024
            reason = (
                f"Et felt på linjen er for langt (mer enn {limit} KB). "
                "Resten av filen er ikke lest."
            )
            rejected.append(RejectedLine(start, text.split("\n")[start - 1][:200], (reason,)))
            return None

    for cells in iter(next_record, None):
        # The file line the record starts on, as the admin sees it in an editor: a quoted
        # cell with a line break makes one record span several lines.
        index, lines_read = lines_read + 1, reader.line_num
        raw = ";".join(cells)
        if not any(cell.strip() for cell in cells):
            continue
        first_content_line, seen_content = not seen_content, True
        if first_content_line and cells[0].strip().lower() in HEADER_WORDS:
            continue
        if len(accepted) + len(rejected) >= MAX_ROWS:
            rejected.append(RejectedLine(index, raw, (f"Filen har flere enn {MAX_ROWS} linjer.",)))
            break
        reasons: list[str] = []
        if len(cells) != 4:
            rejected.append(
                RejectedLine(
                    index,
                    raw,
                    (
                        f"Linjen har {len(cells)} felt; det skal være 4: navn, e-post, tittel, rolle.",
                    ),
                )
            )
            continue
        # The same cleaning as typed form input: control characters out, NFC, one line.
        name, email, title, role_text = (clean_line(cell) for cell in cells)
        if not name:
            reasons.append("Navn mangler.")
        elif len(name) > 200:
            reasons.append("Navnet er for langt (høyst 200 tegn).")
        normalised = ""
        try:
            normalised = check_email(email)
        except Refused as error:
            reasons.append(str(error) if email else "E-postadresse mangler.")
        role = ROLE_ALIASES.get(role_text.lower())
        if role is None:
            reasons.append(
                f"Ukjent rolle «{role_text}». Bruk ansatt, kontaktlærer, ledelse eller admin."
            )
        elif role == SKOLEEIER or (role == "admin" and school_id is None):
            reasons.append("Skoleeier- og kommunebrukere opprettes enkeltvis, ikke fra fil.")
        if len(title) > 200:
            reasons.append("Tittelen er for lang (høyst 200 tegn).")
        if normalised:
            if normalised in seen:
                reasons.append(f"E-postadressen står også på linje {seen[normalised]}.")
            elif email_taken(session, normalised):
                reasons.append("Det finnes allerede en bruker med denne e-postadressen.")
            seen.setdefault(normalised, index)
        if reasons:
            rejected.append(RejectedLine(index, raw, tuple(reasons)))
        else:
            assert role is not None
            accepted.append(StaffRow(index, name, normalised, title, role))
    return ImportPreview(tuple(accepted), tuple(rejected))


def waits_for_leadership(admin: Principal, row: StaffRow) -> bool:
    """The preview says which lines get their role only when the leadership confirms."""
    return grant_needs_confirmation(admin, None, row.role)


@dataclass(frozen=True)
class ImportResult:
    created: int
    # Of those, the accounts whose role waits for the school's leadership.
    pending: int
    # The new accounts in the file's order: whom the invitations go to.
    user_ids: tuple[int, ...] = ()


def import_staff(
    session: Session,
    passwords: Passwords,
    rows: tuple[StaffRow, ...],
    school_id: int,
    admin: Principal,
    by: audit.Initiator,
) -> ImportResult:
    """Creates the accounts without passwords: the admin sends each an invitation."""
    pending = 0
    user_ids: list[int] = []
    for row in rows:
        added = add_user(
            session,
            passwords,
            NewUser(
                email=row.email,
                name=row.name,
                role=row.role,
                municipality_id=admin.municipality_id,
                school_id=school_id,
                title=row.title,
            ),
            admin,
            by,
        )
        pending += added.pending is not None
        user_ids.append(added.user.id)
    audit.record(session, by, "staff.imported", "school", school_id, {"count": len(rows)})
    return ImportResult(len(rows), pending, tuple(user_ids))
