"""The one path from form data to a finished document, shared by web and CLI.

validate → context (anonymised) → render → guard. Nothing is returned that has not
passed the guard.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trygg.anonymise import AmbiguousName
from trygg.documents.ack_contexts import kvittering_context, kvitteringsliste_context
from trygg.documents.case_contexts import (
    aktivitetsplan_context,
    evaluering_context,
    meldeskjema_context,
    undersokelse_context,
)
from trygg.documents.context import END_MARKER, DocumentContext
from trygg.documents.filenames import document_filename
from trygg.documents.guard import check_rendered
from trygg.documents.inputs import DocumentInput
from trygg.documents.render import render_docx, template_bytes, template_path
from trygg.documents.validation import InvalidInput, validate_input

_CONTEXT_BUILDERS: dict[str, Callable[[Any], DocumentContext]] = {
    "meldeskjema": meldeskjema_context,
    "undersokelse": undersokelse_context,
    "aktivitetsplan": aktivitetsplan_context,
    "evaluering": evaluering_context,
    "kvittering": kvittering_context,
    "kvitteringsliste": kvitteringsliste_context,
}

SUBJECT = "Opplæringslova kapittel 12: trygt og godt skolemiljø"


@dataclass(frozen=True)
class RenderedDocument:
    docx: bytes
    filename: str
    sha256: str
    title: str


def build_context(kind: str, data: DocumentInput) -> DocumentContext:
    return _CONTEXT_BUILDERS[kind](data)


def render_context(context: DocumentContext, template: bytes) -> RenderedDocument:
    """Render an already built context with the given template bytes, then guard it."""
    docx = render_docx(template, context.variables, context.title, SUBJECT)
    check_rendered(docx, END_MARKER, context.free_texts)
    return RenderedDocument(
        docx=docx,
        filename=document_filename(context.reference, context.kind, context.version),
        sha256=hashlib.sha256(docx).hexdigest(),
        title=context.title,
    )


def render_document(
    kind: str, data: object, template_dir: Path | None = None, template: bytes | None = None
) -> RenderedDocument:
    """Validate `data` for `kind` and render it; raises InvalidInput or BrokenDocument.

    `template` is a municipality's or school's own template; the default otherwise."""
    validated = validate_input(kind, data)
    try:
        context = build_context(kind, validated)
    except AmbiguousName as error:
        # A lone name that fits two people: the user must say which one is meant.
        raise InvalidInput([a.message for a in error.ambiguities]) from error
    if template is None:
        template = template_bytes(template_path(kind, template_dir))
    return render_context(context, template)


__all__ = ["RenderedDocument", "build_context", "render_context", "render_document"]
