"""The kvittering as PDF/A: made once from the archived Word file through the warm
converter service, archived beside it and served from there afterwards; without the
service the employee is told so and keeps the Word file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import publish_direct, sign_direct
from tests.admin_pages import audit_events
from tests.conftest import log_in
from tests.factories.cases import archive_for
from trygg.models import Acknowledgement
from trygg.pdf import ConverterService


def the_acknowledgement(session: Session) -> Acknowledgement:
    session.expire_all()
    return session.execute(select(Acknowledgement)).scalar_one()


def signed_by_teacher(session: Session, demo: dict[str, str], tmp_path: Path) -> Acknowledgement:
    plan = publish_direct(session, tmp_path)
    sign_direct(session, tmp_path, demo["kontaktlaerer"], plan)
    return the_acknowledgement(session)


def test_without_the_pdf_service_the_word_file_is_offered(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    ack = signed_by_teacher(session, demo, tmp_path)
    log_in(client, demo["kontaktlaerer"])
    # The one PDF-unavailable page (web/errors.py), with the link to the Word file.
    response = client.get(f"/skolens-plan/kvittering/{ack.id}/pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "PDF-tjenesten er ikke satt opp" in page
    assert f'href="/skolens-plan/kvittering/{ack.id}/docx"' in page and 'href="None"' not in page
    assert the_acknowledgement(session).pdf_sha256 is None
    assert audit_events(session, "acknowledgement.downloaded") == []


@pytest.mark.libreoffice
def test_the_pdf_is_made_once_archived_and_says_who_signed(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    converter: ConverterService,
) -> None:
    ack = signed_by_teacher(session, demo, tmp_path)
    log_in(client, demo["kontaktlaerer"])
    first = client.get(f"/skolens-plan/kvittering/{ack.id}/pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    stored = the_acknowledgement(session)
    assert stored.pdf_sha256 is not None
    assert archive_for(tmp_path).get(stored.pdf_sha256, "pdf") == first.data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.data)).pages)
    assert "Per Olsen" in text and stored.plan.sha256 in text.replace("\n", "")
    # The second time it comes from the archive, byte for byte.
    assert client.get(f"/skolens-plan/kvittering/{ack.id}/pdf").data == first.data
    formats = [e.details for e in audit_events(session, "acknowledgement.downloaded")]
    assert len(formats) == 2 and all('"pdf"' in (d or "") for d in formats)
