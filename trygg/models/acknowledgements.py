"""The school's yearly plan for a safe school environment, and the staff's signed
acknowledgements (kvitteringer) of each published version of it.

Both are records: a published plan version is never changed (a correction is a new
version), and an acknowledgement stays a valid record of the version it was signed for
after a newer version supersedes it. Files live in the content-addressed archive; the
rows hold their SHA-256.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import School, User


class SchoolPlan(Base):
    """One published version of «skolens plan for trygt og godt skolemiljø».

    `number` counts the versions of one school year (1, 2, …). The school's current plan
    is the latest version of its latest school year; everyone acknowledges that one.
    """

    __tablename__ = "school_plans"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "number", name="uq_school_plans_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # «2026/2027»: the first year's four digits lead, so text order is time order.
    school_year: Mapped[str] = mapped_column(String(9))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    version_date: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(10))  # pdf | docx
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    school: Mapped[School] = relationship()


class Acknowledgement(Base):
    """An employee's signed kvittering for one plan version: written once.

    Name and title are copied as they were when signing, since the account may change
    later and the record must say who signed what. `signed_at` is naive UTC like every
    stored timestamp; documents and pages show it as Oslo time.
    """

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("plan_id", "user_id", name="uq_acknowledgements_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_plans.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    employee_name: Mapped[str] = mapped_column(String(200))
    employee_title: Mapped[str] = mapped_column(String(200))
    typed_signature: Mapped[str] = mapped_column(String(200))
    confirmations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(200))
    docx_sha256: Mapped[str] = mapped_column(String(64))
    # Made from the archived Word file the first time someone asks for the PDF.
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    plan: Mapped[SchoolPlan] = relationship()
    user: Mapped[User] = relationship()
