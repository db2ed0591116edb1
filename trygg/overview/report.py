"""The figures page as a PDF report: the same numbers, suppressed as on the page, filled
into a Word template (doc_templates/tallrapport.docx, or the municipality's or school's
own, contract in trygg.documents.contract) and converted to PDF/A by the warm converters.

The charts go in as pictures after docxtpl has rendered: a template gets a marker text
for each chart (`{{ kinds_chart }}`), and the paragraph that holds only that marker
becomes the picture. So the template engine stays the one every document uses, and a
municipality's template decides where each chart stands, as it decides everything else.
No pupil's name is read: the report is made from the page's counts only.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from trygg.accounts.principal import Principal
from trygg.documents.context import END_MARKER, DocumentContext, common_variables
from trygg.documents.contract import FIGURE_KEYS
from trygg.documents.guard import check_rendered
from trygg.documents.isolation import render_limited
from trygg.documents.package import finish_package
from trygg.documents.render import template_bytes, template_path
from trygg.documents.service import render_context
from trygg.documents.template_store import active_template
from trygg.overview.charts import bar_chart_png, cell_text, summary
from trygg.overview.figures import Period, ShownFigures, ShownTiming, figures
from trygg.pdf import ConverterPool, convert_docx_to_pdfa

KIND = "tallrapport"
CHART_WIDTH = Cm(16)
SUPPRESSION_NOTE = (
    "Tall fra 1 til 4 vises som «under 5». Summer og tall som kunne avslørt dem vises "
    "ikke («skjult», eller «–» når en figur har for få saker til å vise noe), slik at "
    "ingen elev kan kjennes igjen. Rapporten har ingen navn."
)
HIDDEN_TOTAL = "vises ikke"


@dataclass(frozen=True)
class FiguresReport:
    pdf: bytes
    filename: str


def _number(value: float | int | None) -> str:
    return "under 5" if value is None else f"{value:g}".replace(".", ",")


def _percent(value: float | None) -> str:
    return "under 5" if value is None else f"{round(value * 100)} %"


def _timing(timing: ShownTiming) -> str:
    if timing.count == 0:
        return "ingen saker"
    median = (
        f"median {_number(timing.median)} skoledager"
        if timing.median is not None
        else "for få saker til å vise median"
    )
    return (
        f"{median}; innen fristen: {_percent(timing.within_share)} (saker: {_number(timing.count)})"
    )


def key_figures(shown: ShownFigures) -> list[dict[str, str]]:
    """The page's "Nøkkeltall", in its words."""
    evaluations = (
        "ingen evaluering var satt til perioden"
        if shown.evaluations_due == 0
        else f"{_percent(shown.evaluations_on_time)} "
        f"(evalueringer: {_number(shown.evaluations_due)})"
    )
    return [
        {"label": "Saker etter § 12-5", "value": _number(shown.section_12_5)},
        {"label": "Fra melding til undersøkelsen startet", "value": _timing(shown.investigation)},
        {"label": "Fra melding til aktivitetsplan", "value": _timing(shown.plan)},
        {"label": "Planer evaluert i tide", "value": evaluations},
    ]


def chart_marker(key: str) -> str:
    return f"⟦diagram:{key}⟧"


def report_context(
    shown: ShownFigures, municipality: str, today: dt.date
) -> tuple[DocumentContext, dict[str, bytes]]:
    """The template's variables, and each chart's PNG by its marker."""
    variables = common_variables(KIND, municipality, shown.scope, shown.period.label, today)
    variables.update(
        {
            # Counts only, small ones suppressed: nothing here is confidential.
            "marking": "",
            "scope": shown.scope,
            "period": shown.period.label,
            "suppression_note": SUPPRESSION_NOTE,
            "key_figures": key_figures(shown),
        }
    )
    charts: dict[str, bytes] = {}
    texts = [shown.scope, shown.period.label]
    for key in FIGURE_KEYS:
        table = shown.table(key)
        rows = [{"label": c.label, "count": cell_text(c.state, c.shown)} for c in table.cells]
        if table.partition:
            total = str(table.total) if table.total is not None else HIDDEN_TOTAL
            rows.append({"label": "Sum", "count": total})
        marker = ""
        if not table.withheld:
            marker = chart_marker(key)
            charts[marker] = bar_chart_png(table, table.title)
        variables.update(
            {
                f"{key}_title": table.title,
                f"{key}_summary": summary(table),
                f"{key}_chart": marker,
                f"{key}_rows": rows,
            }
        )
        texts.append(summary(table))
    title = f"Tall og figurer – {shown.scope}, {shown.period.label}"
    context = DocumentContext(KIND, variables, title, shown.period.label, free_texts=texts)
    return context, charts


def with_charts(document: bytes, charts: dict[str, bytes], alt_texts: dict[str, str]) -> bytes:
    """Each paragraph that holds only a chart's marker becomes that chart's picture, in the
    body and in its table cells (a municipality's template may lay charts out in a table)."""
    word = docx.Document(io.BytesIO(document))
    body = word.element.body
    for element in list(body.iter(qn("w:p"))):
        paragraph = Paragraph(element, word._body)
        marker = paragraph.text.strip()
        if marker not in charts:
            continue
        for run in paragraph.runs:
            paragraph._p.remove(run._r)
        shape = paragraph.add_run().add_picture(io.BytesIO(charts[marker]), width=CHART_WIDTH)
        # The picture's text alternative: the chart's summary, as on the page.
        shape._inline.docPr.set("descr", alt_texts.get(marker, ""))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def figures_report(
    session: Session,
    user: Principal,
    school_id: int | None,
    period: Period,
    today: dt.date,
    converters: ConverterPool | None,
) -> FiguresReport:
    """The figures for the user as a PDF/A report (raises NotFound where the page would,
    and the PDF errors when nothing can convert)."""
    shown = figures(session, user, school_id, period, today)
    context, charts = report_context(shown, user.municipality_name, today)
    uploaded = active_template(session, user.municipality_id, school_id, KIND)
    if uploaded is None:
        rendered = render_context(context, template_bytes(template_path(KIND)))
    else:
        # A municipality's own template runs Jinja we did not write: in the worker.
        rendered = render_limited(context, uploaded)
    alt_texts = {
        chart_marker(key): summary(shown.table(key))
        for key in FIGURE_KEYS
        if chart_marker(key) in charts
    }
    document = finish_package(with_charts(rendered.docx, charts, alt_texts), context)
    check_rendered(document, END_MARKER, context.free_texts)
    pdf = convert_docx_to_pdfa(document, allow_cold=False, converters=converters)
    name = f"tall-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
    return FiguresReport(pdf=pdf, filename=name)
