"""The figures as SVG charts, drawn on the server with pygal.

Why pygal: it is a maintained, pure-Python charting library made for SVG (no browser
script is needed to draw, nothing is fetched from elsewhere), small beside matplotlib,
and its bars carry their values as text, so a chart reads in black and white.

A chart is drawn from the numbers a page may show only (suppression.Table after
`protect`): a suppressed cell gets no bar and says "under 5" or "skjult" in its label,
so the SVG never carries a hidden count. pygal's inline script (it wires tooltips) and its
inline styles are removed: the pages' policy allows neither, so the chart goes inline in
the page and its styles come from static/css/charts.css (made by `stylesheet`). Each chart
gets a <title> and a <desc> (the text summary), and role="img".

For the Word and PDF report the same chart is drawn as PNG (`bar_chart_png`) with
CairoSVG, the renderer pygal itself uses for PNG: a PDF made by LibreOffice from a Word
file is surest with a bitmap, and drawing the picture from the very SVG keeps one
drawing of each chart (needs Debian's libcairo2).
"""

from __future__ import annotations

import re
import sys
from html import escape, unescape

import cairosvg  # type: ignore[import-untyped]
import pygal
from pygal.style import Style

from trygg.overview.suppression import HIDDEN, UNDER_5, WITHHELD, Table

# pygal adds an import hook for its optional map plugins (pygal.maps.*) that has only the
# legacy find_module API, so Python warns on every later import that passes it (and the
# tests run with warnings as errors). Trygg draws no maps: the hook is taken out again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

# Dark bars on white, black text: the contrast holds on a black-and-white printer.
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#4a4a4a",
    colors=("#1f4e79",),
    font_family="Arial, Helvetica, sans-serif",
    value_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
    title_font_size=15,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")
_INLINE_STYLE = re.compile(r'\sstyle="[^"]*"')
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")

SUPPRESSED_WORDS = {UNDER_5: "under 5", HIDDEN: "skjult", WITHHELD: "–"}
WITHHELD_SUMMARY = "For få saker til å vise tallene."


def cell_text(state: str, count: int | None) -> str:
    return SUPPRESSED_WORDS.get(state, str(count))


def summary(table: Table) -> str:
    """One sentence a screen reader reads for the chart: the largest shown row and what
    is hidden (Norwegian; the page shows the same words)."""
    if table.withheld:
        return WITHHELD_SUMMARY
    shown = [(c.label, c.shown) for c in table.cells if c.shown is not None]
    hidden = [c.label for c in table.cells if c.shown is None]
    parts = []
    if shown and max(n for _, n in shown if n is not None) > 0:
        label, count = max(shown, key=lambda item: item[1] or 0)
        parts.append(f"Høyeste viste tall: {label} ({count}).")
    else:
        parts.append("Ingen saker å vise.")
    if hidden:
        parts.append("Små tall er skjult: " + ", ".join(hidden) + ".")
    return " ".join(parts)


def _chart(cells: int, title: str) -> pygal.HorizontalBar:
    return pygal.HorizontalBar(
        style=_STYLE,
        js=[],
        show_legend=False,
        print_values=True,
        width=720,
        height=max(180, 36 * cells + 80),
        disable_xml_declaration=True,
        show_y_guides=False,
        truncate_label=-1,
        title=title,
        no_data_text="Ingen data",
    )


def bar_chart(table: Table, title: str, *, chart_id: str) -> str:
    """The table as a horizontal bar chart: SVG to put inline in a page, without its own
    styles (the pages allow no inline style; static/css/charts.css holds them)."""
    svg = str(_filled(table, title).render(is_unicode=True))
    return accessible(svg, title, summary(table), chart_id)


def _filled(table: Table, title: str) -> pygal.HorizontalBar:
    chart = _chart(len(table.cells), title)
    # Horizontal bars are drawn bottom-up; reversed, the table's first row is on top.
    cells = list(reversed(table.cells))
    chart.x_labels = [
        c.label if c.shown is not None else f"{c.label} ({SUPPRESSED_WORDS[c.state]})"
        for c in cells
    ]
    chart.add("Antall", [c.shown for c in cells])
    return chart


def bar_chart_png(table: Table, title: str) -> bytes:
    """The same chart as a PNG for the Word report (trygg.overview.report), drawn from
    pygal's own SVG with its styles by CairoSVG at twice the size, sharp in print. The
    picture carries only the shown numbers, as the SVG does."""
    svg = _SCRIPT.sub("", str(_filled(table, title).render(is_unicode=True)))
    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2, unsafe=False)
    return png


def stylesheet() -> str:
    """pygal's styles for these charts, for every chart at once: static/css/charts.css is
    this text (tests/test_figures.py keeps the two equal when pygal changes)."""
    svg = str(_chart(1, "").render(is_unicode=True))
    # The SVG is XML, so its style text has ">" as "&gt;"; a stylesheet has it plain.
    rules = "\n".join(
        _CHART_ID.sub(".pygal-chart", unescape(rule)) for rule in _STYLE_ELEMENT.findall(svg)
    )
    return "/* Generated from pygal's styles by trygg.overview.charts.stylesheet(). */\n" + rules


def accessible(svg: str, title: str, description: str, chart_id: str) -> str:
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    svg = _INLINE_STYLE.sub("", _STYLE_ELEMENT.sub("", svg))
    opening = (
        f'<svg\\1 role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return _SVG_OPEN.sub(opening, svg, count=1)
