"""OneRoster 1.2 CSV, the open format student systems export: a zip, or its files one by
one. Read: `users.csv` (pupils with role `student`; guardians with role `parent`,
`guardian` or `relative`, tied to the pupil through `agentSourcedIds` in either
direction), `enrollments.csv` and `classes.csv` (the pupil's class: the homeroom class
when the source says which), `demographics.csv` (birth dates) and `roles.csv` (1.2 keeps
roles there instead of in `users.csv`). `orgs.csv` is accepted and not needed.

What OneRoster has no column for comes in its extension columns: `metadata.protectedAddress`
(fortrolig / strengt fortrolig), `metadata.parentalResponsibility` and
`metadata.mayReceiveInformation` (ja/nei, true/false).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from trygg.pupils.import_csv import decode
from trygg.pupils.records import (
    CLASS_MAX,
    EXTERNAL_ID_MAX,
    MAX_LINES,
    MAX_UPLOAD_BYTES,
    GuardianRecord,
    LineProblem,
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

FILES = ("users.csv", "classes.csv", "enrollments.csv", "orgs.csv", "demographics.csv", "roles.csv")
PUPIL_ROLES = frozenset({"student"})
GUARDIAN_ROLES = {"parent": "forelder", "guardian": "verge", "relative": "slektning"}
RELEVANT_ROLES = PUPIL_ROLES | set(GUARDIAN_ROLES)


class UploadRefused(Exception):
    """The whole upload is refused (too large, not a zip, no users.csv); Norwegian text."""


def unpack(data: bytes) -> dict[str, str]:
    """The OneRoster files of a zip, decoded. The unpacked size is bounded as it is read:
    a zip's own size fields may lie."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UploadRefused("Filen er ikke en gyldig zip-fil.") from error
    files: dict[str, str] = {}
    total = 0
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name.lower()
            if info.is_dir() or name not in FILES:
                continue
            with archive.open(info) as member:
                content = member.read(MAX_UPLOAD_BYTES + 1 - total)
            total += len(content)
            if total > MAX_UPLOAD_BYTES:
                raise UploadRefused(
                    f"Filene i zip-filen er til sammen større enn {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
                )
            files[name] = decode(content)
    return files


def is_oneroster(names: list[str]) -> bool:
    return "users.csv" in {PurePosixPath(n).name.lower() for n in names}


@dataclass(frozen=True)
class _Row:
    file: str
    line: int
    values: dict[str, str]
    raw: str

    def get(self, column: str) -> str:
        return cell(self.values.get(column))


def _rows(files: dict[str, str], name: str, rejected: list[RejectedLine]) -> list[_Row]:
    text = files.get(name)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    rows: list[_Row] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [cell(c) for c in cells]
                continue
            if reader.line_num > MAX_LINES:
                rejected.append(
                    RejectedLine(
                        reader.line_num,
                        "",
                        (f"Filen har flere enn {MAX_LINES} linjer. Resten er ikke lest.",),
                        name,
                    )
                )
                break
            rows.append(
                _Row(name, reader.line_num, dict(zip(header, cells, strict=False)), ",".join(cells))
            )
    except csv.Error:
        rejected.append(
            RejectedLine(
                reader.line_num,
                "",
                (
                    "Linjen kan ikke leses (et felt er for langt eller et anførselstegn mangler). Resten av filen er ikke lest.",
                ),
                name,
            )
        )
    return rows


def _agents(row: _Row) -> list[str]:
    return [a.strip() for a in row.get("agentSourcedIds").split(",") if a.strip()]


def _roles(
    files: dict[str, str], users: list[_Row], rejected: list[RejectedLine]
) -> dict[str, str]:
    roles = {u.get("sourcedId"): u.get("role").lower() for u in users if u.get("role")}
    for row in _rows(files, "roles.csv", rejected):
        roles.setdefault(row.get("userSourcedId"), row.get("role").lower())
    return roles


def _classes(files: dict[str, str], rejected: list[RejectedLine]) -> dict[str, tuple[str, str]]:
    """The pupil's class (title, grade), homeroom first."""
    classes = {
        row.get("sourcedId"): (
            row.get("title") or row.get("classCode"),
            row.get("grades"),
            row.get("classType").lower(),
        )
        for row in _rows(files, "classes.csv", rejected)
        if row.get("status").lower() != "tobedeleted"
    }
    chosen: dict[str, tuple[str, str, str]] = {}
    for row in _rows(files, "enrollments.csv", rejected):
        if row.get("role").lower() != "student" or row.get("status").lower() == "tobedeleted":
            continue
        found = classes.get(row.get("classSourcedId"))
        pupil = row.get("userSourcedId")
        if found is not None and (
            pupil not in chosen or (found[2] == "homeroom" and chosen[pupil][2] != "homeroom")
        ):
            chosen[pupil] = found
    return {pupil: (title, grades) for pupil, (title, grades, _) in chosen.items()}


