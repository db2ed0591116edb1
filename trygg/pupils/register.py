"""The register in the database: comparing an import with it, applying the import, and
finding pupils for a report.

Re-importing updates pupils in place: matched by the student system's id when both have
one, else by name and birth date. A pupil the file no longer lists is marked as left,
never deleted, so their cases stay tied to them. What changed is reported to the admin
and counted (never named) in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from trygg import audit
from trygg.errors import Refused
from trygg.models.pupils import NOT_PROTECTED, Guardian, Pupil
from trygg.pupils.records import GuardianRecord, PupilRecord

SEARCH_LIMIT = 25
SEARCH_MIN = 2  # characters; one letter would list half the school


def name_key(first_name: str, last_name: str) -> str:
    return " ".join(f"{first_name} {last_name}".split()).casefold()


@dataclass(frozen=True)
class Change:
    name: str
    class_name: str
    # Norwegian words for what changed ("klasse 6B → 7B"); empty for new and left pupils.
    what: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportChanges:
    new: tuple[Change, ...]
    changed: tuple[Change, ...]
    left: tuple[Change, ...]
    unchanged: int
    # Two lines of the file for one pupil: the later one is not imported.
    duplicates: tuple[tuple[int, str], ...] = ()


def _school_pupils(session: Session, school_id: int) -> list[Pupil]:
    return list(
        session.execute(
            select(Pupil)
            .where(Pupil.school_id == school_id)
            .options(selectinload(Pupil.guardians))
            .order_by(Pupil.id)
        ).scalars()
    )


def _identity(first: str, last: str, born: dt.date | None) -> tuple[str, dt.date | None]:
    return name_key(first, last), born


class _Matcher:
    def __init__(self, pupils: list[Pupil]) -> None:
        self.by_external = {p.external_id: p for p in pupils if p.external_id}
        self.by_identity: dict[tuple[str, dt.date | None], Pupil] = {}
        for p in pupils:
            self.by_identity.setdefault(_identity(p.first_name, p.last_name, p.birth_date), p)

    def find(self, record: PupilRecord) -> Pupil | None:
        if record.external_id and record.external_id in self.by_external:
            return self.by_external[record.external_id]
        found = self.by_identity.get(
            _identity(record.first_name, record.last_name, record.birth_date)
        )
        # A pupil the student system gave another id is someone else.
        if found is not None and record.external_id and found.external_id:
            return None
        return found


def _guardian_tuple(g: Guardian | GuardianRecord) -> tuple[object, ...]:
    return (
        g.name,
        g.email,
        g.phone,
        g.relation,
        g.parental_responsibility,
        g.may_receive_information,
        g.protected_address,
    )


def _differences(pupil: Pupil, record: PupilRecord) -> tuple[str, ...]:
    what: list[str] = []
    if pupil.class_name != record.class_name:
        what.append(f"klasse {pupil.class_name} → {record.class_name}")
    if (pupil.first_name, pupil.last_name) != (record.first_name, record.last_name):
        what.append(f"navn {pupil.full_name} → {record.full_name}")
    if pupil.birth_date != record.birth_date:
        what.append("fødselsdato")
    if pupil.protected_address != record.protected_address:
        what.append("sperret adresse")
    if not pupil.active:
        what.append("tilbake ved skolen")
    if sorted(map(_guardian_tuple, pupil.guardians), key=str) != sorted(
        map(_guardian_tuple, record.guardians), key=str
    ):
        what.append("foresatte")
    return tuple(what)


def _plan(
    session: Session, school_id: int, records: tuple[PupilRecord, ...]
) -> tuple[list[tuple[PupilRecord, Pupil | None]], list[Pupil], ImportChanges]:
    pupils = _school_pupils(session, school_id)
    matcher = _Matcher(pupils)
    pairs: list[tuple[PupilRecord, Pupil | None]] = []
    seen: dict[int, int] = {}
    new: list[Change] = []
    changed: list[Change] = []
    duplicates: list[tuple[int, str]] = []
    unchanged = 0
    for record in records:
        pupil = matcher.find(record)
        if pupil is not None:
            if pupil.id in seen:
                duplicates.append((record.line, record.full_name))
                continue
            seen[pupil.id] = record.line
            what = _differences(pupil, record)
            if what:
                changed.append(Change(record.full_name, record.class_name, what))
            else:
                unchanged += 1
        else:
            new.append(Change(record.full_name, record.class_name))
        pairs.append((record, pupil))
    gone = [p for p in pupils if p.active and p.id not in seen]
    left = tuple(Change(p.full_name, p.class_name) for p in gone)
    changes = ImportChanges(tuple(new), tuple(changed), left, unchanged, tuple(duplicates))
    return pairs, gone, changes


def compare(session: Session, school_id: int, records: tuple[PupilRecord, ...]) -> ImportChanges:
    """What an import would change; writes nothing (the preview)."""
    return _plan(session, school_id, records)[2]


def _set_guardians(pupil: Pupil, records: tuple[GuardianRecord, ...], session: Session) -> None:
    if sorted(map(_guardian_tuple, pupil.guardians), key=str) == sorted(
        map(_guardian_tuple, records), key=str
    ):
        return
    # Guardians are the register's, not the case's: the student system's list replaces ours.
    for old in list(pupil.guardians):
        pupil.guardians.remove(old)
        session.delete(old)
    for record in records:
        pupil.guardians.append(
            Guardian(
                external_id=record.external_id,
                name=record.name,
                email=record.email,
                phone=record.phone,
                relation=record.relation,
                parental_responsibility=record.parental_responsibility,
                may_receive_information=record.may_receive_information,
                protected_address=record.protected_address,
            )
        )


def apply_import(
    session: Session,
    school_id: int,
    records: tuple[PupilRecord, ...],
    by: audit.Initiator,
    now: dt.datetime,
    source: str,
) -> ImportChanges:
    pairs, gone, changes = _plan(session, school_id, records)
    for record, found in pairs:
        pupil = found or Pupil(school_id=school_id, created_at=now)
        if found is None:
            session.add(pupil)
        elif not _differences(found, record):
            continue
        pupil.external_id = record.external_id or pupil.external_id or ""
        pupil.first_name, pupil.last_name = record.first_name, record.last_name
        pupil.name_key = name_key(record.first_name, record.last_name)
        pupil.birth_date = record.birth_date
        pupil.class_name, pupil.grade = record.class_name, record.grade
        pupil.protected_address = record.protected_address
        pupil.active, pupil.left_at, pupil.updated_at = True, None, now
        _set_guardians(pupil, record.guardians, session)
    for pupil in gone:
        pupil.active, pupil.left_at, pupil.updated_at = False, now, now
    session.flush()
    audit.record(
        session,
        by,
        "pupils.imported",
        "school",
        school_id,
        {
            "source": source,
            "new": len(changes.new),
            "changed": len(changes.changed),
            "left": len(changes.left),
            "unchanged": changes.unchanged,
        },
        now=now,
    )
    return changes


def search(session: Session, school_id: int, query: str) -> list[Pupil]:
    """Active pupils of one school whose name or class matches every word typed."""
    words = query.casefold().split()
    if len("".join(words)) < SEARCH_MIN:
        return []
    statement = select(Pupil).where(Pupil.school_id == school_id, Pupil.active.is_(True))
    for word in words[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(
            or_(
                Pupil.name_key.like(f"%{escaped}%", escape="\\"),
                Pupil.class_name.ilike(f"{escaped}%", escape="\\"),
            )
        )
    statement = statement.order_by(Pupil.class_name, Pupil.last_name, Pupil.first_name)
    return list(session.execute(statement.limit(SEARCH_LIMIT)).scalars())


def pupil_for_report(session: Session, school_id: int, pupil_id: int) -> Pupil:
    """The register pupil a report names: only an active pupil of the reporter's school.
    Any other id (another school's pupil, a pupil who left, no such pupil) is the same
    refusal, so the answer tells nothing about other schools."""
    pupil = session.get(Pupil, pupil_id)
    if pupil is None or pupil.school_id != school_id or not pupil.active:
        raise Refused(
            "Eleven finnes ikke i elevregisteret ved skolen. Søk på nytt, eller skriv navn "
            "og klasse.",
            field="pupil_id",
        )
    return pupil


def is_protected(marking: str) -> bool:
    return marking != NOT_PROTECTED


def pupil_protected(pupil: Pupil) -> bool:
    """The pupil's or any guardian's address is protected: the case page warns, and no
    contact detail of theirs is shown, listed or exported."""
    return is_protected(pupil.protected_address) or any(
        is_protected(g.protected_address) for g in pupil.guardians
    )


def contact_details(
    guardian: Guardian | GuardianRecord, pupil_marking: str = NOT_PROTECTED
) -> tuple[str, str] | None:
    """A guardian's e-mail and phone where they may be shown; None when the guardian's
    address is protected, or the pupil's (a guardian's contact details lead to the child)."""
    if is_protected(guardian.protected_address) or is_protected(pupil_marking):
        return None
    return guardian.email, guardian.phone


def school_register(session: Session, school_id: int) -> list[Pupil]:
    """The school's pupils, active first, by class and name."""
    return list(
        session.execute(
            select(Pupil)
            .where(Pupil.school_id == school_id)
            .options(selectinload(Pupil.guardians))
            .order_by(Pupil.active.desc(), Pupil.class_name, Pupil.last_name, Pupil.first_name)
        ).scalars()
    )
