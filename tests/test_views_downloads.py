"""Word and PDF downloads of a case's documents: archived bytes for final documents,
fresh renderings of drafts, access checks, audit, and PDF through the converter."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import docx
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import log_in
from tests.document_pages import archived, documents, download_url, text_of
from tests.factories.cases import NOW, case_at, sara_report
from tests.factories.content import INVESTIGATION
from tests.factories.users import HANDLER, RECTOR, user
from trygg.cases.documents import save_draft
from trygg.cases.workflow import start_document
from trygg.models import AuditEvent
from trygg.pdf import ConverterService

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plain_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_word_file_of_a_final_document_is_the_archived_file(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    [stored] = archived(session, plan, "docx")
    log_in(client, HANDLER)

    response = client.get(download_url(case, plan, "docx"))

    assert response.status_code == 200
    assert response.mimetype == DOCX_TYPE
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={case.reference.replace('/', '-')}_aktivitetsplan_v1.docx"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(response.data).hexdigest() == stored.sha256
    text = plain_text(response.data)
    assert "Elev A" in text
    assert "Jonas Berg" not in text and "Jonas" not in text
    session.expire_all()
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "document.downloaded")
    ).scalar_one()
    assert event.object_id == str(case.id)
    assert json.loads(event.details) == {"document": plan.id, "format": "docx"}


def test_a_draft_is_rendered_fresh_and_not_archived(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    handler = user(session, HANDLER)
    draft = start_document(session, case, "undersokelse", handler, NOW)
    save_draft(session, case, draft, {**draft.data, **INVESTIGATION}, draft.revision, handler, NOW)
    session.commit()
    log_in(client, RECTOR)

    response = client.get(download_url(case, draft, "docx"))

    assert response.status_code == 200 and response.mimetype == DOCX_TYPE
    text = plain_text(response.data)
    assert "Elev A" in text and "Jonas" not in text
    assert archived(session, draft, "docx") == []


def test_an_unfinished_draft_says_what_is_missing(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    draft = start_document(session, case, "undersokelse", user(session, HANDLER), NOW)
    session.commit()
    log_in(client, HANDLER)

    response = client.get(download_url(case, draft, "docx"))

    assert response.status_code == 422
    shown = text_of(response)
    assert "Utkastet kan ikke lastes ned ennå" in shown and "Analyse" in shown


def test_other_schools_other_cases_and_other_roles_get_nothing(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    other = case_at(
        session,
        tmp_path,
        "received",
        report=sara_report(pupil_name="Ola Nordmann", pupil_class="7A"),
    )
    [plan] = documents(session, case.id, "aktivitetsplan")
    [report] = documents(session, other.id, "meldeskjema")

    log_in(client, "rektor.vestreaker@demo.trygg.no")
    assert client.get(download_url(case, plan, "docx")).status_code == 404

    log_in(client, RECTOR)
    assert client.get(f"/saker/{case.id}/dokumenter/{report.id}/docx").status_code == 404
    assert client.get(download_url(case, plan, "odt")).status_code == 404
    assert client.get(download_url(other, report, "docx")).status_code == 200

    log_in(client, demo["skoleeier"])  # the case was not routed to the school owner
    assert client.get(download_url(case, plan, "docx")).status_code == 404
    log_in(client, demo["ansatt"])
    assert client.get(download_url(case, plan, "docx")).status_code == 403


def test_pdf_without_a_converter_explains_that_word_still_works(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    log_in(client, HANDLER)

    response = client.get(download_url(case, plan, "pdf"))

    assert response.status_code == 503
    shown = text_of(response)
    assert "PDF er ikke tilgjengelig akkurat nå" in shown
    assert "Word-filen (.docx) kan fortsatt lastes ned." in shown
    assert f'href="{download_url(case, plan, "docx")}"' in shown
    assert archived(session, plan, "pdf") == []


@pytest.mark.libreoffice
def test_pdf_of_a_final_document_is_made_once_and_archived(
    converter: ConverterService,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    [source] = archived(session, plan, "docx")
    log_in(client, HANDLER)

    first = client.get(download_url(case, plan, "pdf"))

    assert first.status_code == 200, text_of(first)[:2000]
    assert first.mimetype == "application/pdf" and first.data.startswith(b"%PDF")
    assert first.headers["Content-Disposition"].endswith("_aktivitetsplan_v1.pdf")
    [stored] = archived(session, plan, "pdf")
    assert stored.sha256 == hashlib.sha256(first.data).hexdigest()
    info = PdfReader(io.BytesIO(first.data)).metadata
    assert info is not None and info.title == "Aktivitetsplan, versjon 1"
    assert case.reference in (info.subject or "")
    assert source.sha256 in (info.get("/Keywords") or "")

    again = client.get(download_url(case, plan, "pdf"))
    assert again.data == first.data
    assert len(archived(session, plan, "pdf")) == 1
