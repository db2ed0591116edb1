"""Server-side login sessions and the failed-login throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import User


class LoginSession(Base):
    """One login. The cookie carries a random token; only its SHA-256 is stored, so a copy
    of the database cannot be used to take over a session."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failures per typed e-mail address, whether or not such an account exists, so the
    responses cannot tell an attacker which addresses are real."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
