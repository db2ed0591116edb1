"""Municipalities, schools, roles and the people who log in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow


class Municipality(Base):
    """The school owner (skoleeier), e.g. Oslo kommune."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Who receives serious-case and § 12-5 reports; printed in acknowledgements.
    owner_contact: Mapped[str] = mapped_column(String(300), default="")
    # Login with Feide (trygg.accounts.feide), when the installation has it configured:
    # whether this municipality's people may use it, whether the login page hides the
    # e-mail-and-password form (still reachable for the first admin), and the e-mail
    # domains whose Feide users get an account (ansatt, no school) at their first login,
    # one per line; empty: nobody gets one without an admin.
    feide_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    local_login_hidden: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    feide_account_domains: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # The county governor the municipality's schools answer to (§ 12-6): printed on every
    # document sent home, so guardians know where to take the case.
    statsforvalteren_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    statsforvalteren_address: Mapped[str] = mapped_column(
        String(300), default="", server_default=""
    )
    statsforvalteren_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    statsforvalteren_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    statsforvalteren_web: Mapped[str] = mapped_column(String(200), default="", server_default="")

    schools: Mapped[list[School]] = relationship(back_populates="municipality")


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("municipality_id", "name", name="uq_schools_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    name: Mapped[str] = mapped_column(String(200))
    # School setting (domain README): pupils whose role is "utøvende" are labelled
    # "Utøvende elev 1", … instead of "Elev A", …; applies to people added from then on,
    # since a label never changes once a document has used it.
    perpetrator_labels: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    # The school's contact person for a case, printed on documents sent home. Empty name:
    # the rektor from the accounts (trygg.accounts.school_settings.case_contact).
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    municipality: Mapped[Municipality] = relationship(back_populates="schools")


class Role(Base):
    """Roles are data, so a municipality can read them from the database like any record."""

    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # School-bound roles need a school; the others work for the whole municipality.
    school_bound: Mapped[bool] = mapped_column(Boolean)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    # None means the account cannot log in until someone sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The Feide login this account answers to, stored at its first Feide login: the
    # provider's `sub` and Feide's user id (eduPersonPrincipalName, "ola@skole.no").
    feide_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    feide_user_id: Mapped[str | None] = mapped_column(String(254), unique=True)

    role: Mapped[Role] = relationship()
    municipality: Mapped[Municipality] = relationship()
    school: Mapped[School | None] = relationship()


class AccessChange(Base):
    """One change of what an account may reach: the account created, its role or school
    changed, or a school admin's request for a role that opens case content, which waits
    for the school's leadership (status "pending") and is then confirmed or refused.

    Kept beside the audit trail so the rektor and the school owner can read their school's
    or municipality's changes without the trail's other events. `role_from` is None for a
    new account; the schools are None for municipality-wide accounts.
    """

    __tablename__ = "access_changes"
    # The rektor's open requests are counted for the menu on every page they open.
    __table_args__ = (Index("ix_access_changes_pending", "school_to_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role_from: Mapped[str | None] = mapped_column(ForeignKey("roles.code"))
    role_to: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    school_from_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    school_to_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    # done | pending | confirmed | refused | withdrawn (trygg.accounts.access_changes)
    status: Mapped[str] = mapped_column(String(20))
    # The initiator as the audit trail records it; the id is None for the CLI and the demo.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_by_email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
