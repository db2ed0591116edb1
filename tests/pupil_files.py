"""Register files built in the tests: the plain Norwegian CSV and OneRoster 1.2 CSV."""

from __future__ import annotations

import csv
import io
import zipfile

HEADER = (
    "elev fornavn;elev etternavn;fødselsdato;klasse;foresatt navn;foresatt e-post;"
    "foresatt telefon;foreldreansvar;sperret adresse"
)


def plain_csv(count: int, *, start: int = 0, klasse: str = "6B") -> str:
    """`count` pupils, each with two guardians (one without parental responsibility);
    pupil number 3 has a protected address."""
    lines = [HEADER]
    for n in range(start, start + count):
        born = f"{1 + n % 28:02d}.{1 + n % 12:02d}.2015"
        protected = "strengt fortrolig" if n == 3 else "nei"
        lines.append(
            f"Elev{n};Etternavn{n};{born};{klasse};Mor{n} Etternavn{n};mor{n}@example.no;"
            f"9{n:07d};ja;{protected}"
        )
        lines.append(f"Elev{n};Etternavn{n};{born};{klasse};Far{n} Etternavn{n};;;nei;{protected}")
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def oneroster_files(count: int) -> dict[str, str]:
    """`count` pupils in two classes with one parent each; pupil s3 has a protected
    address; each pupil also sits in a subject class (not homeroom)."""
    user_header = [
        "sourcedId", "status", "enabledUser", "orgSourcedIds", "role", "username",
        "givenName", "familyName", "email", "phone", "agentSourcedIds", "grades",
        "metadata.protectedAddress", "metadata.parentalResponsibility",
    ]  # fmt: skip
    users: list[list[str]] = []
    enrollments: list[list[str]] = []
    born: list[list[str]] = []
    for n in range(count):
        sid, pid = f"s{n}", f"p{n}"
        protected = "fortrolig" if n == 3 else ""
        users.append(
            [sid, "active", "true", "org1", "student", sid, f"Olav{n}", f"Lund{n}", "", "",
             pid, "07", protected, ""]
        )  # fmt: skip
        users.append(
            [pid, "active", "true", "org1", "parent", pid, f"Randi{n}", f"Lund{n}",
             f"randi{n}@example.no", "+47 99 00 00 00", sid, "", "", "ja" if n % 2 else "nei"]
        )  # fmt: skip
        home = "c7a" if n % 2 else "c7b"
        enrollments.append([f"e{n}", "active", "math7", "org1", sid, "student"])
        enrollments.append([f"h{n}", "active", home, "org1", sid, "student"])
        born.append([sid, "2013-05-17"])
    users.append(
        ["t1", "active", "true", "org1", "teacher", "t1", "Lærer", "En", "", "", "", "", "", ""]
    )
    classes = [
        ["c7a", "active", "7A", "07", "homeroom"],
        ["c7b", "active", "7B", "07", "homeroom"],
        ["math7", "active", "Matematikk 7", "07", "scheduled"],
    ]
    return {
        "users.csv": _table(user_header, users),
        "classes.csv": _table(["sourcedId", "status", "title", "grades", "classType"], classes),
        "enrollments.csv": _table(
            ["sourcedId", "status", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
            enrollments,
        ),
        "demographics.csv": _table(["sourcedId", "birthDate"], born),
        "orgs.csv": _table(["sourcedId", "name", "type"], [["org1", "Nordpolen skole", "school"]]),
    }


def zipped(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"export/{name}", text.encode("utf-8"))
    return out.getvalue()
