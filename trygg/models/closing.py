"""Closing a case: the decision, the proposal it may start as, and the follow-up answer.

One row per proposal. A handler proposes (or an evaluation concludes "Avslutte"); the
leadership, or the school owner in its cases, confirms or declines. A leader who closes a
case directly proposes and confirms in one step, so every closed case has its row, its
archived document ("avslutning") and, later, the answer given at the follow-up.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trygg.models.base import Base, utcnow
from trygg.models.organisation import User

PROPOSED = "proposed"
CONFIRMED = "confirmed"
DECLINED = "declined"
# A newer proposal (a later evaluation, say) replaced this one before it was decided.
SUPERSEDED = "superseded"

# The answer at the follow-up: the pupil still has it safe, or the case is opened again.
STILL_SAFE = "still_safe"
REOPENED = "reopened"


class ClosingDecision(Base):
    __tablename__ = "closing_decisions"
    # The few cases opened again at the follow-up, among every closing of ten years: each
    # deadline and count asks when that happened (migration 0018).
    __table_args__ = (
        Index(
            "ix_closing_decisions_reopened",
            "case_id",
            postgresql_where=text("follow_up_result = 'reopened'"),
            sqlite_where=text("follow_up_result = 'reopened'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PROPOSED)
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The evaluation that concluded "Avslutte", when the proposal came from one.
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The pupil's own experience now (§ 12-4 ends with the pupil's, not the school's, view)
    # and how the school learned it.
    pupil_experience: Mapped[str] = mapped_column(Text, default="")
    heard_how: Mapped[str] = mapped_column(Text, default="")
    # Why the case closes without a finalised investigation; empty when one exists.
    no_investigation_reason: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # The archived "Avslutning av saken" of a confirmed decision.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    followed_up_at: Mapped[datetime | None] = mapped_column(DateTime)
    followed_up_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_result: Mapped[str] = mapped_column(String(20), default="")
    follow_up_experience: Mapped[str] = mapped_column(Text, default="")
    follow_up_heard_how: Mapped[str] = mapped_column(Text, default="")

    proposer: Mapped[User | None] = relationship(foreign_keys=[proposed_by])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])
    follow_up_user: Mapped[User | None] = relationship(foreign_keys=[followed_up_by])
