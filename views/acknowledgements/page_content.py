"""What the Skolens plan pages receive: plain rows built from the domain's summaries
(never ORM objects), and loading a plan or a kvittering with its check."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for

from database import db
from trygg import acknowledgements
from trygg.errors import NotFound
from trygg.models import Acknowledgement, SchoolPlan
from web.gate import current_user


def plan_or_404(plan_id: int) -> SchoolPlan:
    """A plan of the user's own school; another school's plan is a 404."""
    try:
        return acknowledgements.plan_for(db.session, current_user(), plan_id)
    except NotFound:
        abort(404)


def acknowledgement_or_404(acknowledgement_id: int) -> Acknowledgement:
    """The user's own kvittering, or one their school's leadership keeps; else a 404."""
    try:
        return acknowledgements.acknowledgement_for(db.session, current_user(), acknowledgement_id)
    except NotFound:
        abort(404)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def acknowledgement_url(acknowledgement_id: int, fmt: str) -> str:
    return url_for(
        "acknowledgements.acknowledgement_file", acknowledgement_id=acknowledgement_id, fmt=fmt
    )


def plan_row(item: acknowledgements.PlanSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "school_year": item.school_year,
        "number": item.number,
        "version": item.version_text,
        "sha256": item.sha256,
        "format": item.format.upper() if item.format == "pdf" else "Word",
        "size": size_text(item.size),
        "published_at": item.published_at,
        "current": item.current,
        "file_url": url_for("acknowledgements.plan_file", plan_id=item.id),
        "register_url": url_for("acknowledgements.register", plan_id=item.id),
    }


def acknowledgement_row(item: acknowledgements.AcknowledgementSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "school_year": item.school_year,
        "version": item.version,
        "signed_at": item.signed_at,
        "docx_url": acknowledgement_url(item.id, "docx"),
        "pdf_url": acknowledgement_url(item.id, "pdf"),
    }


def register_rows(result: acknowledgements.Register) -> list[dict[str, Any]]:
    rows = [
        {
            "name": row.name,
            "title": row.title,
            "signed_at": row.signed_at,
            "earlier_version": row.earlier_version or "",
            "earlier_signed_at": row.earlier_signed_at,
            "docx_url": acknowledgement_url(row.acknowledgement_id, "docx")
            if row.acknowledgement_id
            else "",
        }
        for row in result.rows
    ]
    # Who has not signed first: they are who the rektor follows up.
    rows.sort(key=lambda r: r["signed_at"] is not None)
    return rows


def register_context(page: acknowledgements.RegisterPage | None) -> dict[str, Any]:
    """The register page's values; without a plan, the page that asks the leadership to
    publish the first one."""
    if page is None:
        return {"plan": None, "versions": []}
    return {
        "plan": plan_row(page.plan),
        "rows": register_rows(page.register),
        "signed": page.register.signed,
        "total": page.register.total,
        "versions": [plan_row(v) for v in page.versions],
        "list_url": url_for("acknowledgements.register_docx", plan_id=page.plan.id),
        "merged_pdf_url": url_for("acknowledgements.acknowledgements_pdf", plan_id=page.plan.id),
    }
