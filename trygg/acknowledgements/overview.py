"""What the Skolens plan pages show, as plain values (no ORM object leaves the domain):
the employee's own page, and the register the leadership opens (audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.acknowledgements.plans import (
    PlanSummary,
    current_plan,
    plan_versions,
    summary,
    version_text,
)
from trygg.acknowledgements.register import Register, register
from trygg.acknowledgements.signing import my_acknowledgements
from trygg.models import Acknowledgement, School, SchoolPlan


@dataclass(frozen=True)
class AcknowledgementSummary:
    """A signed kvittering as pages show it; `signed_at` is naive UTC."""

    id: int
    plan_id: int
    title: str
    school_year: str
    version: str
    signed_at: dt.datetime


@dataclass(frozen=True)
class MyPlan:
    """The employee's plan page: the version to read, their kvittering for it, the
    earlier ones (still records), and who the school owner is (the § 12-5 route)."""

    current: PlanSummary | None
    signed: AcknowledgementSummary | None
    earlier: tuple[AcknowledgementSummary, ...]
    owner_contact: str


def acknowledgement_summary(ack: Acknowledgement) -> AcknowledgementSummary:
    return AcknowledgementSummary(
        id=ack.id,
        plan_id=ack.plan_id,
        title=ack.plan.title,
        school_year=ack.plan.school_year,
        version=version_text(ack.plan),
        signed_at=ack.signed_at,
    )


def my_plan(session: Session, user_id: int, school_id: int) -> MyPlan:
    current = current_plan(session, school_id)
    mine = [acknowledgement_summary(a) for a in my_acknowledgements(session, user_id)]
    signed = next((a for a in mine if current is not None and a.plan_id == current.id), None)
    school = session.get(School, school_id)
    return MyPlan(
        current=summary(current, current) if current is not None else None,
        signed=signed,
        earlier=tuple(a for a in mine if a is not signed),
        owner_contact=school.municipality.owner_contact if school is not None else "",
    )


@dataclass(frozen=True)
class RegisterPage:
    """One plan version's register, and every version of the school to switch to."""

    plan: PlanSummary
    register: Register
    versions: tuple[PlanSummary, ...]


def viewed_register(
    session: Session, plan: SchoolPlan, initiator: audit.Initiator, now: dt.datetime
) -> RegisterPage:
    """The register of one plan version. Audited: it lists who has read the plan."""
    current = current_plan(session, plan.school_id)
    result = register(session, plan)
    audit.record(
        session,
        initiator,
        "acknowledgement.register_viewed",
        "school_plan",
        plan.id,
        {"school_id": plan.school_id},
        now=now,
    )
    return RegisterPage(
        plan=summary(plan, current),
        register=result,
        versions=tuple(summary(v, current) for v in plan_versions(session, plan.school_id)),
    )
