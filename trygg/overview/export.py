"""The figures as CSV for a spreadsheet: UTF-8 with a BOM (so Excel reads æøå) and
semicolons (Norwegian Excel reads a comma as the decimal sign). Only what the page
shows: a suppressed count is written as the page writes it."""

from __future__ import annotations

import csv
import io

from trygg.overview.charts import cell_text
from trygg.overview.figures import ShownFigures

HIDDEN_TOTAL = "vises ikke"


def _number(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "under 5"
    if percent:
        return f"{round(value * 100)} %"
    return f"{value:g}".replace(".", ",")


def figures_csv(shown: ShownFigures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Tabell", "Rad", "Antall"])
    writer.writerow(["Periode", shown.period.label, ""])
    writer.writerow(["Omfang", shown.scope, ""])
    for table in shown.tables:
        for cell in table.cells:
            writer.writerow([table.title, cell.label, cell_text(cell.state, cell.shown)])
        if table.partition:
            total = str(table.total) if table.total is not None else HIDDEN_TOTAL
            writer.writerow([table.title, "Sum", total])
    writer.writerow(["Saker etter § 12-5", "", _number(shown.section_12_5)])
    for title, timing in (
        ("Tid til undersøkelse startet (skoledager)", shown.investigation),
        ("Tid til aktivitetsplan (skoledager)", shown.plan),
    ):
        writer.writerow([title, "Saker", _number(timing.count)])
        writer.writerow([title, "Median", _number(timing.median)])
        writer.writerow([title, "Innen fristen", _number(timing.within_share, percent=True)])
    writer.writerow(
        ["Planer evaluert i tide", "Andel", _number(shown.evaluations_on_time, percent=True)]
    )
    writer.writerow(["Planer evaluert i tide", "Evalueringer", _number(shown.evaluations_due)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
