"""A pupil's case, the people in it, and its chronology.

The documents' own content (report, investigation, plan, evaluation) is stored as the
JSON section the document engine validates (`trygg.documents` input shapes), so the web
forms, the CLI and the archive all speak one format. Actor references inside that JSON
are the actors' `key`s ("p1", "s2"), or "pupil" for the case's own pupil.
"""

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
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import School, User
from trygg.models.pupils import Pupil

OPEN = "open"
CLOSED = "closed"
# Merged into another case of the same pupil (trygg.cases.merging); never open again.
MERGED = "merged"
# The cases routed to the school owner, as trygg.cases.access.visible_to and
# trygg.cases.list_query.owner_routed write them: an index with this predicate serves
# their queries only when they are written alike.
OWNER_ROUTED = (
    "leadership_suspected IS true OR routed_to_owner IS true"
    " OR owner_reported_at IS NOT NULL OR hidden_case_id IS NOT NULL"
)


class Case(Base):
    """One pupil's school-environment case. Never deleted; closing keeps everything."""

    __tablename__ = "cases"
    # Each school numbers its own cases, so two schools both have a "2026/0001"
    # (trygg.cases.reports: the reference series).
    __table_args__ = (
        UniqueConstraint("school_id", "reference", name="uq_cases_school_reference"),
        # The lists that grow with the years: a school's cases by status, newest first
        # (migration 0014, bench/scale.py).
        Index("ix_cases_school_status_opened", "school_id", "status", "opened_at"),
        # A school's list, every status, with what the list reads of each case: the
        # index alone answers it (migration 0017).
        Index(
            "ix_cases_school_list",
            "school_id",
            "opened_at",
            postgresql_include=[
                "id",
                "status",
                "follow_up_on",
                "leadership_suspected",
                "handler_id",
                "pupil_class",
            ],
        ),
        # The cases the school owner sees beside those it handles: a few percent of a
        # municipality's cases, with what the owner's lists read of each (migration 0017).
        Index(
            "ix_cases_routed_to_owner",
            "opened_at",
            "id",
            postgresql_include=["school_id", "status", "follow_up_on", "handler_id"],
            postgresql_where=text(OWNER_ROUTED),
            sqlite_where=text(OWNER_ROUTED),
        ),
        # The closed cases whose follow-up is still to be answered, beside the open ones:
        # the owner's overview and send-reminders read only these (migration 0018).
        Index(
            "ix_cases_follow_up_on",
            "follow_up_on",
            postgresql_where=text("follow_up_on IS NOT NULL"),
            sqlite_where=text("follow_up_on IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    pupil_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased name and class: "one open case per pupil" is looked up on these.
    pupil_key: Mapped[str] = mapped_column(String(220), index=True)
    pupil_class: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # § 12-6 counts from when the rektor personally knew (or the home raised it).
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    rektor_informed_at: Mapped[datetime | None] = mapped_column(DateTime)
    raised_with_rektor_by_home: Mapped[date | None] = mapped_column(Date)
    # The pupil said they are not safe, or the investigation showed it: the plan clock.
    unsafe_since: Mapped[date | None] = mapped_column(Date)
    # § 12-5 routing. Once set by a report these are never cleared: hiding a case from
    # a suspected leader must not depend on later edits.
    staff_suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hidden from the school's whole leadership: a leader is suspected (by the accounts),
    # or the reporter could not say who ("en i skoleledelsen", "vet ikke").
    leadership_suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    # The report went straight to the school owner: a case hidden from the leadership, or
    # a school where no leader could receive it. The school owner sees the case.
    routed_to_owner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # An ordinary case about a pupil who also has a case hidden from the leadership: the
    # link the school owner sees (never shown to anyone who cannot see the hidden case).
    hidden_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    # The school day the case was marked serious ("Alvorlig sak"): "Meld til skoleeier"
    # is due that day (trygg.calendar.deadlines). None while the case is not serious.
    serious_since: Mapped[date | None] = mapped_column(Date)
    owner_reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_reported_to: Mapped[str] = mapped_column(String(300), default="")
    # The register pupil the case is about (trygg.models.pupils); None for a pupil typed
    # by the reporter ("ikke fra elevregisteret") and for cases from before the register.
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id"), index=True)

    school: Mapped[School] = relationship()
    handler: Mapped[User | None] = relationship()
    pupil: Mapped[Pupil | None] = relationship()
    actors: Mapped[list[CaseActor]] = relationship(
        back_populates="case", order_by="CaseActor.id", cascade="save-update, merge"
    )


class CaseSeries(Base):
    """The last number given in one series of case references: a school's year, or the
    school owner's own year for cases hidden from a school's leadership. Counted here, in
    the filing transaction, so a series has no gaps that betray a case someone cannot see."""

    __tablename__ = "case_series"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class PupilFilingLock(Base):
    """One row per school and pupil, written first in every transaction that may open a
    case for the pupil (trygg.cases.pupil_cases.lock_pupil). Writing it waits for another such
    transaction about the same pupil (the row lock on PostgreSQL, the write lock on
    SQLite), so the second one looks for the pupil's open case only after the first one's
    case is committed, and joins it instead of opening a second one."""

    __tablename__ = "pupil_filing_locks"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    pupil_key: Mapped[str] = mapped_column(String(220), primary_key=True)
    # Counts the filings; only the write matters, the number is there to be written.
    taken: Mapped[int] = mapped_column(Integer, default=0)


class CaseActor(Base):
    """A person in a case, with their stable label. The name-to-label key lives only here."""

    __tablename__ = "case_actors"
    __table_args__ = (
        UniqueConstraint("case_id", "key", name="uq_case_actors_key"),
        # A user's actor rows ("Mine tiltak"), and above all the cases the user is
        # suspected in, which every case list leaves out (§ 12-5): looked up by user, or
        # case by case in the few suspected rows (migration 0017).
        Index("ix_case_actors_user_id", "user_id"),
        Index(
            "ix_case_actors_suspects",
            "user_id",
            "case_id",
            postgresql_where=text("suspected IS true"),
            sqlite_where=text("suspected IS true"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # pupil | guardian | staff
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    guardian_of: Mapped[str] = mapped_column(String(40), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # § 12-5: the staff member suspected of violating the pupil.
    suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(80), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The register pupil another pupil in the case is (trygg.cases.register_people): their
    # guardians come into the case from the register, labelled "Foresatt til Elev A".
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="actors")
    pupil: Mapped[Pupil | None] = relationship()


class CaseEvent(Base):
    """The case's chronology: who did what, when. Part of the case, seen with it."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A stable code ("report_filed"); the UI turns it into Norwegian.
    code: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class SchoolDayOff(Base):
    """A day without teaching at one school (planleggingsdag, school holidays)."""

    __tablename__ = "school_days_off"
    __table_args__ = (UniqueConstraint("school_id", "day", name="uq_school_days_off_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Notification(Base):
    """An in-app alert. Its text is fixed per code and never holds case content."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_dedupe"),
        # A user's unread alerts (the count in the menu) and the alerts not yet e-mailed
        # (send-reminders), among the millions read and sent over the years (0018).
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_notifications_unsent",
            "id",
            postgresql_where=text("emailed_at IS NULL"),
            sqlite_where=text("emailed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    # One alert per (user, event): send-reminders may run every hour without repeating.
    dedupe_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)
