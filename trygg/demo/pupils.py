"""The demo schools' pupil registers (100 pupils each, two guardians each), so picking a
pupil in the meldeskjema, the guardians on the case page and "Send til foresatte" can be
tried at once. Deterministic: the same names every time. The demo cases' pupils
(trygg.demo.cases, trygg.demo.year) are among them, with their classes, and their cases
are tied to them (register_id)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.models import Pupil, School
from trygg.models.pupils import STRICTLY_CONFIDENTIAL
from trygg.pupils.records import GuardianRecord, PupilRecord
from trygg.pupils.register import apply_import

FIRST = ("Sara", "Leo", "Jonas", "Emma", "Mats", "Nora", "Ali", "Ella", "Filip", "Ida",
         "Noah", "Maja", "Oskar", "Sofie", "Lucas", "Amalie", "Isak", "Hedda", "Aksel", "Tiril")  # fmt: skip
LAST = ("Nilsen", "Johansen", "Berg", "Hansen", "Eriksen", "Larsen", "Haugen", "Bakke", "Lie",
        "Moen")  # fmt: skip
CLASSES = ("5A", "5B", "6A", "6B", "7A")
# The pupils of trygg.demo.cases and the others its reports name, in their classes.
CASE_PUPILS = (("Sara", "Nilsen", "6B"), ("Leo", "Johansen", "5A"), ("Jonas", "Berg", "6B"),
               ("Emma", "Hansen", "6B"), ("Mats", "Eriksen", "5A"))  # fmt: skip
# Added after the first ones, so the pupils (and the protected one) before stay as they were.
LATER_CASE_PUPILS = (("Nora", "Haugen", "7C"),)
PUPILS_PER_SCHOOL = 100
BY = audit.Initiator(user_id=None, email="demo-seed")


def _records(offset: int) -> tuple[PupilRecord, ...]:
    named = list(CASE_PUPILS) if offset == 0 else []
    for n in range(PUPILS_PER_SCHOOL - len(named)):
        first, last = FIRST[(n + offset) % len(FIRST)], LAST[(n * 7 + offset) % len(LAST)]
        pair = (first, last, CLASSES[n % len(CLASSES)])
        if all((first, last) != (f, la) for f, la, _ in named):
            named.append(pair)
    if offset == 0:
        named += LATER_CASE_PUPILS
    # The pairs above repeat after twenty: the rest of the school, in rounds of every first
    # name once (each round another last name for each), skipping names already there.
    taken = {(f, la) for f, la, _ in named}
    rounds = [
        (first, LAST[(i + 3 * k + offset) % len(LAST)])
        for k in range(len(LAST))
        for i, first in enumerate(FIRST)
    ]
    rest = [pair for pair in rounds if pair not in taken]
    for first, last in rest[: PUPILS_PER_SCHOOL - len(named)]:
        named.append((first, last, CLASSES[len(named) % len(CLASSES)]))
    records = []
    for n, (first, last, klass) in enumerate(named):
        grade = int(klass[0])
        protected = STRICTLY_CONFIDENTIAL if n == 7 else ""
        guardians = (
            GuardianRecord(f"Anne {last}", f"anne.{last.lower()}{n}@example.no", f"9{n:07d}",
                           "forelder", protected_address=protected),
            GuardianRecord(f"Tor {last}", "", "", "forelder", parental_responsibility=n % 5 != 0,
                           may_receive_information=n % 5 != 0, protected_address=protected),
        )  # fmt: skip
        born = dt.date(2026 - 6 - grade, 1 + n % 12, 1 + n % 28)
        records.append(
            PupilRecord(n + 2, first, last, born, klass, grade, f"demo-{offset}-{n}", protected,
                        guardians)
        )  # fmt: skip
    return tuple(records)


def register_id(session: Session, school_id: int, first: str, last: str) -> int | None:
    """The demo register pupil a demo case is about; None without a register (the name
    is then typed in, as for a pupil who is not in it)."""
    return session.execute(
        select(Pupil.id).where(
            Pupil.school_id == school_id,
            Pupil.first_name == first,
            Pupil.last_name == last,
            Pupil.active.is_(True),
        )
    ).scalar()


def seed_demo_pupils(session: Session, now: dt.datetime) -> int:
    """Imports each demo school's register once; returns how many pupils were added."""
    added = 0
    for offset, name in enumerate(("Nordpolen skole", "Vestre Aker skole")):
        school = session.execute(select(School).where(School.name == name)).scalar_one_or_none()
        if (
            school is None
            or session.execute(select(Pupil.id).where(Pupil.school_id == school.id)).first()
        ):
            continue
        added += len(apply_import(session, school.id, _records(offset * 3), BY, now, "demo").new)
    return added
