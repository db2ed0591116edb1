"""Every domain error class maps to a deliberate response, in one place (web/errors.py).

The walk imports every module of trygg, collects every subclass of DomainError, and
proves that each is listed in the mapping by name (not merely inherited) and that a real
instance of it, raised inside a real request, gives the page and status decided for it,
with its message for the user on the page and nothing half-done kept.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import trygg
from database import db
from tests.conftest import log_in
from trygg.acknowledgements import PlanSuperseded
from trygg.anonymise import Ambiguity, AmbiguousName, UnreadableDocument
from trygg.anonymise.docx_parts import PackageUnreadable
from trygg.archive import ArchiveDamaged
from trygg.cases.documents import DocumentProblems, EditConflict, NameLeak
from trygg.cases.names_check import NameCheck, NamesToCheck
from trygg.documents import BrokenDocument, InvalidInput
from trygg.documents.isolation import RenderLimitExceeded
from trygg.documents.validation import UnknownKind
from trygg.errors import DomainError, NotAllowed, NotFound, Refused
from trygg.mail import MailError
from trygg.models import Municipality
from trygg.pdf import ConversionFailed, PdfError, PdfUnavailable
from trygg.pdf.client import ConvertersUnreachable
from web.errors import RESPONSES


def all_domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages(trygg.__path__, "trygg."):
        importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


AMBIGUITY = Ambiguity("Ola", 0, 3, ("Elev A", "Elev B"), ("p1", "p2"))

# (instance, status, text the page must show). Each is the decision for its class.
SAMPLES: dict[type[DomainError], tuple[DomainError, int, str]] = {
    DomainError: (DomainError("Dette kan ikke gjøres nå."), 422, "Dette kan ikke gjøres nå."),
    Refused: (Refused("Datoen er i fremtiden.", field="day"), 422, "Datoen er i fremtiden."),
    PlanSuperseded: (PlanSuperseded("En nyere versjon er publisert."), 422, "nyere versjon"),
    NotAllowed: (NotAllowed("nei"), 403, "Ingen tilgang"),
    NotFound: (NotFound("borte"), 404, "Siden finnes ikke"),
    UnknownKind: (UnknownKind(["Ukjent dokumenttype."]), 404, "Siden finnes ikke"),
    DocumentProblems: (DocumentProblems(["Konklusjon mangler."]), 422, "Konklusjon mangler."),
    NameLeak: (NameLeak(["Navnet «Ola» står i PDF-en (side 1)."]), 422, "Navnet «Ola» står"),
    InvalidInput: (InvalidInput(["Dato mangler."]), 422, "Dato mangler."),
    PdfError: (PdfError("PDF kan ikke lages."), 503, "PDF kan ikke lages."),
    PdfUnavailable: (PdfUnavailable("LibreOffice mangler."), 503, "LibreOffice mangler."),
    ConvertersUnreachable: (ConvertersUnreachable("Tjenesten svarer ikke."), 503, "svarer ikke"),
    ConversionFailed: (ConversionFailed("PDF-en ble ikke ferdig."), 503, "ble ikke ferdig"),
    ArchiveDamaged: (ArchiveDamaged("Filen mangler i arkivet."), 500, "Filen kan ikke hentes"),
    BrokenDocument: (BrokenDocument("Dokumentet er skadet."), 500, "Dokumentet er skadet."),
    RenderLimitExceeded: (
        RenderLimitExceeded("Malen bruker for mye minne (over %(limit)d MB).", limit=512),
        422,
        "Malen bruker for mye minne (over 512 MB).",
    ),
    UnreadableDocument: (UnreadableDocument("Ikke en Word-fil."), 422, "Ikke en Word-fil."),
    PackageUnreadable: (
        PackageUnreadable("Filen har doble deler.", "duplicate"),
        422,
        "Filen har doble deler.",
    ),
    AmbiguousName: (AmbiguousName([AMBIGUITY]), 422, "kan være flere personer"),
    NamesToCheck: (NamesToCheck(NameCheck()), 422, "Sjekk navnene"),
    EditConflict: (EditConflict({}, {}, "Kari"), 409, "Kari lagret dokumentet"),
    MailError: (MailError("E-postserveren svarer ikke."), 503, "E-postserveren svarer ikke."),
}


def test_every_domain_error_class_is_listed_by_name() -> None:
    classes = all_domain_errors()
    assert classes - set(RESPONSES) == set()
    # The samples below cover every class, so each mapping is exercised.
    assert classes - set(SAMPLES) == set()


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """A route that changes the database, then raises the error it is told to."""

    @app.route("/test-feil/<name>", methods=["GET", "POST"])
    def raise_error(name: str) -> str:
        db.session.add(Municipality(name=f"Halvferdig {name}"))
        db.session.flush()
        raise SAMPLES[_CLASSES[name]][0]

    # The gate lets nobody through without a login and a rule; this route is a test seam.
    app.view_functions["raise_error"].required_rule = lambda user: True  # type: ignore[attr-defined]
    return app


_CLASSES = {cls.__name__: cls for cls in SAMPLES}


@pytest.mark.parametrize("name", sorted(_CLASSES))
def test_each_error_gives_its_page_and_keeps_nothing(
    failing_app: Flask, demo: dict[str, str], session: Session, name: str
) -> None:
    client: FlaskClient = failing_app.test_client()
    log_in(client, demo["ansatt"])
    _instance, status, text = SAMPLES[_CLASSES[name]]
    response = client.get(f"/test-feil/{name}")
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert text in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    leftovers = session.scalar(
        select(func.count()).select_from(Municipality).where(Municipality.name.like("Halvferdig%"))
    )
    assert leftovers == 0


def test_a_refusal_after_a_button_on_the_case_page_goes_back_with_the_reason(
    app: Flask,
) -> None:
    with app.test_request_context("/saker/7/mottatt", method="POST"):
        request.view_args = {"case_id": 7}
        from web.errors import response_for

        response = response_for(Refused("Saken er allerede mottatt."))
    assert getattr(response, "status_code", None) == 302
    assert response.headers["Location"].endswith("/saker/7")  # type: ignore[union-attr]
