"""The document engine: validated input → anonymised context → docx → guard.

Public entry points are re-exported here; web views and CLI commands use only these.
"""

from trygg.documents.anonymisation import anonymiser_for
from trygg.documents.filenames import document_filename
from trygg.documents.guard import BrokenDocument
from trygg.documents.preflight import Finding, PreflightReport, check_template
from trygg.documents.service import RenderedDocument, render_document
from trygg.documents.validation import (
    InvalidInput,
    input_schema,
    known_kinds,
    template_kinds,
    validate_input,
)

__all__ = [
    "BrokenDocument",
    "Finding",
    "InvalidInput",
    "PreflightReport",
    "RenderedDocument",
    "anonymiser_for",
    "check_template",
    "document_filename",
    "input_schema",
    "known_kinds",
    "render_document",
    "template_kinds",
    "validate_input",
]
