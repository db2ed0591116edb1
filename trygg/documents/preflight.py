"""Pre-flight check of a Word template before it may be used (e.g. a municipality's own).

Findings are Norwegian. It never raises on a bad file: whatever is wrong becomes a
finding, because the person uploading needs to know what to fix, not a stack trace.
"""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import docx
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError

from trygg.config import TemplateLimits
from trygg.documents.contract import CONTRACTS, required_names, variable_names
from trygg.documents.guard import BrokenDocument, document_text
from trygg.documents.hostile import hostile_input
from trygg.documents.preflight_markers import marker_problems
from trygg.documents.preflight_words import broken_document, jinja_reason, unreadable
from trygg.documents.render import JINJA_ENV
from trygg.documents.service import build_context, render_context
from trygg.documents.template_fonts import missing_fonts
from trygg.documents.template_intake import check_package
from trygg.documents.validation import known_kinds, validate_input
from trygg.documents.vocabulary import MARKING
from trygg.errors import DomainError

Severity = Literal["feil", "advarsel"]

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_SMART_QUOTES = re.compile("[“”‘’„‚«»]")
_SPECIAL_TAG = re.compile(r"\{%\s*(tr|tc|p|r)\s+(.*?)%\}", re.DOTALL)
_PLAIN_LOOP = re.compile(r"\{%-?\s*(for|endfor)\b")
_PARAGRAPH_LOOP = re.compile(r"\{%-?p\s+(for|endfor)\b")
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_CELL = re.compile(r"<w:tc[ >].*?</w:tc>", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str


@dataclass
class PreflightReport:
    kind: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(f.severity == "feil" for f in self.findings)

    def error(self, message: str) -> None:
        self.findings.append(Finding("feil", message))

    def warn(self, message: str) -> None:
        self.findings.append(Finding("advarsel", message))

    def as_text(self) -> str:
        verdict = "AVVIST" if self.refused else "GODKJENT"
        lines = [f"Kontroll av mal for «{self.kind}»: {verdict}"]
        lines += [f"- {f.severity.upper()}: {f.message}" for f in self.findings]
        if not self.findings:
            lines.append("- Ingen funn.")
        return "\n".join(lines)


def _paragraph_text(xml: str) -> str:
    return _XML_TAG.sub("", xml)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _part_xml(template: DocxTemplate) -> list[tuple[str, str]]:
    """(part name, raw XML) for body, headers and footers."""
    parts = [("hoveddelen", template.get_xml())]
    for uri, name in ((template.HEADER_URI, "topptekst"), (template.FOOTER_URI, "bunntekst")):
        for _, part in template.get_headers_footers(uri):
            parts.append((name, template.get_part_xml(part)))
    return parts


def _check_tags(report: PreflightReport, name: str, xml: str, template: DocxTemplate) -> None:
    for paragraph in _PARAGRAPH.findall(xml):
        text = _paragraph_text(paragraph)
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            report.error(f"En tag er delt over flere avsnitt i {name}: «{_short(text)}»")
        for tag in _TAG.findall(text):
            if _SMART_QUOTES.search(tag):
                report.error(
                    f"Typografiske anførselstegn i taggen «{_short(tag)}» i {name}; "
                    "bruk rette anførselstegn (\" eller ')."
                )
        for match in _SPECIAL_TAG.finditer(text):
            if "%" in match.group(2) or "}" in match.group(2):
                report.error(
                    f"«%» eller «}}» inne i {{%{match.group(1)} %}}-taggen "
                    f"«{_short(match.group(0))}» i {name} virker ikke (docxtpl #644)."
                )
    for cell in _CELL.findall(xml):
        loops = [m.group(1) for m in _PLAIN_LOOP.finditer(_paragraph_text(cell))]
        if _PARAGRAPH_LOOP.search(_paragraph_text(cell)):
            # docxtpl removes the tag's paragraph; a cell left without one is a file Word
            # calls unreadable.
            report.error(
                f"En {{%p for %}}-løkke står i en tabellcelle i {name}: "
                f"«{_short(_paragraph_text(cell))}». Det gir celler uten avsnitt, og Word "
                "melder uleselig innhold. Bruk {%tr for %} i en egen rad, eller {% for %} "
                "inne i ett avsnitt."
            )
        if loops.count("for") != loops.count("endfor"):
            report.error(
                f"En løkke i en tabell i {name} bruker {{% for %}} i stedet for "
                f"{{%tr for %}} i en egen rad: «{_short(_paragraph_text(cell))}»"
            )
    # What docxtpl could not join (a tag across fields or paragraphs) keeps XML inside.
    for tag in _TAG.findall(template.patch_xml(xml)):
        if "<" in tag and "{{" in tag[:2]:
            report.error(
                f"Taggen «{_short(_paragraph_text(tag))}» i {name} er delt opp slik at "
                "den ikke kan leses; skriv den på nytt i ett strekk."
            )


def _check_syntax(report: PreflightReport, name: str, xml: str, template: DocxTemplate) -> bool:
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))
    try:
        JINJA_ENV.parse(source)
    except TemplateSyntaxError as exc:
        lines = source.splitlines()
        start = max((exc.lineno or 1) - 2, 0)
        around = " | ".join(
            t for t in (_short(_paragraph_text(x)) for x in lines[start : start + 3]) if t
        )
        report.error(f"Malsyntaksfeil i {name}: {jinja_reason(exc)}. Teksten rundt: «{around}»")
        return False
    return True


