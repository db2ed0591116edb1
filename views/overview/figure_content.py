"""What the figures page and its CSV show: the suppressed tables as rows of text, each
chart as inline SVG (styled by static/css/charts.css), and the choices of school and
school year."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from database import db
from trygg.accounts.roles import SKOLEEIER
from trygg.models import School
from trygg.overview.charts import bar_chart, cell_text, summary
from trygg.overview.export import figures_csv
from trygg.overview.figures import Period, ShownFigures, school_year_of
from trygg.overview.suppression import Table
from views.cases.loading import today
from web.files import attachment
from web.gate import current_user

# The charts drawn; the other tables are shown as tables only.
CHARTS = ("reports_per_month", "kinds", "arenas", "grades", "outcomes")


def _table(table: Table) -> dict[str, Any]:
    title = gettext(table.title)
    drawn = table.key in CHARTS and not table.withheld
    svg = bar_chart(table, title, chart_id=f"chart-{table.key}") if drawn else ""
    return {
        "key": table.key,
        "title": title,
        "rows": [(c.label, cell_text(c.state, c.shown), c.state) for c in table.cells],
        "partition": table.partition,
        "total": table.total,
        "summary": summary(table),
        # Built by pygal from the shown numbers and fixed labels (escaped by it), with the
        # title and summary escaped in charts.accessible.
        "chart": Markup(svg),  # noqa: S704
    }


def _percent(value: float | None) -> str:
    return f"{round(value * 100)} %" if value is not None else gettext("under 5")


def _number(value: float | int | None) -> str:
    if value is None:
        return gettext("under 5")
    return f"{value:g}".replace(".", ",")


def figure_page(shown: ShownFigures, school_id: int | None, period: Period) -> dict[str, Any]:
    user = current_user()
    schools = (
        list(
            db.session.execute(
                select(School.id, School.name)
                .where(School.municipality_id == user.municipality_id)
                .order_by(School.name)
            )
        )
        if user.role == SKOLEEIER
        else []
    )
    this_year = school_year_of(today()).start.year
    args: dict[str, Any] = {"fra": period.start.isoformat(), "til": period.end.isoformat()}
    if school_id is not None and user.role == SKOLEEIER:
        args["skole"] = school_id
    return {
        "title": gettext("Tall og figurer"),
        "figures": shown,
        "tables": [_table(t) for t in shown.tables],
        "section_12_5": _number(shown.section_12_5),
        "timings": [
            (gettext("Fra melding til undersøkelsen startet"), shown.investigation),
            (gettext("Fra melding til aktivitetsplan"), shown.plan),
        ],
        "number": _number,
        "percent": _percent,
        "evaluations_on_time": _percent(shown.evaluations_on_time),
        "evaluations_due": _number(shown.evaluations_due),
        "schools": schools,
        "school_id": school_id,
        "owner": user.role == SKOLEEIER,
        "years": [this_year - i for i in range(0, 4)],
        "period": period,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "csv_url": url_for("overview.figures_csv", **args),
        "pdf_url": url_for("overview.figures_pdf", **args),
    }


def csv_response(shown: ShownFigures) -> Response:
    name = f"tall-{shown.period.start.isoformat()}-{shown.period.end.isoformat()}.csv"
    return attachment(figures_csv(shown), "text/csv", name)
