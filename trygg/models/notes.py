"""The case's dated notes and attachments, and their withdrawals.

All three are permanent records, like the case's final documents: a row is written once
and never changed or deleted (database triggers in trygg.models.immutability and
migration 0012). A note or attachment added by mistake is withdrawn by a row of its own,
with a reason; it stays in the case, marked as withdrawn, and leaves the combined PDF.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import User

# What a note records; the page says it in Norwegian (views/cases/notes.py).
PHONE_CALL = "phone_call"
MEETING = "meeting"
OBSERVATION = "observation"
MESSAGE_FROM_HOME = "message_from_home"
OTHER = "other"
NOTE_KINDS = (PHONE_CALL, MEETING, OBSERVATION, MESSAGE_FROM_HOME, OTHER)

# Attachment formats by content, as archive extensions.
ATTACHMENT_FORMATS = ("pdf", "png", "jpg")


class CaseNote(Base):
    """A dated note: a phone call, a meeting, an observation, a message from home.

    The text is case content written with names, like a document's draft; it is behind
    the case's access rule, and whatever is rendered from it for the combined PDF is
    labelled and scanned for names first (trygg.cases.notes)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # When it happened (naive UTC), which may be before it was written down.
    happened_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)
    # Words the writer confirmed are not names (trygg.cases.names_check).
    not_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User | None] = relationship()


class CaseAttachment(Base):
    """A file added to the case: PDF, PNG or JPEG, kept in the content-addressed archive.

    Images are re-encoded before they are stored (metadata such as a phone's position
    is dropped), so `sha256` is the stored file's address and `received_sha256` the
    hash of the bytes as uploaded."""

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    received_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    # Cleaned from the uploaded file name; shown on the page, never used as a path.
    display_name: Mapped[str] = mapped_column(String(200))
    # What the file shows, in the writer's words (checked for names like a note).
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User | None] = relationship()


class CaseRecordWithdrawal(Base):
    """A note or an attachment marked as added by mistake; exactly one of the two ids."""

    __tablename__ = "case_record_withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("case_notes.id"), unique=True)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_attachments.id"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    withdrawer: Mapped[User | None] = relationship()
