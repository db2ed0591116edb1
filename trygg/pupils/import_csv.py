"""The plain register file: semicolon-separated, Norwegian headers, one line per pupil and
guardian (a pupil with two guardians has two lines; a pupil without any has one line with
the guardian columns empty). The README documents the columns.

UTF-8 (with or without BOM) or Windows-1252, which Excel on Windows still writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from trygg.pupils.records import (
    CLASS_MAX,
    EXTERNAL_ID_MAX,
    MAX_LINES,
    GuardianRecord,
    ParsedRegister,
    PupilRecord,
    RejectedLine,
    birth_date,
    bounded,
    cell,
    checked,
    email_address,
    grade_of,
    person_name,
    phone_number,
    protected_marking,
    shown,
    yes_no,
)

# Header (lower-cased, spaces collapsed) -> column. The first nine are required.
REQUIRED = {
    "elev fornavn": "first_name",
    "elev etternavn": "last_name",
    "fødselsdato": "birth_date",
    "klasse": "class_name",
    "foresatt navn": "guardian_name",
    "foresatt e-post": "guardian_email",
    "foresatt telefon": "guardian_phone",
    "foreldreansvar": "responsibility",
    "sperret adresse": "protected",
}
OPTIONAL = {
    "elev-id": "external_id",
    "foresatt relasjon": "relation",
    "kan motta informasjon": "may_receive",
    "elev sperret adresse": "pupil_protected",
}
HEADERS = {**REQUIRED, **OPTIONAL}


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(first: str) -> str:
    return "," if first.count(",") > first.count(";") else ";"


@dataclass
class _Builder:
    """One pupil gathered over their lines."""

    record: PupilRecord
    guardians: list[GuardianRecord] = field(default_factory=list)


def _header(cells: list[str]) -> dict[str, int] | str:
    columns: dict[str, int] = {}
    for index, text in enumerate(cells):
        key = " ".join(cell(text).casefold().split())
        if key in HEADERS:
            columns[HEADERS[key]] = index
    missing = [name for name, column in REQUIRED.items() if column not in columns]
    if missing:
        return "Første linje må være overskriftene. Mangler: " + ", ".join(missing) + "."
    return columns


def parse_register_csv(text: str) -> ParsedRegister:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = next((line for line in text.split("\n") if line.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    rejected: list[RejectedLine] = []
    pupils: dict[tuple[str, str], _Builder] = {}
    columns: dict[str, int] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                header = _header(cells)
                if isinstance(header, str):
                    return ParsedRegister(
                        (), (RejectedLine(line, shown(";".join(cells)), (header,)),)
                    )
                columns = header
                continue
            if line > MAX_LINES:
                rejected.append(
                    RejectedLine(
                        line, "", (f"Filen har flere enn {MAX_LINES} linjer. Resten er ikke lest.",)
                    )
                )
                break
            _line(cells, line, columns, pupils, rejected)
    except csv.Error:
        rejected.append(
            RejectedLine(
                reader.line_num,
                "",
                (
                    "Linjen kan ikke leses (et felt er for langt eller et anførselstegn mangler). "
                    "Resten av filen er ikke lest.",
                ),
            )
        )
    if columns is None and not rejected:
        rejected.append(RejectedLine(1, "", ("Filen er tom.",)))
    records = tuple(replace(b.record, guardians=tuple(b.guardians)) for b in pupils.values())
    return ParsedRegister(records, tuple(rejected))


def _line(
    cells: list[str],
    line: int,
    columns: dict[str, int],
    pupils: dict[tuple[str, str], _Builder],
    rejected: list[RejectedLine],
) -> None:
    def get(column: str) -> str:
        index = columns.get(column)
        return cell(cells[index]) if index is not None and index < len(cells) else ""

    problems: list[str] = []
    if len(cells) < len(REQUIRED):
        problems.append(f"Linjen har {len(cells)} felt; det skal være minst {len(REQUIRED)}.")
    first_name = checked(problems, person_name, get("first_name"), "Elevens fornavn")
    last_name = checked(problems, person_name, get("last_name"), "Elevens etternavn")
    born = checked(problems, birth_date, get("birth_date"))
    class_name = checked(problems, bounded, get("class_name"), CLASS_MAX, "Klassen")
    if not get("class_name"):
        problems.append("Klasse mangler.")
    external_id = checked(problems, bounded, get("external_id"), EXTERNAL_ID_MAX, "Elev-id")
    protected = checked(problems, protected_marking, get("protected"))
    pupil_protected = checked(problems, protected_marking, get("pupil_protected"))
    guardian = _guardian(get, protected or "", problems)
    if problems or first_name is None or last_name is None or class_name is None:
        rejected.append(RejectedLine(line, shown(";".join(cells)), tuple(problems)))
        return
    key = (external_id or "", f"{first_name} {last_name}|{born}".casefold())
    builder = pupils.get(key)
    if builder is None:
        record = PupilRecord(
            line=line,
            first_name=first_name,
            last_name=last_name,
            birth_date=born,
            class_name=class_name,
            grade=grade_of(class_name),
            external_id=external_id or "",
            protected_address=pupil_protected or protected or "",
        )
        builder = pupils[key] = _Builder(record)
    elif builder.record.class_name != class_name:
        rejected.append(
            RejectedLine(
                line,
                shown(";".join(cells)),
                (
                    f"Eleven står i klasse {builder.record.class_name} på linje "
                    f"{builder.record.line}, her i {class_name}.",
                ),
            )
        )
        return
    elif (protected or pupil_protected) and not builder.record.protected_address:
        # A protected address on any of the pupil's lines protects the pupil.
        builder.record = replace(
            builder.record, protected_address=pupil_protected or protected or ""
        )
    if guardian is not None:
        builder.guardians.append(guardian)


def _guardian(
    get: Callable[[str], str], protected: str, problems: list[str]
) -> GuardianRecord | None:
    name = get("guardian_name")
    email = checked(problems, email_address, get("guardian_email"))
    phone = checked(problems, phone_number, get("guardian_phone"))
    if not name:
        if get("guardian_email") or get("guardian_phone"):
            problems.append("Foresatt navn mangler, men e-post eller telefon er fylt ut.")
        return None
    checked(problems, person_name, name, "Foresattes navn")
    responsibility = checked(problems, yes_no, get("responsibility") or "ja", "Foreldreansvar")
    # Without a column of its own, the right to information follows parental
    # responsibility: the careful choice for what is later sent home.
    may_receive = checked(
        problems,
        yes_no,
        get("may_receive") or ("ja" if responsibility else "nei"),
        "Kan motta informasjon",
    )
    return GuardianRecord(
        name=name,
        email=email or "",
        phone=phone or "",
        relation=get("relation")[:40],
        parental_responsibility=bool(responsibility),
        may_receive_information=bool(may_receive),
        protected_address=protected,
    )
