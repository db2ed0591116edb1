"""The rektor's register: every active employee of the school, signed when for a plan
version or not yet, and the same as a Word document (kvitteringsliste).

Employees are the school's active accounts, whatever their role: § 12-4 puts the duty
to keep watch and report on everyone who works at the school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.acknowledgements.plans import current_plan, version_text
from trygg.acknowledgements.signing import acknowledgement_of, employee_title
from trygg.calendar.clock import oslo_time
from trygg.documents import RenderedDocument, document_filename, render_document
from trygg.documents.template_store import active_template
from trygg.models import Acknowledgement, SchoolPlan, User


@dataclass(frozen=True)
class RegisterRow:
    user_id: int
    name: str
    title: str
    # Naive UTC, like every stored time; None: not signed for this version.
    signed_at: dt.datetime | None
    acknowledgement_id: int | None
    # The last time they signed an earlier version: helps the rektor tell «new» from
    # «never read it» when a correction is published.
    earlier_signed_at: dt.datetime | None
    earlier_version: str | None


@dataclass(frozen=True)
class Register:
    rows: tuple[RegisterRow, ...]

    @property
    def signed(self) -> int:
        return sum(1 for row in self.rows if row.signed_at is not None)

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class HomeStatus:
    """The front page's plan tile."""

    published: bool
    title: str = ""
    school_year: str = ""
    version: str = ""
    signed_at: dt.datetime | None = None
    # For the school leadership only: how many have signed the current version.
    signed_count: int | None = None
    total: int | None = None


def employees(session: Session, school_id: int) -> list[User]:
    return list(
        session.execute(
            select(User)
            .where(User.school_id == school_id, User.active.is_(True))
            .order_by(User.name, User.id)
        ).scalars()
    )


def _earlier(session: Session, plan: SchoolPlan) -> dict[int, tuple[dt.datetime, SchoolPlan]]:
    rows = session.execute(
        select(Acknowledgement.user_id, Acknowledgement.signed_at, SchoolPlan)
        .join(SchoolPlan, SchoolPlan.id == Acknowledgement.plan_id)
        .where(SchoolPlan.school_id == plan.school_id, SchoolPlan.id < plan.id)
        .order_by(Acknowledgement.signed_at)
    ).all()
    # Ordered by time, so the last one per person wins.
    return {user_id: (signed_at, earlier) for user_id, signed_at, earlier in rows}


def register(session: Session, plan: SchoolPlan) -> Register:
    signed = {
        ack.user_id: ack
        for ack in session.execute(
            select(Acknowledgement).where(Acknowledgement.plan_id == plan.id)
        ).scalars()
    }
    earlier = _earlier(session, plan)
    rows = []
    for user in employees(session, plan.school_id):
        ack = signed.get(user.id)
        before = earlier.get(user.id)
        rows.append(
            RegisterRow(
                user_id=user.id,
                name=user.name,
                title=employee_title(user),
                signed_at=ack.signed_at if ack else None,
                acknowledgement_id=ack.id if ack else None,
                earlier_signed_at=before[0] if before and not ack else None,
                earlier_version=version_text(before[1]) if before and not ack else None,
            )
        )
    return Register(tuple(rows))


def unsigned_user_ids(session: Session, plan: SchoolPlan) -> list[int]:
    """Active employees without a kvittering for this version."""
    signed = select(Acknowledgement.user_id).where(Acknowledgement.plan_id == plan.id)
    return list(
        session.execute(
            select(User.id).where(
                User.school_id == plan.school_id,
                User.active.is_(True),
                User.id.not_in(signed),
            )
        ).scalars()
    )


def acknowledgement_list(
    session: Session,
    plan: SchoolPlan,
    today: dt.date,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> RenderedDocument:
    """The register as a Word document through the school's active template; audited,
    since it lists who has and has not read the plan."""
    school = plan.school
    data: dict[str, Any] = {
        "school": {
            "name": school.name,
            "municipality": school.municipality.name,
            "owner_contact": school.municipality.owner_contact or None,
        },
        "school_year": plan.school_year,
        "school_plan": {"title": plan.title, "version": version_text(plan), "sha256": plan.sha256},
        "generated_on": today.isoformat(),
        "rows": [
            {
                "name": row.name,
                "title": row.title,
                "signed_at": oslo_time(row.signed_at).isoformat() if row.signed_at else None,
            }
            for row in register(session, plan).rows
        ],
    }
    template = active_template(session, school.municipality_id, school.id, "kvitteringsliste")
    rendered = render_document("kvitteringsliste", data, template=template)
    audit.record(
        session,
        initiator,
        "acknowledgement.register_downloaded",
        "school_plan",
        plan.id,
        {"school_id": plan.school_id, "rows": len(data["rows"])},
        now=now,
    )
    return RenderedDocument(
        docx=rendered.docx,
        filename=document_filename(plan.school_year, "kvitteringsliste", plan.number),
        sha256=rendered.sha256,
        title=rendered.title,
    )


def home_status(session: Session, user_id: int, school_id: int, *, leads: bool) -> HomeStatus:
    plan = current_plan(session, school_id)
    if plan is None:
        return HomeStatus(published=False)
    ack = acknowledgement_of(session, plan.id, user_id)
    signed_count = total = None
    if leads:
        total = len(employees(session, school_id))
        signed_count = session.execute(
            select(func.count())
            .select_from(Acknowledgement)
            .join(User, User.id == Acknowledgement.user_id)
            .where(
                Acknowledgement.plan_id == plan.id,
                User.school_id == school_id,
                User.active.is_(True),
            )
        ).scalar_one()
    return HomeStatus(
        published=True,
        title=plan.title,
        school_year=plan.school_year,
        version=version_text(plan),
        signed_at=ack.signed_at if ack else None,
        signed_count=signed_count,
        total=total,
    )
