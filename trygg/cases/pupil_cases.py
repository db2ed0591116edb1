"""The pupil's open case, and the filing lock that keeps it one.

A register pupil's case is found by the pupil's id, a typed pupil's by name and class
(`pupil_key`); every transaction that may open a case for the pupil takes the pupil's
filing lock first (`lock_pupil`): filing a report, reopening, merging, linking.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.models import Case
from trygg.models.cases import OPEN, PupilFilingLock


def pupil_key(name: str, class_name: str) -> str:
    return f"{' '.join(name.split()).casefold()}|{''.join(class_name.split()).casefold()}"


def open_case_for(
    session: Session,
    school_id: int,
    name: str,
    class_name: str,
    *,
    hidden: bool = False,
    pupil_id: int | None = None,
) -> Case | None:
    """The pupil's open case: the ordinary one, or the one hidden from the leadership.

    A register pupil's case is found by the pupil's id, so a typo never splits it; a case
    typed by name before the register knew the pupil (no id, same name and class) is theirs
    too, and a report picked from the register ties it to them."""
    same_pupil = Case.pupil_key == pupil_key(name, class_name)
    if pupil_id is not None:
        same_pupil = or_(Case.pupil_id == pupil_id, and_(Case.pupil_id.is_(None), same_pupil))
    return (
        session.execute(
            select(Case)
            .where(
                Case.school_id == school_id,
                same_pupil,
                Case.status == OPEN,
                Case.leadership_suspected.is_(hidden),
            )
            # The case tied by id before one only matched by name.
            .order_by(Case.pupil_id.is_(None), Case.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def lock_pupil(session: Session, school_id: int, key: str) -> None:
    """Take the pupil's filing lock for the rest of the transaction, before looking for
    the pupil's open case: a concurrent filing about the same pupil waits here until this
    one is committed, then finds its case and joins it (two reports at the same instant
    would otherwise both find none and open two cases).

    A lock row rather than a unique index over open cases: "the same pupil" is the
    register's id or, for a typed pupil, the name and class (open_case_for), which no
    index can state, and two register pupils may share a name and class. The row is
    written, not read: a write waits for the row (PostgreSQL) or the write lock
    (SQLite, where a read alone would not wait and would see the old state)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(PupilFilingLock)
        .values(school_id=school_id, pupil_key=key, taken=0)
        .on_conflict_do_nothing(index_elements=["school_id", "pupil_key"])
    )
    session.execute(
        update(PupilFilingLock)
        .where(PupilFilingLock.school_id == school_id, PupilFilingLock.pupil_key == key)
        .values(taken=PupilFilingLock.taken + 1)
    )
