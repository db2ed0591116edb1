"""PDFs leaving the case page: the whole case as one PDF with bookmarks (a background job
since the direct download was retired), a password-protected copy to send home (AES-256, the archive copy untouched), both audited, and the
leak scanner over the PDF's own text."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.case_pdf_job import whole_case_pdf
from tests.conftest import log_in
from tests.document_pages import audit_details, documents, send_home, text_of
from tests.factories.cases import archive_for, case_at
from tests.factories.users import HANDLER
from trygg.cases.downloads import pdf_leak_problems
from trygg.models import ArchivedFile, AuditEvent
from trygg.pdf import ConverterService, convert_docx_to_pdfa, shared_pool

# Every test here converts: the app of each converts through the module's converter.
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("converter")]


def test_the_whole_case_as_one_pdf_with_a_bookmark_per_document(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)
    page = text_of(client.get(f"/saker/{case.id}"))
    # Only the job's button: the direct download is retired (an old link leads back here).
    assert f'action="/saker/{case.id}/samlet-pdf"' in page
    assert "samlet.pdf" not in page
    old = client.get(f"/saker/{case.id}/samlet.pdf")
    assert old.status_code == 302
    assert old.headers["Location"] == f"/saker/{case.id}#dokumenter"
    assert "Lag hele saken som PDF" in text_of(client.get(old.headers["Location"]))
    # The old address tells nobody else the case exists (not routed to the school owner).
    owner = client.application.test_client()
    log_in(owner, demo["skoleeier"])
    assert owner.get(f"/saker/{case.id}/samlet.pdf").status_code == 404

    made = whole_case_pdf(client, session, case.id)

    response = made.download
    assert response is not None and response.status_code == 200, made.page[:2000]
    assert response.headers["Content-Disposition"].endswith("_saksdokumenter.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    assert titles == [
        "Meldeskjema nr. 1",
        "Grunnlag for dokumentasjonsplikten",
        "Aktivitetsplan, versjon 1",
    ]
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Elev A" in text and "Jonas" not in text
    assert audit_details(session, case, "case.bundle_downloaded") == [{"job": made.job.id}]


def test_a_password_protected_copy_for_home_leaves_the_archive_alone(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    url = f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem"
    log_in(client, HANDLER)
    assert f'href="{url}"' in text_of(client.get(f"/saker/{case.id}"))

    short = send_home(client, url, "kort", "kort")
    assert short.status_code == 200 and "Passordet må ha minst 10 tegn." in text_of(short)
    differ = send_home(client, url, "langt-passord-1", "langt-passord-2")
    assert "Passordene er ikke like." in text_of(differ)
    assert audit_details(session, case, "document.home_copy") == []

    response = send_home(client, url, "sommerfugl-42", "sommerfugl-42")

    assert response.status_code == 200, text_of(response)[:2000]
    assert response.headers["Content-Disposition"].endswith("_aktivitetsplan_v1_passord.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.is_encrypted
    assert reader.decrypt("feil-passord").name == "NOT_DECRYPTED"
    assert reader.decrypt("sommerfugl-42").name != "NOT_DECRYPTED"
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6  # AES-256
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Sara Nilsen" in text and "Elev A" in text and "Jonas" not in text
    # The archive keeps its PDF/A, unencrypted; the password is never recorded.
    session.expire_all()
    [stored] = session.execute(
        select(ArchivedFile).where(
            ArchivedFile.document_id == plan.id, ArchivedFile.format == "pdf"
        )
    ).scalars()
    assert not PdfReader(io.BytesIO(archive_for(tmp_path).get(stored.sha256, "pdf"))).is_encrypted
    assert audit_details(session, case, "document.home_copy") == [{"document": plan.id}]
    events = session.execute(select(AuditEvent.details)).scalars()
    assert not any("sommerfugl" in (d or "") for d in events)


def test_only_the_handler_and_leadership_send_documents_home(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    [plan] = documents(session, case.id, "aktivitetsplan")
    log_in(client, demo["ansatt"])
    assert client.get(f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem").status_code == 403
    other = client.application.test_client()
    log_in(other, demo["kontaktlaerer"])
    assert other.get(f"/saker/{case.id}/dokumenter/{plan.id + 99}/send-hjem").status_code == 404


def test_the_leak_scanner_reads_the_pdf_text(
    converter: ConverterService, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    document = docx.Document()
    document.add_paragraph("Samtale med JONAS BERG og Emma om friminuttet.")
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = convert_docx_to_pdfa(
        buffer.getvalue(), allow_cold=False, converters=shared_pool((converter.env_value,))
    )
    problems = pdf_leak_problems(case, pdf, "Aktivitetsplan")
    assert len(problems) == 2
    assert "«Jonas Berg»" in problems[0] or "«Jonas Berg»" in problems[1]
    assert all("før dokumentet sendes ut" in p for p in problems)
