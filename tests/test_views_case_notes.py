"""Dated notes and attachments over HTTP (issue 10): adding them from the case page,
files checked by their content, a too-large upload, access refused with changed ids, the
audit trail, and the combined PDF that holds them while the copy for home never does."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, stream_encode_multipart

from tests.attachment_files import jpeg, pdf, png
from tests.case_pdf_job import whole_case_pdf
from tests.conftest import csrf_token, log_in
from tests.document_pages import audit_details, documents, send_home, text_of
from tests.factories.cases import case_at, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER, demo_email
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE
from trygg.cases.attachments import MAX_ATTACHMENT_BYTES
from trygg.models import Case
from trygg.models.notes import CaseAttachment, CaseNote

OTHER_RECTOR = demo_email(LEDELSE, "Vestre Aker skole")


@pytest.fixture
def case(session: Session, demo: dict[str, str], tmp_path: Path) -> Case:
    return case_at(session, tmp_path, "received")


def add_note(client: FlaskClient, case: Case, **fields: str) -> TestResponse:
    url = f"/saker/{case.id}/notater/ny"
    data = {
        "csrf_token": csrf_token(client, url),
        "kind": "phone_call",
        "happened_at": "2026-09-14T09:15",
        "text": "Far ringte: Sara vil ikke gå på skolen i dag.",
        **fields,
    }
    return client.post(url, data=data)


def add_file(
    client: FlaskClient, case: Case, content: bytes, name: str, mimetype: str = ""
) -> TestResponse:
    url = f"/saker/{case.id}/vedlegg/ny"
    fields = {
        "csrf_token": csrf_token(client, url),
        "description": "Skjermbilde av meldinger i klassechatten.",
        "file": FileStorage(
            io.BytesIO(content), filename=name, content_type=mimetype or "application/octet-stream"
        ),
    }
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file that nobody closes, and pytest turns that ResourceWarning into an error.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def attachments(session: Session, case: Case) -> list[CaseAttachment]:
    session.expire_all()
    query = select(CaseAttachment).where(CaseAttachment.case_id == case.id)
    return list(session.execute(query.order_by(CaseAttachment.id)).scalars())


def notes_of(session: Session, case: Case) -> list[CaseNote]:
    session.expire_all()
    return list(session.execute(select(CaseNote).where(CaseNote.case_id == case.id)).scalars())


def field_error(page: str) -> str:
    return " ".join(re.findall(r'class="error-message"[^>]*>(.*?)</p>', page, re.S))


def test_a_handler_adds_a_note_and_it_stands_in_the_section_and_the_chronology(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    page = text_of(client.get(f"/saker/{case.id}"))
    assert f'href="/saker/{case.id}/notater/ny"' in page and "Ingen notater ennå." in page

    response = add_note(client, case)

    assert response.status_code == 302, text_of(response)[:2000]
    page = text_of(client.get(f"/saker/{case.id}"))
    section = page.split('id="notater"', 1)[1].split("</section>", 1)[0]
    assert "Telefonsamtale" in section and "14.09.2026 kl. 09.15" in section
    assert "Far ringte: Sara vil ikke gå på skolen i dag." in section
    chronology = page.split('id="kronologi"', 1)[1]
    # 09.15 in Oslo is before the case was received at 14.40 (12.40 UTC): it stands first
    # among the events of that day after the report was filed.
    assert "Notat – Telefonsamtale: Far ringte" in chronology
    assert chronology.index("Notat – Telefonsamtale") < chronology.index("Rektor har mottatt")
    [note] = notes_of(session, case)
    assert audit_details(session, case, "case.note_added") == [
        {"note": note.id, "kind": "phone_call"}
    ]


def test_a_note_in_the_future_is_refused_at_its_field_and_the_text_is_kept(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    response = add_note(client, case, happened_at="2099-01-01T10:00", text="Møte med mor.")
    assert response.status_code == 200
    page = text_of(response)
    assert "Tidspunktet er frem i tid" in field_error(page)
    assert "Møte med mor.</textarea>" in page
    assert notes_of(session, case) == []


def test_a_name_not_in_the_case_is_asked_about_before_the_note_is_kept(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    text = "Mor sa at Kari også ble holdt utenfor."
    page = text_of(add_note(client, case, text=text))
    assert "«Kari» ser ut som navn" in field_error(page)
    assert add_note(client, case, text=text, not_names_confirmed="y").status_code == 302
    assert [n.not_names for n in notes_of(session, case)] == [["Kari"]]


@pytest.mark.parametrize(
    ("content", "name", "fmt"),
    [(pdf(), "brev.pdf", "pdf"), (png(), "chat.png", "png"), (jpeg(), "foto.jpg", "jpg")],
)
def test_each_kind_of_file_is_added_opened_and_audited(
    client: FlaskClient, session: Session, case: Case, content: bytes, name: str, fmt: str
) -> None:
    log_in(client, HANDLER)
    response = add_file(client, case, content, name)
    assert response.status_code == 302, text_of(response)[:2000]
    [row] = attachments(session, case)
    assert row.format == fmt and row.display_name == name
    page = text_of(client.get(f"/saker/{case.id}"))
    assert name in page and f"Vedlegg lagt til: {name}" in page

    download = client.get(f"/saker/{case.id}/vedlegg/{row.id}/last-ned")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    assert download.mimetype == {"pdf": "application/pdf", "png": "image/png"}.get(
        fmt, "image/jpeg"
    )
    page = text_of(client.get(f"/saker/{case.id}/vedlegg/{row.id}"))
    image_url = f"/saker/{case.id}/vedlegg/{row.id}/bilde"
    # A PDF is never shown inside Trygg's pages, only downloaded.
    assert (f'src="{image_url}"' in page) is (fmt != "pdf")
    shown = client.get(image_url)
    expected = "attachment" if fmt == "pdf" else "inline"
    assert shown.headers["Content-Disposition"].startswith(expected)
    assert shown.data == download.data
    assert audit_details(session, case, "case.attachment_downloaded") == [{"attachment": row.id}]
    assert audit_details(session, case, "case.attachment_viewed") == [{"attachment": row.id}]
    [added] = audit_details(session, case, "case.attachment_added")
    assert added["sha256"] == row.sha256 and added["format"] == fmt


def test_a_program_renamed_to_pdf_and_a_pdf_with_javascript_are_refused(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500
    page = text_of(add_file(client, case, exe, "faktura.pdf", "application/pdf"))
    assert "ikke en PDF, PNG eller JPEG" in field_error(page)
    assert "Skjermbilde av meldinger i klassechatten." in page  # the description is kept
    page = text_of(add_file(client, case, pdf(js=True), "skjema.pdf", "application/pdf"))
    assert "PDF-en inneholder JavaScript" in field_error(page)
    assert attachments(session, case) == []
    assert audit_details(session, case, "case.attachment_added") == []


def test_an_upload_over_ten_megabytes_is_refused_with_a_norwegian_message(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    # Over the app's 8 MB limit but within the page's: checked by the domain.
    nine = b"%PDF-" + b"0" * (9 * 1024 * 1024)
    page = text_of(add_file(client, case, nine, "ni.pdf"))
    assert "kan ikke leses som en" in field_error(page)  # read, then refused by content
    # Over the page's limit: refused before the body is read.
    huge = b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES + 128 * 1024)
    response = add_file(client, case, huge, "stor.pdf")
    assert response.status_code == 413
    page = text_of(response)
    assert "Et vedlegg kan være høyst 10 MB" in field_error(page)
    assert 'enctype="multipart/form-data"' in page  # the form, to try again
    assert attachments(session, case) == []


def test_a_mistaken_attachment_is_withdrawn_with_a_reason_never_deleted(
    client: FlaskClient, session: Session, case: Case
) -> None:
    log_in(client, HANDLER)
    add_file(client, case, png(), "feil.png")
    [row] = attachments(session, case)
    url = f"/saker/{case.id}/vedlegg/{row.id}/trekk-tilbake"
    assert f'href="{url}"' in text_of(client.get(f"/saker/{case.id}"))
    token = csrf_token(client, url)
    page = text_of(client.post(url, data={"csrf_token": token, "reason": ""}))
    assert "Skriv hvorfor det trekkes tilbake." in field_error(page)
    response = client.post(url, data={"csrf_token": token, "reason": "Gjaldt en annen elev."})
    assert response.status_code == 302
    page = text_of(client.get(f"/saker/{case.id}"))
    assert "Trukket tilbake" in page and "Gjaldt en annen elev." in page
    assert f'href="{url}"' not in page
    assert [a.id for a in attachments(session, case)] == [row.id]  # still there
    assert audit_details(session, case, "case.attachment_withdrawn") == [{"attachment": row.id}]


def test_ids_changed_in_urls_and_wrong_people_are_refused(
    client: FlaskClient, session: Session, case: Case, tmp_path: Path
) -> None:
    other = case_at(
        session, tmp_path, "received", report=sara_report(pupil_name="Nora Lie", others=())
    )
    log_in(client, HANDLER)
    add_file(client, case, png(), "chat.png")
    add_note(client, case)
    [row] = attachments(session, case)
    [note] = notes_of(session, case)
    # The attachment through another case's address: absent.
    for url in (
        f"/saker/{other.id}/vedlegg/{row.id}",
        f"/saker/{other.id}/vedlegg/{row.id}/bilde",
        f"/saker/{other.id}/vedlegg/{row.id}/last-ned",
        f"/saker/{other.id}/vedlegg/{row.id}/trekk-tilbake",
        f"/saker/{other.id}/notater/{note.id}/trekk-tilbake",
        f"/saker/{case.id}/vedlegg/{row.id + 1000}",
        f"/saker/{case.id}/notater/{note.id + 1000}/trekk-tilbake",
    ):
        assert client.get(url).status_code == 404, url

    # Another school's rektor: the case does not exist for them.
    log_in(client, OTHER_RECTOR)
    for url in (
        f"/saker/{case.id}/notater/ny",
        f"/saker/{case.id}/vedlegg/ny",
        f"/saker/{case.id}/vedlegg/{row.id}",
        f"/saker/{case.id}/vedlegg/{row.id}/last-ned",
    ):
        assert client.get(url).status_code == 404, url
    assert add_note(client, case).status_code == 404

    # A teacher who does not handle the case: absent; the reporter: not a case page.
    log_in(client, demo_email(KONTAKTLAERER, "Vestre Aker skole"))
    assert client.get(f"/saker/{case.id}/vedlegg/{row.id}/last-ned").status_code == 404
    assert add_note(client, case).status_code == 404
    log_in(client, REPORTER)
    assert client.get(f"/saker/{case.id}/notater/ny").status_code == 403  # the page rule
    assert client.get(f"/saker/{case.id}/vedlegg/{row.id}/last-ned").status_code == 403

    # The rektor manages the case: may withdraw the handler's note; the audit names them.
    log_in(client, RECTOR)
    url = f"/saker/{case.id}/notater/{note.id}/trekk-tilbake"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Dobbelt."})
    assert response.status_code == 302
    assert len(notes_of(session, case)) == 1
    assert audit_details(session, case, "case.attachment_downloaded") == []


def test_anonymous_users_are_sent_to_the_login_page(client: FlaskClient, case: Case) -> None:
    for url in (f"/saker/{case.id}/notater/ny", f"/saker/{case.id}/vedlegg/1/last-ned"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/logg-inn")
    assert client.post(f"/saker/{case.id}/vedlegg/ny").status_code in (302, 400)


@pytest.mark.libreoffice
@pytest.mark.usefixtures("converter")
def test_the_combined_pdf_holds_notes_and_attachments_and_the_home_copy_never_does(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "planned")
    log_in(client, HANDLER)
    assert (
        add_note(client, case, text="Tirsdagsmøtet med Sara og Jonas Berg om storefri.").status_code
        == 302
    )
    assert add_file(client, case, png((800, 600)), "chat med Jonas.png").status_code == 302
    assert add_file(client, case, pdf(), "brev fra hjemmet.pdf").status_code == 302
    add_file(client, case, jpeg(), "feil.jpg")
    mistaken = attachments(session, case)[-1]
    url = f"/saker/{case.id}/vedlegg/{mistaken.id}/trekk-tilbake"
    client.post(url, data={"csrf_token": csrf_token(client, url), "reason": "Feil sak."})

    made = whole_case_pdf(client, session, case.id)

    response = made.download
    assert response is not None and response.status_code == 200, made.page[:2000]
    reader = PdfReader(io.BytesIO(response.data))
    titles = [item.title for item in reader.outline]  # type: ignore[union-attr]
    assert titles == [
        "Meldeskjema nr. 1",
        "Grunnlag for dokumentasjonsplikten",
        "Aktivitetsplan, versjon 1",
        "Notater og vedlegg",
        "Vedlegg 1 (bilde, PNG)",
        "Vedlegg 2 (PDF, PDF)",
    ]
    section_page = reader.get_destination_page_number(reader.outline[3])  # type: ignore[arg-type]
    section = reader.pages[section_page].extract_text()
    assert "Telefonsamtale" in section and "Ført inn av Per Olsen" in section
    assert "Tirsdagsmøtet" in section
    assert "Elev A" in section and "Jonas" not in section  # labelled, and the scan passed
    bundled = [image.image.size for p in reader.pages for image in p.images if image.image]
    assert (800, 600) in bundled
    assert "Feil sak" not in section  # a withdrawn attachment leaves the PDF
    # The image is a page of its own, the PDF attachment its one blank page.
    assert len(reader.pages) == section_page + 1 + 2
    assert audit_details(session, case, "case.bundle_downloaded") == [{"job": made.job.id}]

    # The copy for home is the plan alone: no notes section, no attachment pages.
    [plan] = documents(session, case.id, "aktivitetsplan")
    home = send_home(
        client, f"/saker/{case.id}/dokumenter/{plan.id}/send-hjem", "sommerfugl-42", "sommerfugl-42"
    )
    assert home.status_code == 200
    copy = PdfReader(io.BytesIO(home.data))
    copy.decrypt("sommerfugl-42")
    # (The copy may carry a page of its own for the home, but none of the case's records.)
    sizes = [image.image.size for p in copy.pages for image in p.images if image.image]
    assert (800, 600) not in sizes
    home_text = "\n".join(p.extract_text() for p in copy.pages)
    assert "Notater og vedlegg" not in home_text and "Vedlegg 1" not in home_text
    assert "Tirsdagsmøtet" not in home_text