def parse_oneroster(files: dict[str, str]) -> ParsedRegister:
    rejected: list[RejectedLine] = []
    if "users.csv" not in files:
        return ParsedRegister((), (RejectedLine(0, "", ("users.csv mangler.",), "users.csv"),))
    users = [
        u for u in _rows(files, "users.csv", rejected) if u.get("status").lower() != "tobedeleted"
    ]
    roles = _roles(files, users, rejected)
    by_id = {u.get("sourcedId"): u for u in users}
    born = {
        row.get("sourcedId"): row.get("birthDate")
        for row in _rows(files, "demographics.csv", rejected)
    }
    classes = _classes(files, rejected)
    guardians_of: dict[str, list[_Row]] = {}
    for user in users:
        if roles.get(user.get("sourcedId")) in GUARDIAN_ROLES:
            for pupil_id in _agents(user):
                guardians_of.setdefault(pupil_id, []).append(user)
    pupils: list[PupilRecord] = []
    for user in users:
        role = roles.get(user.get("sourcedId"), "")
        if role in PUPIL_ROLES:
            linked = list(guardians_of.get(user.get("sourcedId"), []))
            linked += [by_id[a] for a in _agents(user) if a in by_id and by_id[a] not in linked]
            record = _pupil(user, born, classes, linked, roles, rejected)
            if record is not None:
                pupils.append(record)
        elif role not in RELEVANT_ROLES:
            continue  # teachers and administrators are not the pupil register's
    return ParsedRegister(tuple(pupils), tuple(rejected))


def _pupil(
    user: _Row,
    born: dict[str, str],
    classes: dict[str, tuple[str, str]],
    linked: list[_Row],
    roles: dict[str, str],
    rejected: list[RejectedLine],
) -> PupilRecord | None:
    problems: list[str] = []
    source_id = user.get("sourcedId")
    external_id = checked(problems, bounded, source_id, EXTERNAL_ID_MAX, "sourcedId")
    if not source_id:
        problems.append("sourcedId mangler.")
    first = checked(
        problems, person_name, user.get("preferredGivenName") or user.get("givenName"), "Fornavn"
    )
    last = checked(problems, person_name, user.get("familyName"), "Etternavn")
    birth = checked(problems, birth_date, cell(born.get(source_id)))
    title, grades = classes.get(source_id, ("", user.get("grades")))
    class_name = checked(problems, bounded, cell(title), CLASS_MAX, "Klassen")
    if not title:
        problems.append("Eleven har ingen klasse (ingen innmelding i classes.csv/enrollments.csv).")
    protected = checked(problems, protected_marking, user.get("metadata.protectedAddress"))
    guardians: list[GuardianRecord] = []
    for row in linked:
        try:
            guardians.append(_guardian(row, roles.get(row.get("sourcedId"), "")))
        except LineProblem as problem:
            rejected.append(RejectedLine(row.line, shown(row.raw), (str(problem),), row.file))
    if problems or first is None or last is None or class_name is None:
        rejected.append(RejectedLine(user.line, shown(user.raw), tuple(problems), user.file))
        return None
    return PupilRecord(
        line=user.line,
        first_name=first,
        last_name=last,
        birth_date=birth,
        class_name=class_name,
        grade=grade_of(class_name, cell(grades)),
        external_id=external_id or "",
        protected_address=protected or "",
        guardians=tuple(guardians),
    )


def _guardian(row: _Row, role: str) -> GuardianRecord:
    """A guardian's row; its first problem rejects it (the pupil is imported without it)."""
    name = " ".join(
        part
        for part in (row.get("preferredGivenName") or row.get("givenName"), row.get("familyName"))
        if part
    )
    person_name(name, "Foresattes navn")
    default = "ja" if role in ("parent", "guardian") else "nei"
    responsibility = yes_no(row.get("metadata.parentalResponsibility") or default, "Foreldreansvar")
    may_receive = yes_no(
        row.get("metadata.mayReceiveInformation") or ("ja" if responsibility else "nei"),
        "Kan motta informasjon",
    )
    return GuardianRecord(
        name=name,
        email=email_address(row.get("email")),
        phone=phone_number(row.get("phone") or row.get("sms")),
        relation=GUARDIAN_ROLES.get(role, ""),
        parental_responsibility=responsibility,
        may_receive_information=may_receive,
        protected_address=protected_marking(row.get("metadata.protectedAddress")),
        external_id=bounded(row.get("sourcedId"), EXTERNAL_ID_MAX, "sourcedId"),
    )
