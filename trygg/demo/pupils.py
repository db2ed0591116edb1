"""The demo schools' pupil registers (about 100 pupils each, with guardians), so picking a
pupil in the meldeskjema can be tried at once. Deterministic: the same names every time.
The demo cases' pupils are among them, with their classes."""

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
# The demo cases' pupils (trygg.demo.cases), in their classes.
CASE_PUPILS = (("Sara", "Nilsen", "6B"), ("Leo", "Johansen", "5A"), ("Jonas", "Berg", "6B"),
               ("Emma", "Hansen", "6B"), ("Mats", "Eriksen", "5A"))  # fmt: skip
BY = audit.Initiator(user_id=None, email="demo-seed")


def _records(offset: int) -> tuple[PupilRecord, ...]:
    named = list(CASE_PUPILS) if offset == 0 else []
    for n in range(100 - len(named)):
        first, last = FIRST[(n + offset) % len(FIRST)], LAST[(n * 7 + offset) % len(LAST)]
        pair = (first, last, CLASSES[n % len(CLASSES)])
        if all((first, last) != (f, la) for f, la, _ in named):
            named.append(pair)
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
