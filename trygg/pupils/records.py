"""What an import file says, before anything is stored: one record per pupil with their
guardians, and the lines that were rejected with the Norwegian reasons why.

Both formats (import_oneroster, import_csv) produce these; register.py compares them
with the register and writes them. Cells are cleaned like typed form input: control and
invisible characters out, NFC, one line. A cell that starts with "=", "+", "-" or "@" is
kept as the text it is: Trygg never hands it to a spreadsheet, so it is never a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from trygg.documents.sanitise import clean_line
from trygg.models.pupils import CONFIDENTIAL, NOT_PROTECTED, STRICTLY_CONFIDENTIAL

# An upload larger than this is refused before it is read (a zip: its unpacked files).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Lines of one file (a big school has about 1,000 pupils and twice as many guardians).
MAX_LINES = 20_000
NAME_MAX = 100
CLASS_MAX = 40
EMAIL_MAX = 254
PHONE_MAX = 40
EXTERNAL_ID_MAX = 120
SHOWN_LINE_MAX = 200  # how much of a rejected line the preview shows

YES = frozenset({"ja", "j", "yes", "y", "true", "1", "x"})
NO = frozenset({"nei", "n", "no", "false", "0", ""})
_PROTECTED_WORDS = {
    "": NOT_PROTECTED,
    "nei": NOT_PROTECTED,
    "no": NOT_PROTECTED,
    "false": NOT_PROTECTED,
    "ja": CONFIDENTIAL,
    "fortrolig": CONFIDENTIAL,
    "kode 7": CONFIDENTIAL,
    "strengt fortrolig": STRICTLY_CONFIDENTIAL,
    "strengt_fortrolig": STRICTLY_CONFIDENTIAL,
    "kode 6": STRICTLY_CONFIDENTIAL,
}
_CLASS_GRADE = re.compile(r"^\s*(\d{1,2})")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{3,}$")


class LineProblem(Exception):
    """One reason a line is rejected, in Norwegian; collected, never raised out of a parser."""


@dataclass(frozen=True)
class GuardianRecord:
    name: str
    email: str = ""
    phone: str = ""
    relation: str = ""
    parental_responsibility: bool = True
    may_receive_information: bool = True
    protected_address: str = NOT_PROTECTED
    external_id: str = ""


@dataclass(frozen=True)
class PupilRecord:
    line: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    class_name: str
    grade: int | None
    external_id: str = ""
    protected_address: str = NOT_PROTECTED
    guardians: tuple[GuardianRecord, ...] = field(default_factory=tuple)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class RejectedLine:
    line: int
    text: str
    reasons: tuple[str, ...]
    file: str = ""


@dataclass(frozen=True)
class ParsedRegister:
    pupils: tuple[PupilRecord, ...]
    rejected: tuple[RejectedLine, ...]


def cell(value: str | None) -> str:
    return clean_line(value or "")


def shown(text: str) -> str:
    return cell(text)[:SHOWN_LINE_MAX]


def bounded(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise LineProblem(f"{what} er for langt (høyst {limit} tegn, nå {len(value)}).")
    return value


def person_name(value: str, what: str) -> str:
    if not value:
        raise LineProblem(f"{what} mangler.")
    bounded(value, NAME_MAX, what)
    if not any(char.isalpha() for char in value):
        raise LineProblem(f"{what} «{value[:40]}» inneholder ingen bokstaver.")
    return value


def birth_date(value: str) -> dt.date | None:
    """dd.mm.åååå as Norwegian systems write it, or ISO åååå-mm-dd as OneRoster does."""
    if not value:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if not dt.date(1990, 1, 1) <= day <= dt.date.today():
            raise LineProblem(f"Fødselsdatoen {value} er ikke mulig for en elev.")
        return day
    raise LineProblem(
        f"Fødselsdatoen «{value[:40]}» er ikke en dato. Skriv for eksempel 14.03.2015."
    )


def grade_of(class_name: str, given: str = "") -> int | None:
    """Trinn: the source's own grade when it gives one, else the class name's leading
    number ("6B" is 6. trinn)."""
    match = _CLASS_GRADE.match(given) or _CLASS_GRADE.match(class_name)
    if match is None:
        return None
    grade = int(match.group(1))
    return grade if 1 <= grade <= 13 else None


def yes_no(value: str, what: str) -> bool:
    word = value.casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise LineProblem(f"{what} må være ja eller nei, ikke «{value[:40]}».")


def protected_marking(value: str) -> str:
    marking = _PROTECTED_WORDS.get(" ".join(value.casefold().split()))
    if marking is None:
        raise LineProblem(
            f"Sperret adresse må være tom, nei, fortrolig eller strengt fortrolig, "
            f"ikke «{value[:40]}»."
        )
    return marking


def email_address(value: str) -> str:
    if not value:
        return ""
    bounded(value, EMAIL_MAX, "E-postadressen")
    if not _EMAIL.match(value):
        raise LineProblem(f"«{value[:60]}» er ikke en e-postadresse.")
    return value.lower()


def phone_number(value: str) -> str:
    if not value:
        return ""
    bounded(value, PHONE_MAX, "Telefonnummeret")
    if not _PHONE.match(value):
        raise LineProblem(f"«{value[:40]}» er ikke et telefonnummer.")
    return value


T = TypeVar("T")


def checked(problems: list[str], check: Callable[..., T], *args: object) -> T | None:
    """Run one field's check, collecting its problem instead of stopping at it."""
    try:
        return check(*args)
    except LineProblem as problem:
        problems.append(str(problem))
        return None
