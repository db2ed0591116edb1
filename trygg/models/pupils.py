"""The school's pupil register: pupils and their guardians as the student system exports
them (OneRoster or a plain CSV, `trygg.pupils`).

A pupil is never deleted: a pupil no longer listed by an import is marked as left, and
their cases stay tied to them. A case about someone outside the register (a new pupil, a
visitor) keeps a typed name and no `pupil_id`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import School

# Protected address markings (Folkeregisteret's "fortrolig" and "strengt fortrolig
# adresse"). Either one keeps the person's address and contact details out of every
# document, list and export.
NOT_PROTECTED = ""
CONFIDENTIAL = "fortrolig"
STRICTLY_CONFIDENTIAL = "strengt_fortrolig"
PROTECTED_ADDRESS_MARKINGS = (NOT_PROTECTED, CONFIDENTIAL, STRICTLY_CONFIDENTIAL)


class Pupil(Base):
    __tablename__ = "pupils"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # The student system's own id (OneRoster sourcedId); empty when the source has none,
    # and re-imports then match on name and birth date.
    external_id: Mapped[str] = mapped_column(String(120), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Lower-cased full name, whitespace collapsed: what search and matching compare.
    name_key: Mapped[str] = mapped_column(String(220), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    class_name: Mapped[str] = mapped_column(String(40), default="")
    grade: Mapped[int | None] = mapped_column(Integer)  # trinn 1–13
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    protected_address: Mapped[str] = mapped_column(String(20), default=NOT_PROTECTED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Spellings cases used before they were tied to this pupil ("Lea Holmm"), never from
    # an import: wherever the pupil is another case's labelled pupil, they are nicknames
    # the leak scanner looks for too (trygg.cases.register_people).
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    school: Mapped[School] = relationship()
    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="pupil", order_by="Guardian.id", cascade="save-update, merge"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Guardian(Base):
    """A pupil's guardian. One row per pupil: parental responsibility and the right to
    information are about this pupil, so siblings' guardians are listed with each."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(120), default="")
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    relation: Mapped[str] = mapped_column(String(40), default="")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=True)
    may_receive_information: Mapped[bool] = mapped_column(Boolean, default=True)
    protected_address: Mapped[str] = mapped_column(String(20), default=NOT_PROTECTED)

    pupil: Mapped[Pupil] = relationship(back_populates="guardians")
