"""The case's documents, their archived files, municipal templates and saved form drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.cases.evaluation_dates import evaluation_date_set_by
from trygg.models.base import Base, utcnow
from trygg.models.organisation import User

DRAFT = "draft"
FINAL = "final"


class CaseDocument(Base):
    """One document of a case: a report, the investigation, a plan version or an evaluation.

    `data` is the document's own section in the engine's input shape. A final document
    never changes; a correction is a new row with the next `number` (plan version 2, ...).
    """

    __tablename__ = "case_documents"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "number", name="uq_case_documents_number"),
        # A case's final plan or report, looked up per case in every list (migration 0014).
        Index("ix_case_documents_case_kind_status", "case_id", "kind", "status"),
        # The school owner's overview reads, per open case, whether it was investigated,
        # its newest final plan and when that plan is next evaluated, from this index alone
        # (migration 0020; issue 15: 1.2 million documents).
        Index(
            "ix_case_documents_final_facts",
            "case_id",
            "kind",
            "id",
            "finalised_at",
            "next_evaluation_on",
            postgresql_where=text("status = 'final'"),
            sqlite_where=text("status = 'final'"),
        ),
        # The newest final evaluation of a plan (migration 0020).
        Index(
            "ix_case_documents_final_evaluations",
            "parent_id",
            "id",
            "next_evaluation_on",
            postgresql_where=text("status = 'final' AND kind = 'evaluering'"),
            sqlite_where=text("status = 'final' AND kind = 'evaluering'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # An evaluation points at its plan; a plan version at the evaluation it grew from.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    finalised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "Tiltak 2: ny ansvarlig" — what changed from the previous version, in Norwegian.
    change_summary: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The date this final plan or evaluation sets for the plan's next evaluation
    # (trygg.cases.evaluation_dates), kept when it is finalised: it never changes after.
    next_evaluation_on: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: a save names the revision it started from.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    creator: Mapped[User | None] = relationship(foreign_keys=[created_by])
    updater: Mapped[User | None] = relationship(foreign_keys=[updated_by])

    __mapper_args__ = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        "version_id_col": revision
    }


@event.listens_for(CaseDocument, "before_insert")
@event.listens_for(CaseDocument, "before_update")
def _keep_evaluation_date(mapper: Any, connection: Any, doc: CaseDocument) -> None:
    """Whatever path makes a document final (finalising, a merge, a bulk fill through the
    ORM) writes its evaluation date in the same statement: the database refuses any
    change to a final row afterwards (trygg.models.immutability)."""
    if doc.status == FINAL:
        doc.next_evaluation_on = evaluation_date_set_by(doc.kind, doc.data)


class ArchivedFile(Base):
    """A finished document in the archive: content-addressed, written once, never changed."""

    __tablename__ = "archived_files"
    __table_args__ = (UniqueConstraint("document_id", "format", name="uq_archived_files_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id"))
    format: Mapped[str] = mapped_column(String(10))  # docx | pdf
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    archived_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    archived_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DocumentTemplate(Base):
    """A municipality's or a school's own Word template for one kind; versions are kept."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # None: the template serves every school of the municipality that has none of its own.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The pre-flight report shown when it was uploaded, in Norwegian.
    report: Mapped[str] = mapped_column(Text, default="")


class FormDraft(Base):
    """What a user had typed when their session ran out, kept until they log in again."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