def _check_variables(report: PreflightReport, template: DocxTemplate, kind: str) -> set[str]:
    """The contract's variables the template uses; unknown and missing ones refused."""
    used = set(template.get_undeclared_template_variables(jinja_env=JINJA_ENV))
    for unknown in sorted(used - variable_names(kind)):
        report.error(f"Variabelen «{unknown}» finnes ikke i kontrakten for {kind}.")
    for missing in sorted(required_names(kind) - used):
        report.error(f"Påkrevd variabel «{missing}» er ikke brukt i malen.")
    return used & variable_names(kind)


def _render_hostile(
    report: PreflightReport,
    data: bytes,
    kind: str,
    open_with_libreoffice: Callable[[bytes], None] | None,
) -> None:
    if kind not in known_kinds():
        # Made from counts, not from a form (the figures report): no typed text to be
        # hostile with, and the marker render has already filled every field.
        return
    context = build_context(kind, validate_input(kind, hostile_input(kind)))
    try:
        rendered = render_context(context, data).docx
    except TemplateError as exc:
        report.error(f"Malen kunne ikke fylles ut med testdata: {jinja_reason(exc)}.")
        return
    except BrokenDocument as exc:
        report.error(f"Testutfyllingen ga et ødelagt dokument: {broken_document(exc)}")
        return
    except Exception:  # a tag that computes with text, a docxtpl failure: never English
        report.error(
            "Malen kunne ikke fylles ut med testdata: en tag gjør noe som ikke går med "
            "verdiene (for eksempel regner med tekst). Skriv feltene ut som de er."
        )
        return
    try:
        reopened = docx.Document(io.BytesIO(rendered))
        _ = [s.start_type for s in reopened.sections]
    except Exception as exc:  # python-docx has no common base exception
        report.error(f"Det utfylte dokumentet kan ikke åpnes igjen: {unreadable(exc)}")
        return
    text = document_text(rendered)
    # Only the case documents are marked; a kvittering holds nothing confidential.
    if "marking" in required_names(kind) and MARKING not in text:
        report.error(f"Merkingen «{MARKING}» står ikke i dokumentet.")
    if "NUMPAGES" not in _all_xml(rendered):
        report.warn("Bunnteksten viser ikke «Side X av Y» (feltene PAGE og NUMPAGES).")
    if open_with_libreoffice is not None:
        try:
            open_with_libreoffice(rendered)
        except Exception as exc:  # the hook is someone else's converter
            report.error(
                "LibreOffice klarte ikke å åpne det utfylte dokumentet"
                + (f": {exc}" if isinstance(exc, DomainError) else ".")
            )


def _all_xml(docx_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return "".join(
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if n.startswith("word/") and n.endswith(".xml")
        )


def check_template(
    docx_bytes: bytes,
    kind: str,
    open_with_libreoffice: Callable[[bytes], None] | None = None,
    *,
    limits: TemplateLimits | None = None,
) -> PreflightReport:
    """Check a template against the contract of `kind` and test-render it.

    The package is checked first (trygg.documents.template_intake): nothing parses a file
    that could be a zip bomb, declare entities or fetch from outside."""
    report = PreflightReport(kind)
    if kind not in CONTRACTS:
        report.error(f"Ukjent dokumenttype «{kind}». Gyldige: {', '.join(CONTRACTS)}.")
        return report
    package_reasons = check_package(docx_bytes, limits)
    if package_reasons:
        for reason in package_reasons:
            report.error(reason)
        return report
    try:
        template = DocxTemplate(io.BytesIO(docx_bytes))
        template.init_docx()
        parts = _part_xml(template)
    except Exception as exc:  # any odd zip: python-docx raises many kinds
        report.error(f"Filen kan ikke leses som Word-dokument: {unreadable(exc)}")
        return report
    try:
        for name, xml in parts:
            _check_tags(report, name, xml, template)
        syntax_ok = all([_check_syntax(report, name, xml, template) for name, xml in parts])
        if not syntax_ok:
            return report
        used = _check_variables(report, template, kind)
        if not report.refused:
            for problem in marker_problems(docx_bytes, kind, used):
                report.error(problem)
        if not report.refused:
            _render_hostile(report, docx_bytes, kind, open_with_libreoffice)
        for font, fallback in missing_fonts(docx_bytes):
            report.warn(
                f"Skrifttypen «{font}» finnes ikke på PDF-serveren. PDF-en bruker «{fallback}» "
                "i stedet, så linjer og ord kan brytes et annet sted enn i Word."
            )
    except MemoryError:
        # The worker (trygg.documents.isolation) turns this into its memory limit's reason.
        raise
    except Exception:  # the promise: never crash on any .docx, never show Python's words
        report.error(
            "Malen kunne ikke kontrolleres fullt ut: den inneholder noe kontrollen ikke "
            "kan lese. Lagre malen på nytt i Word og prøv igjen."
        )
    return report
