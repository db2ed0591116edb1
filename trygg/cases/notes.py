"""Dated notes and attachments of a case: adding, withdrawing, opening (listing them:
trygg.cases.case_records).

A note (a phone call, a meeting, an observation, a message from home) is case content
written with names, like a document's draft: it is stored behind the case's access rule
and shown on the case page as written. Its text is checked for names when it is added
(trygg.cases.names_check): a name that could mean two people is refused, and a word that
looks like the name of someone not in the case must be added to the case or confirmed not
to be a name. Whatever leaves the case page (the combined PDF, trygg.cases.notes_pdf) is
rendered with labels and scanned for names, like the documents.

An attachment is checked by its content (trygg.cases.attachments) and stored in the
content-addressed archive. Notes and attachments are permanent: a mistake is withdrawn
with a reason, never deleted or changed. Every change and every opening of a file is
written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.calendar.clock import OSLO
from trygg.cases.attachments import MIMETYPES, check_upload
from trygg.cases.names_check import case_people, check_texts
from trygg.errors import NotFound, Refused
from trygg.models import Case, User
from trygg.models.notes import NOTE_KINDS, CaseAttachment, CaseNote, CaseRecordWithdrawal

MAX_NOTE_LENGTH = 20_000
MAX_DESCRIPTION_LENGTH = 1_000
MAX_REASON_LENGTH = 1_000
MIN_REASON_LENGTH = 5
# Clocks differ by a little; a minute ahead is "now", not the future.
CLOCK_SLACK = dt.timedelta(minutes=1)
EARLIEST = dt.datetime(2000, 1, 1)
# What each kind of note is called; Norwegian msgids the UI translates (like EVENT_TEXTS).
NOTE_KIND_TITLES = {
    "phone_call": "Telefonsamtale",
    "meeting": "Møte",
    "observation": "Observasjon",
    "message_from_home": "Melding fra hjemmet",
    "other": "Annet",
}
ATTACHMENT_NOT_FOUND = "Vedlegget finnes ikke i denne saken."
NOTE_NOT_FOUND = "Notatet finnes ikke i denne saken."


@dataclass(frozen=True)
class NewNote:
    kind: str
    # As typed: the wall-clock time in Norway.
    happened_at: dt.datetime
    text: str
    # The writer confirms that the words flagged as unregistered names are not names.
    not_names_confirmed: bool = False


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    description: str = ""
    not_names_confirmed: bool = False


def _utc(oslo_wall_clock: dt.datetime) -> dt.datetime:
    """A typed Oslo time as naive UTC, the way the chronology's timestamps are stored."""
    local = oslo_wall_clock.replace(tzinfo=OSLO)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _checked_names(case: Case, field: str, text: str, confirmed: bool) -> list[str]:
    """The words confirmed not to be names; Refused at `field` for an open question."""
    check = check_texts(case_people(case), {field: text})
    if check.questions:
        question = check.questions[0]
        raise Refused(
            "«%(name)s» kan være flere personer i saken (%(who)s). Skriv hele navnet, så det "
            "er klart hvem som menes.",
            field=field,
            name=question.name,
            who=", ".join(c.name for c in question.candidates),
        )
    words = [w.name for w in check.warnings]
    if words and not confirmed:
        raise Refused(
            "%(words)s ser ut som navn på noen som ikke er registrert i saken. Legg personen "
            "til under «Personer i saken», eller kryss av for at det ikke er navn.",
            field=field,
            words=", ".join(f"«{w}»" for w in words),
        )
    return words


