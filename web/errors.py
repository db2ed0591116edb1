"""Error pages in Norwegian, and the one place that maps each kind of domain error to what
the user sees.

Every class of trygg's DomainError hierarchy is listed in RESPONSES by name, so a new kind
is a deliberate decision (tests/test_error_mapping.py walks them all). Views catch only
what they show on their own form; everything else propagates here. Each of these
responses is an error status, or discards the request's changes, so the request's
transaction is rolled back (web.lifecycle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from trygg.acknowledgements import PlanSuperseded
from trygg.anonymise import AmbiguousName, UnreadableDocument
from trygg.anonymise.docx_parts import PackageUnreadable
from trygg.archive import ArchiveDamaged
from trygg.cases.documents import DocumentProblems, EditConflict, NameLeak
from trygg.cases.names_check import NamesToCheck
from trygg.documents import BrokenDocument, InvalidInput
from trygg.documents.isolation import RenderLimitExceeded
from trygg.documents.validation import UnknownKind
from trygg.errors import DomainError, NotAllowed, NotFound, Refused
from trygg.mail import MailError
from trygg.pdf import ConversionFailed, PdfError, PdfUnavailable
from trygg.pdf.client import ConvertersUnreachable
from web.lifecycle import discard_changes

MESSAGES = {
    400: ("Noe var galt med forespørselen", "Prøv igjen fra forrige side."),
    403: ("Ingen tilgang", "Du har ikke tilgang til denne siden."),
    404: ("Siden finnes ikke", "Sjekk adressen, eller gå tilbake til forsiden."),
    405: ("Ikke tillatt", "Denne handlingen kan ikke gjøres slik."),
    500: ("Noe gikk galt hos oss", "Feilen er logget. Prøv igjen om litt."),
}

Page = tuple[str, int] | Response


def page(status: int, detail: str | None = None, title: str | None = None) -> tuple[str, int]:
    default_title, text = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or gettext(default_title),
            text=detail or gettext(text),
            back_url=_links().get("back"),
        ),
        status,
    )


def offer_links(*, word_url: str | None = None, edit_url: str | None = None) -> None:
    """Links the error pages of this request may offer: the Word file when a PDF cannot
    be made, the form when a document is not ready."""
    g.trygg_links = {"word": word_url, "edit": edit_url}


def _links() -> dict[str, str | None]:
    links: dict[str, str | None] = dict(g.get("trygg_links") or {})
    case_id = (request.view_args or {}).get("case_id")
    links["back"] = url_for("cases.show", case_id=case_id) if case_id else None
    return links


def _message(error: DomainError) -> str:
    return gettext(error.message, **error.params)


def _refused(error: DomainError) -> Page:
    """Refused outside a form: back to the case the button was on, with the reason, or a
    page with the reason. Nothing the request did is kept."""
    discard_changes()
    back = _links()["back"]
    if back and request.method == "POST":
        flash(_message(error), "error")
        return redirect(back)
    return page(422, _message(error), gettext("Det gikk ikke"))


def _not_allowed(error: DomainError) -> Page:
    return page(403)


def _not_found(error: DomainError) -> Page:
    return page(404)


def _not_ready(error: DomainError) -> Page:
    assert isinstance(error, DocumentProblems)
    links = _links()
    return render_template(
        "documents/not_ready.html",
        problems=error.problems,
        edit_url=links.get("edit") or links["back"],
        case_url=links["back"],
    ), 422


def _name_leak(error: DomainError) -> Page:
    assert isinstance(error, NameLeak)
    links = _links()
    return render_template(
        "documents/name_leak.html",
        problems=error.problems,
        edit_url=links.get("edit"),
        case_url=links["back"],
    ), 422


def _invalid_input(error: DomainError) -> Page:
    assert isinstance(error, InvalidInput)
    return render_template(
        "documents/not_ready.html",
        problems=error.problems,
        edit_url=_links().get("edit") or _links()["back"],
        case_url=_links()["back"],
    ), 422


def _pdf_unavailable(error: DomainError) -> Page:
    links = _links()
    return render_template(
        "documents/pdf_unavailable.html",
        message=_message(error),
        word_url=links.get("word"),
        case_url=links["back"],
    ), 503


def _archive_damaged(error: DomainError) -> Page:
    return page(500, _message(error), gettext("Filen kan ikke hentes"))


def _broken_document(error: DomainError) -> Page:
    return page(500, _message(error), gettext("Dokumentet kunne ikke lages"))


def _unreadable(error: DomainError) -> Page:
    return page(422, _message(error), gettext("Filen kan ikke leses"))


def _conflict(error: DomainError) -> Page:
    return page(409, _message(error), gettext("Noen andre lagret samtidig"))


def _names_to_check(error: DomainError) -> Page:
    return page(422, _message(error), gettext("Sjekk navnene"))


def _mail_failed(error: DomainError) -> Page:
    return page(503, _message(error), gettext("E-posten ble ikke sendt"))


RESPONSES: dict[type[DomainError], Callable[[DomainError], Page]] = {
    DomainError: _refused,
    Refused: _refused,
    PlanSuperseded: _refused,
    NotAllowed: _not_allowed,
    NotFound: _not_found,
    UnknownKind: _not_found,
    DocumentProblems: _not_ready,
    NameLeak: _name_leak,
    InvalidInput: _invalid_input,
    PdfError: _pdf_unavailable,
    PdfUnavailable: _pdf_unavailable,
    ConvertersUnreachable: _pdf_unavailable,
    ConversionFailed: _pdf_unavailable,
    ArchiveDamaged: _archive_damaged,
    BrokenDocument: _broken_document,
    RenderLimitExceeded: _refused,
    UnreadableDocument: _unreadable,
    PackageUnreadable: _unreadable,
    AmbiguousName: _names_to_check,
    NamesToCheck: _names_to_check,
    EditConflict: _conflict,
    MailError: _mail_failed,
}


def response_for(error: DomainError) -> Page:
    # The nearest listed class decides; the test proves every class is listed itself.
    for cls in type(error).__mro__:
        if cls in RESPONSES:
            return RESPONSES[cls](error)
    raise TypeError(f"no response for {type(error).__name__}")  # unreachable: root listed


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        app.logger.warning("CSRF refused: %s", error.description)
        return page(
            400,
            gettext(
                "Skjemaet kunne ikke sendes fordi sikkerhetsnøkkelen mangler eller er utløpt. "
                "Gå tilbake, last siden på nytt og send igjen."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return page(error.code or 500)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        return response_for(error)
