"""What the Skolens plan pages receive: plain rows built from the domain's records (never
ORM objects), the register page, file responses, and loading a plan with its check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, render_template, url_for
from flask_babel import format_date, format_datetime, gettext

from database import db
from trygg import acknowledgements, audit
from trygg.errors import NotFound
from trygg.models import Acknowledgement, SchoolPlan
from views.cases.loading import now
from web.gate import audit_initiator, current_user


def plan_or_404(plan_id: int) -> SchoolPlan:
    """A plan of the user's own school; another school's plan is a 404."""
    try:
        return acknowledgements.plan_for(db.session, current_user(), plan_id)
    except NotFound:
        abort(404)


def time_text(value: dt.datetime | None) -> str:
    # Stored times are naive UTC; Flask-Babel shows them in Europe/Oslo.
    return format_datetime(value, "d. MMM y 'kl.' HH.mm") if value else ""


def date_text(value: dt.date) -> str:
    return format_date(value, "d. MMMM y")


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def plan_row(plan: SchoolPlan, current: SchoolPlan | None) -> dict[str, Any]:
    item = acknowledgements.summary(plan, current)
    return {
        "id": item.id,
        "title": item.title,
        "school_year": item.school_year,
        "number": item.number,
        "version_date": date_text(item.version_date),
        "version": item.version_text,
        "sha256": item.sha256,
        "format": item.format.upper() if item.format == "pdf" else "Word",
        "size": size_text(item.size),
        "published_at": time_text(item.published_at),
        "current": item.current,
        "file_url": url_for("acknowledgements.plan_file", plan_id=item.id),
        "register_url": url_for("acknowledgements.register", plan_id=item.id),
    }


def acknowledgement_row(ack: Acknowledgement) -> dict[str, Any]:
    return {
        "id": ack.id,
        "title": ack.plan.title,
        "school_year": ack.plan.school_year,
        "version": acknowledgements.version_text(ack.plan),
        "signed_at": time_text(ack.signed_at),
        "docx_url": url_for(
            "acknowledgements.acknowledgement_file", acknowledgement_id=ack.id, fmt="docx"
        ),
        "pdf_url": url_for(
            "acknowledgements.acknowledgement_file", acknowledgement_id=ack.id, fmt="pdf"
        ),
    }


def register_page(plan: SchoolPlan | None) -> str:
    """The register of one plan version (audited: it lists who has read the plan), or
    the page that asks the leadership to publish the first plan."""
    if plan is None:
        return render_template("acknowledgements/register.html", plan=None, versions=[])
    current = acknowledgements.current_plan(db.session, plan.school_id)
    result = acknowledgements.register(db.session, plan)
    audit.record(
        db.session,
        audit_initiator(),
        "acknowledgement.register_viewed",
        "school_plan",
        plan.id,
        {"school_id": plan.school_id},
        now=now(),
    )
    db.session.commit()
    rows = [
        {
            "name": row.name,
            "title": row.title,
            "signed_at": time_text(row.signed_at),
            "earlier": gettext(
                "signerte %(version)s, %(at)s",
                version=row.earlier_version,
                at=time_text(row.earlier_signed_at),
            )
            if row.earlier_version
            else "",
            "docx_url": url_for(
                "acknowledgements.acknowledgement_file",
                acknowledgement_id=row.acknowledgement_id,
                fmt="docx",
            )
            if row.acknowledgement_id
            else "",
        }
        for row in result.rows
    ]
    # Who has not signed first: they are who the rektor follows up.
    rows.sort(key=lambda r: bool(r["signed_at"]))
    return render_template(
        "acknowledgements/register.html",
        plan=plan_row(plan, current),
        rows=rows,
        signed=result.signed,
        total=result.total,
        versions=[
            plan_row(v, current) for v in acknowledgements.plan_versions(db.session, plan.school_id)
        ],
        list_url=url_for("acknowledgements.register_docx", plan_id=plan.id),
    )