def add_note(
    session: Session,
    case: Case,
    note: NewNote,
    user: User,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> CaseNote:
    """Adds and flushes the note and its audit event; Refused at the field that is wrong."""
    if note.kind not in NOTE_KINDS:
        raise Refused("Velg hva notatet gjelder.", field="kind")
    happened_at = _utc(note.happened_at)
    if happened_at > now + CLOCK_SLACK:
        raise Refused(
            "Tidspunktet er frem i tid. Et notat gjelder noe som har skjedd; skriv når det "
            "skjedde.",
            field="happened_at",
        )
    if happened_at < EARLIEST:
        raise Refused("Sjekk datoen: den er for langt tilbake i tid.", field="happened_at")
    text = note.text.strip()
    if not text:
        raise Refused("Skriv hva som ble sagt eller skjedde.", field="text")
    if len(text) > MAX_NOTE_LENGTH:
        raise Refused(
            "Notatet kan ha høyst %(limit)d tegn. Del det i flere notater, eller legg det ved "
            "som PDF.",
            field="text",
            limit=MAX_NOTE_LENGTH,
        )
    not_names = _checked_names(case, "text", text, note.not_names_confirmed)
    row = CaseNote(
        case_id=case.id,
        kind=note.kind,
        happened_at=happened_at,
        text=text,
        not_names=not_names,
        created_at=now,
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        initiator,
        "case.note_added",
        "case",
        str(case.id),
        {"note": row.id, "kind": row.kind},
        now=now,
    )
    return row


def add_attachment(
    session: Session,
    archive: Archive,
    case: Case,
    upload: NewAttachment,
    user: User,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> CaseAttachment:
    """Checks the file by its content, stores it in the archive, adds and flushes its row
    and audit event. Refused (at "file" or "description") when it is not taken in."""
    description = upload.description.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise Refused(
            "Beskrivelsen kan ha høyst %(limit)d tegn.",
            field="description",
            limit=MAX_DESCRIPTION_LENGTH,
        )
    not_names = (
        _checked_names(case, "description", description, upload.not_names_confirmed)
        if description
        else []
    )
    checked = check_upload(upload.content, upload.filename)
    sha256 = archive.put(checked.content, checked.format)
    row = CaseAttachment(
        case_id=case.id,
        format=checked.format,
        sha256=sha256,
        received_sha256=checked.received_sha256,
        size=len(checked.content),
        pages=checked.pages,
        display_name=checked.display_name,
        description=description,
        created_at=now,
        created_by=user.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        initiator,
        "case.attachment_added",
        "case",
        str(case.id),
        {
            "attachment": row.id,
            "format": row.format,
            "sha256": sha256,
            "received_sha256": checked.received_sha256,
            "size": row.size,
            "not_names": len(not_names),
        },
        now=now,
    )
    return row


def load_attachment(session: Session, case: Case, attachment_id: int) -> CaseAttachment:
    """An attachment of `case` (already loaded with its access check); any other id is
    NotFound: ids in URLs get changed."""
    row = session.get(CaseAttachment, attachment_id)
    if row is None or row.case_id != case.id:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    return row


def load_note(session: Session, case: Case, note_id: int) -> CaseNote:
    row = session.get(CaseNote, note_id)
    if row is None or row.case_id != case.id:
        raise NotFound(NOTE_NOT_FOUND)
    return row


@dataclass(frozen=True)
class AttachmentFile:
    content: bytes
    filename: str
    mimetype: str


def open_attachment(
    session: Session,
    archive: Archive,
    case: Case,
    attachment: CaseAttachment,
    initiator: audit.Initiator,
    now: dt.datetime,
    *,
    download: bool,
) -> AttachmentFile:
    """The stored file, verified against its hash (ArchiveDamaged otherwise); the view or
    download is written to the audit trail."""
    content = archive.get(attachment.sha256, attachment.format)
    audit.record(
        session,
        initiator,
        "case.attachment_downloaded" if download else "case.attachment_viewed",
        "case",
        str(case.id),
        {"attachment": attachment.id},
        now=now,
    )
    return AttachmentFile(content, attachment.display_name, MIMETYPES[attachment.format])


def withdraw(
    session: Session,
    case: Case,
    what: Literal["note", "attachment"],
    record_id: int,
    reason: str,
    user: User,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> CaseRecordWithdrawal:
    """Marks a note or an attachment as added by mistake; it stays in the case."""
    if what == "note":
        load_note(session, case, record_id)
    else:
        load_attachment(session, case, record_id)
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise Refused("Skriv hvorfor det trekkes tilbake.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise Refused(
            "Begrunnelsen kan ha høyst %(limit)d tegn.", field="reason", limit=MAX_REASON_LENGTH
        )
    column = CaseRecordWithdrawal.note_id if what == "note" else CaseRecordWithdrawal.attachment_id
    if session.execute(select(CaseRecordWithdrawal.id).where(column == record_id)).first():
        raise Refused("Dette er allerede trukket tilbake.")
    row = CaseRecordWithdrawal(
        case_id=case.id,
        note_id=record_id if what == "note" else None,
        attachment_id=record_id if what == "attachment" else None,
        reason=reason,
        withdrawn_at=now,
        withdrawn_by=user.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        initiator,
        f"case.{what}_withdrawn",
        "case",
        str(case.id),
        {what: record_id},
        now=now,
    )
    return row


def record_author(session: Session, case: Case, what: str, record_id: int) -> int | None:
    """Who added a note or an attachment (for the withdrawal rule); NotFound otherwise."""
    if what == "note":
        return load_note(session, case, record_id).created_by
    return load_attachment(session, case, record_id).created_by
