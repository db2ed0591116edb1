"""Issue 16: the rektor's week ("Oversikt"), the school owner's schools, and the year's
figures with their charts and CSV. Each page loads through one domain function; every
view of case data is written to the audit trail, as the case list is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from trygg import audit
from trygg.accounts.permissions import (
    can_view_figures,
    can_view_owner_overview,
    can_view_school_figures,
    can_view_week_overview,
)
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.formats import date_text
from trygg.cases import overview as case_overview
from trygg.models import School
from trygg.overview import owner, week
from trygg.overview.figures import Period, figures, school_year, school_year_of
from trygg.overview.report import figures_report
from views.cases.loading import now, today
from views.cases.page_content import deadline_badges
from views.overview.figure_content import csv_response, figure_page
from web.files import attachment, converters
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("overview", __name__)

YES = ("1", "ja", "on", "true")
BUCKET_TITLES = {
    week.REPORTED: "Meldt",
    week.INVESTIGATING: "Under undersøkelse",
    week.PLAN_ACTIVE: "Plan aktiv",
    week.TO_EVALUATE: "Til evaluering",
    week.CLOSED_RECENTLY: "Avsluttet siste 30 dager",
}


def _case(row: week.WeekCase, names: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "reference": row.reference,
        # Names only when asked for: the page is printed and lies on a meeting table.
        "pupil": row.pupil_name if names else "",
        "class": row.pupil_class,
        "handler": row.handler,
        "serious": row.serious,
        "section_12_5": row.section_12_5,
        "days": row.school_days_since_report,
        "informed": date_text(row.rektor_informed_on) if row.rektor_informed_on else "",
        "next": deadline_badges(row.deadlines[:1]),
        "late": [{"filed": date_text(r.filed_on), "days": r.school_days} for r in row.late_reports],
    }


def _due(item: week.DueItem, names: bool) -> dict[str, Any]:
    return {
        "case": _case(item.case, names),
        "deadline": deadline_badges([item.deadline])[0],
        "days": item.school_days,
    }


@bp.route("/oversikt")
@requires(can_view_week_overview)
def week_page() -> str:
    user = current_user()
    grade_arg = request.args.get("trinn", "")
    grade = int(grade_arg) if grade_arg.isdigit() and len(grade_arg) <= 2 else None
    filters = week.WeekFilter(grade=grade, class_name=request.args.get("klasse", "")[:40])
    names = request.args.get("vis_navn", "") in YES
    printable = request.args.get("utskrift", "") in YES
    result = week.week_overview(db.session, user, today(), filters)
    audit.record(
        db.session,
        audit_initiator(),
        "overview.week_viewed",
        "case",
        "",
        {"cases": [c.id for c in result.cases], "names": names},
        now=now(),
    )
    return render_template(
        "overview/week.html",
        title=gettext("Oversikt"),
        overview=result,
        today=date_text(result.today),
        week_end=date_text(result.week_end),
        buckets=[
            (key, gettext(BUCKET_TITLES[key]), [_case(c, names) for c in result.by_bucket[key]])
            for key in week.BUCKETS
        ],
        overdue=[_due(i, names) for i in result.overdue],
        due_this_week=[_due(i, names) for i in result.due_this_week],
        evaluations=[_due(i, names) for i in result.evaluations],
        without_handler=[_case(c, names) for c in result.without_handler],
        serious=[_case(c, names) for c in result.serious],
        late=[_case(c, names) for c in result.with_late_reports],
        filters=filters,
        names=names,
        printable=printable,
    )


@bp.route("/oversikt/skoleeier")
@requires(can_view_owner_overview)
def owner_page() -> str:
    user = current_user()
    statuses = owner.school_statuses(db.session, user, today())
    # The cases behind the numbers that the owner may open: its own inbox's overdue ones.
    mine = case_overview.list_cases(
        db.session, user, today(), case_overview.CaseFilter(overdue_only=True)
    )
    audit.record(
        db.session,
        audit_initiator(),
        "overview.owner_viewed",
        "case",
        "",
        {"schools": len(statuses), "cases": [r.id for r in mine.rows]},
        now=now(),
    )
    return render_template(
        "overview/owner.html",
        title=gettext("Skolene"),
        statuses=statuses,
        cases=[
            {
                "id": r.id,
                "reference": r.reference,
                "school": r.school,
                "deadlines": deadline_badges(r.deadlines),
            }
            for r in mine.rows
        ],
        today=date_text(today()),
    )


def _period() -> Period:
    """The school year asked for, or a chosen period; this school year by default."""
    start, end = request.args.get("fra", ""), request.args.get("til", "")
    try:
        if start and end:
            period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
            if period.start <= period.end and (period.end - period.start).days <= 366 * 5:
                return period
    except ValueError:
        pass
    year = request.args.get("skolear", "")
    if year.isdigit() and len(year) == 4:
        return school_year(int(year))
    return school_year_of(today())


def _school_id() -> int | None:
    user = current_user()
    if user.role != SKOLEEIER:
        return user.school_id
    value = request.args.get("skole", "")
    if not value.isdigit() or len(value) > 9:
        return None
    school = db.session.get(School, int(value))
    if school is None or school.municipality_id != user.municipality_id:
        abort(404)
    return school.id


def _figures_args() -> tuple[int | None, Period]:
    school_id = _school_id()
    if not can_view_school_figures(current_user(), school_id):
        abort(404)
    return school_id, _period()


@bp.route("/oversikt/tall")
@requires(can_view_figures)
def figures_page() -> str:
    school_id, period = _figures_args()
    shown = figures(db.session, current_user(), school_id, period, today())
    audit.record(
        db.session,
        audit_initiator(),
        "overview.figures_viewed",
        "school",
        school_id or "",
        {"from": period.start.isoformat(), "to": period.end.isoformat()},
        now=now(),
    )
    return render_template("overview/figures.html", **figure_page(shown, school_id, period))


@bp.route("/oversikt/tall.csv")
@requires(can_view_figures)
def figures_csv() -> Response:
    school_id, period = _figures_args()
    shown = figures(db.session, current_user(), school_id, period, today())
    audit.record(
        db.session,
        audit_initiator(),
        "overview.figures_exported",
        "school",
        school_id or "",
        {"from": period.start.isoformat(), "to": period.end.isoformat()},
        now=now(),
    )
    return csv_response(shown)


@bp.route("/oversikt/tall.pdf")
@requires(can_view_figures)
def figures_pdf() -> Response:
    school_id, period = _figures_args()
    report = figures_report(db.session, current_user(), school_id, period, today(), converters())
    audit.record(
        db.session,
        audit_initiator(),
        "overview.figures_report",
        "school",
        school_id or "",
        {"from": period.start.isoformat(), "to": period.end.isoformat()},
        now=now(),
    )
    return attachment(report.pdf, "application/pdf", report.filename)
