"""Files sent to the browser, shared by every page that offers a download: the warm PDF
converters, the attachment response, and the pages shown when a file cannot be made."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from trygg.archive import ArchiveDamaged
from trygg.cases.documents import DocumentProblems
from trygg.pdf import ConverterPool, PdfError, shared_pool
from web.gate import settings


def converters() -> ConverterPool | None:
    addresses = settings().converters
    # Only the configured warm service: a cold LibreOffice per request would not scale.
    return shared_pool(addresses) if addresses else None


def attachment(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    # headers.set encodes a non-ASCII name properly (RFC 6266); names are ASCII-folded anyway.
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def damaged_archive(error: ArchiveDamaged) -> tuple[str, int]:
    return render_template(
        "errors/error.html",
        status=500,
        title=gettext("Filen kan ikke hentes"),
        text=gettext(error.message),
    ), 500


def download_failure(
    error: PdfError | DocumentProblems | ArchiveDamaged,
    *,
    word_url: str,
    edit_url: str,
    back_url: str,
) -> tuple[str, int]:
    """The page for a case document that could not be delivered; nothing is kept."""
    db.session.rollback()
    if isinstance(error, PdfError):
        return render_template(
            "documents/pdf_unavailable.html",
            message=gettext(error.message),
            word_url=word_url,
            case_url=back_url,
        ), 503
    if isinstance(error, DocumentProblems):
        return render_template(
            "documents/not_ready.html",
            problems=error.problems,
            edit_url=edit_url,
            case_url=back_url,
        ), 422
    return damaged_archive(error)
