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
from trygg.documents.ack_contexts import acknowledgement_context, acknowledgement_list_context
from trygg.documents.case_contexts import (
    activity_plan_context,
    closing_context,
    evaluation_context,
    investigation_context,
    report_context,
)
from trygg.documents.context import END_MARKER, DocumentContext
from trygg.documents.filenames import document_filename
from trygg.documents.guard import check_rendered
from trygg.documents.inputs import DocumentInput
from trygg.documents.isolation import render_limited
from trygg.documents.render import render_finished, template_bytes, template_path
from trygg.documents.validation import InvalidInput, validate_input

_CONTEXT_BUILDERS: dict[str, Callable[[Any], DocumentContext]] = {
    "meldeskjema": report_context,
    "undersokelse": investigation_context,
    "aktivitetsplan": activity_plan_context,
    "evaluering": evaluation_context,
    "avslutning": closing_context,
    "kvittering": acknowledgement_context,
    "kvitteringsliste": acknowledgement_list_context,
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
    docx = render_finished(template, context, SUBJECT)
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

    `template` is a municipality's or school's own template, rendered in a worker process
    within the render limits (RenderLimitExceeded); the default otherwise."""
    validated = validate_input(kind, data)
    try:
        context = build_context(kind, validated)
    except AmbiguousName as error:
        # A lone name that fits two people: the user must say which one is meant.
        raise InvalidInput([a.message for a in error.ambiguities]) from error
    if template is None:
        # Trygg's own template: code we wrote, rendered here.
        return render_context(context, template_bytes(template_path(kind, template_dir)))
    # A municipality's or school's upload runs Jinja code and parses XML we did not write.
    return render_limited(context, template)


__all__ = ["RenderedDocument", "build_context", "render_context", "render_document"]
