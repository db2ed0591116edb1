"""Two cases of one pupil merged into one, and the dated record of informing the home.

A merge never moves a permanent record: the merged case's final documents, archived
files, notes and attachments stay where they were written (database triggers refuse
changes) and are read from the surviving case through this row. `labels` says which
label of the merged case names the same person as which label of the surviving case.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.cases import Case
from trygg.models.organisation import User

# How guardians were informed; the page says it in Norwegian (trygg.cases.guardians).
CONVERSATION = "samtale"
PHONE = "telefon"
MEETING = "mote"
LETTER = "brev"
EMAIL = "e-post"
INFORMED_HOW = (CONVERSATION, PHONE, MEETING, LETTER, EMAIL)


class CaseMerge(Base):
    """`merged_case` was opened by mistake beside `surviving_case`; it is merged into it."""

    __tablename__ = "case_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A case is merged once: its URL then always leads to one surviving case.
    merged_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    surviving_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # Merged case's label -> surviving case's label, for the same person.
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    merged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    merged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    merged_case: Mapped[Case] = relationship(foreign_keys=[merged_case_id])
    surviving_case: Mapped[Case] = relationship(foreign_keys=[surviving_case_id])


class GuardiansInformed(Base):
    """When and how the leadership informed the pupil's guardians (one entry per time)."""

    __tablename__ = "guardians_informed"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    informed_on: Mapped[date] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(20))
    # The register guardians' ids and their names as they were then: the register may
    # change or drop a guardian later, the record must still say whom.
    guardian_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    guardian_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    author: Mapped[User | None] = relationship()
