"""The marker render of the pre-flight: every field of the contract gets its own marker.

The hostile render (trygg.documents.hostile) proves a template survives bad text, but it
reuses one text across fields and leaves optional fields out, so a template that hides
a field (`{% if plan_version == '2' %}{{ background }}{% endif %}`) or slices it
(`{{ pupil_voice[:0] }}`) passed it, and then every real document failed. Here every
field the template uses, optional ones included, and every field of each list row holds
a distinct marker ("⟦f07⟧", "⟦f12.2.3⟧"), and each marker must come out in the document.
The end marker's must come out in the last paragraph with text.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from jinja2 import TemplateError
from lxml import etree

from trygg.documents.contract import CHART_FIELDS, CONTRACTS, Var
from trygg.documents.guard import W, document_text, visible_text
from trygg.documents.preflight_words import jinja_reason
from trygg.documents.render import render_docx
from trygg.documents.vocabulary import MARKING

# Two rows: a template that shows only the first row of a list fails.
ROWS = 2


def marker_fixture(kind: str) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The variables, and per marker the (field, how the admin is told about it)."""
    variables: dict[str, Any] = {}
    markers: dict[str, tuple[str, str]] = {}
    for index, var in enumerate(CONTRACTS[kind], 1):
        variables[var.name] = _value(var, index, markers)
    return variables, markers


def _value(var: Var, index: int, markers: dict[str, tuple[str, str]]) -> Any:
    if var.type == "sannhetsverdi":
        # True shows what depends on it (the observations); False shows nothing to check.
        return True
    if var.name == "marking" and not var.required:
        # A kvittering's marking is always empty (contract.ACKNOWLEDGEMENT_COMMON).
        return ""
    if var.type == "liste":
        rows = []
        for row in range(1, ROWS + 1):
            values = {}
            for number, item in enumerate(var.items, 1):
                marker = f"⟦f{index:02d}.{row}.{number}⟧"
                markers[marker] = (var.name, f"«{var.name}[].{item.name}» i rad {row}")
                values[item.name] = marker
            rows.append(values)
        return rows
    marker = f"⟦f{index:02d}⟧"
    markers[marker] = (var.name, f"«{var.name}»")
    return marker


def marker_problems(docx_bytes: bytes, kind: str, used: set[str]) -> list[str]:
    """Why the template loses a field it uses, or ends before its end marker."""
    variables, markers = marker_fixture(kind)
    try:
        rendered = render_docx(docx_bytes, variables, "Kontroll", "Kontroll")
    except TemplateError as exc:
        return [
            f"Malen kunne ikke fylles ut med testdata (ett merke per felt): {jinja_reason(exc)}."
        ]
    except (TypeError, ValueError, ArithmeticError, LookupError):
        return [
            "Malen kunne ikke fylles ut med testdata: en tag gjør noe som ikke går med "
            "verdiene (for eksempel regner med tekst). Skriv feltene ut som de er."
        ]
    text = document_text(rendered).casefold()
    problems: list[str] = []
    reported: set[str] = set()
    for marker, (name, shown) in markers.items():
        # Case-folded: |upper on a date is a layout choice, not a lost field.
        if name not in used or name in reported or marker.casefold() in text:
            continue
        reported.add(name)
        where = f"Merkingen «{MARKING}» står ikke i dokumentet" if name == "marking" else ""
        problems.append(
            (
                f"{where} (feltet {shown})"
                if where
                else f"Feltet {shown} kommer ikke med i dokumentet"
            )
            + ". Det skjules bak en betingelse, kuttes eller filtreres bort i malen; skriv "
            f"det ut med {{{{ {name} }}}} (lister med en løkke over alle radene)."
        )
    problems.extend(_chart_problems(rendered, markers, used))
    end = next((m for m, (name, _) in markers.items() if name == "end_marker"), None)
    if end is not None and "end_marker" not in reported and end.casefold() in text:
        last = _last_paragraph(rendered)
        if end.casefold() not in last.casefold():
            problems.append(
                "Sluttmerket {{ end_marker }} står ikke i siste avsnitt i dokumentet "
                f"(siste avsnitt er «{_short(last)}»). Flytt det til slutt, etter alt annet "
                "innhold: Trygg bruker det til å se at ingenting av dokumentet er tapt."
            )
    return problems


def _body_paragraphs(rendered: bytes) -> list[str]:
    """The text of every paragraph of the body, in table cells too, in document order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(io.BytesIO(rendered)) as archive:
        tree = etree.fromstring(archive.read("word/document.xml"), parser)
    body = tree.find(f"{W}body")
    return [visible_text(p).strip() for p in (body.iter(f"{W}p") if body is not None else ())]


def _last_paragraph(rendered: bytes) -> str:
    return next((t for t in reversed(_body_paragraphs(rendered)) if t), "")


def _chart_problems(
    rendered: bytes, markers: dict[str, tuple[str, str]], used: set[str]
) -> list[str]:
    """A chart becomes a picture only where its variable is a paragraph of its own in the
    body (trygg.overview.report.with_charts); anywhere else the report would show the
    chart's marker as text and no chart."""
    charts = {m: name for m, (name, _) in markers.items() if name in CHART_FIELDS & used}
    if not charts:
        return []
    paragraphs = _body_paragraphs(rendered)
    problems = []
    for marker, name in charts.items():
        if marker in paragraphs:
            continue
        problems.append(
            f"Diagrammet {{{{ {name} }}}} må stå alene i et eget avsnitt i selve dokumentet "
            "(ikke i topp- eller bunntekst, og uten annen tekst i avsnittet): der settes "
            "bildet inn."
        )
    return problems


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
