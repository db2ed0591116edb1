"""A case's notes and attachments as the case page and the combined PDF list them: plain
values with who wrote them and any withdrawal (trygg.cases.notes adds and withdraws them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.models import Case
from trygg.models.notes import CaseAttachment, CaseNote, CaseRecordWithdrawal


@dataclass(frozen=True)
class Withdrawal:
    at: dt.datetime
    by: str
    reason: str


@dataclass(frozen=True)
class NoteEntry:
    id: int
    kind: str
    happened_at: dt.datetime  # UTC
    text: str
    author: str
    author_id: int | None
    created_at: dt.datetime
    withdrawn: Withdrawal | None


@dataclass(frozen=True)
class AttachmentEntry:
    id: int
    format: str
    display_name: str
    description: str
    size: int
    pages: int
    sha256: str
    author: str
    author_id: int | None
    created_at: dt.datetime
    withdrawn: Withdrawal | None


@dataclass(frozen=True)
class CaseRecords:
    notes: tuple[NoteEntry, ...]
    attachments: tuple[AttachmentEntry, ...]


def case_records(session: Session, case: Case) -> CaseRecords:
    """The case's notes (by when it happened) and attachments (by when added), with who
    wrote them and any withdrawal. Plain values: no ORM object leaves the domain."""
    withdrawals = list(
        session.execute(
            select(CaseRecordWithdrawal).where(CaseRecordWithdrawal.case_id == case.id)
        ).scalars()
    )
    notes = list(
        session.execute(
            select(CaseNote)
            .where(CaseNote.case_id == case.id)
            .order_by(CaseNote.happened_at, CaseNote.id)
        ).scalars()
    )
    attachments = list(
        session.execute(
            select(CaseAttachment)
            .where(CaseAttachment.case_id == case.id)
            .order_by(CaseAttachment.created_at, CaseAttachment.id)
        ).scalars()
    )

    def withdrawal(row: CaseRecordWithdrawal | None) -> Withdrawal | None:
        if row is None:
            return None
        by = row.withdrawer.name if row.withdrawer else ""
        return Withdrawal(row.withdrawn_at, by, row.reason)

    by_note = {w.note_id: w for w in withdrawals if w.note_id is not None}
    by_attachment = {w.attachment_id: w for w in withdrawals if w.attachment_id is not None}
    return CaseRecords(
        notes=tuple(
            NoteEntry(
                id=n.id,
                kind=n.kind,
                happened_at=n.happened_at,
                text=n.text,
                author=n.author.name if n.author else "",
                author_id=n.created_by,
                created_at=n.created_at,
                withdrawn=withdrawal(by_note.get(n.id)),
            )
            for n in notes
        ),
        attachments=tuple(
            AttachmentEntry(
                id=a.id,
                format=a.format,
                display_name=a.display_name,
                description=a.description,
                size=a.size,
                pages=a.pages,
                sha256=a.sha256,
                author=a.author.name if a.author else "",
                author_id=a.created_by,
                created_at=a.created_at,
                withdrawn=withdrawal(by_attachment.get(a.id)),
            )
            for a in attachments
        ),
    )
