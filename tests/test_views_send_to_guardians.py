"""«Send til foresatte» over HTTP, with the app's own mailer talking to a real SMTP server
(aiosmtpd): the mail arrives with the PDF attached and no password anywhere in it; the
password is shown once, on the answer to the sending; guardians without the right to
information or with a protected address get it only when the leadership confirms on the
page; a guardian the server refuses is named on the page, recorded as not sent, and the
page offers to try again for that guardian only."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.factories.cases import file, receive_and_assign, sara_report
from tests.factories.users import HANDLER, RECTOR, REPORTER
from tests.pupil_register import sara_with_guardians
from tests.smtp_failures import Refusing
from tests.smtp_server import smtp_server
from trygg.config import SmtpSettings
from trygg.models import AuditEvent, Case, CaseDocument, CaseEvent, Guardian
from trygg.pdf import ConverterService

pytestmark = [pytest.mark.libreoffice]

PASSWORD = re.compile(r'id="passord">([^<]+)<')


@pytest.fixture
def mail_server() -> Iterator[tuple[Refusing, int]]:
    with smtp_server(Refusing()) as (server, port):
        assert isinstance(server, Refusing)
        yield server, port


@pytest.fixture
def settings_overrides(
    converter: ConverterService, mail_server: tuple[Refusing, int]
) -> dict[str, object]:
    return {
        "converters": (converter.env_value,),
        "smtp": SmtpSettings(host="127.0.0.1", port=mail_server[1]),
    }


def _case(session: Session, tmp_path: Path) -> tuple[Case, CaseDocument, list[Guardian]]:
    pupil = sara_with_guardians(session)
    case, report = file(session, tmp_path, REPORTER, sara_report(pupil_id=pupil.id))
    return case, report, list(pupil.guardians)


def _send(client: FlaskClient, url: str, guardians: list[Guardian], confirm: bool) -> str:
    data: dict[str, str | list[str]] = {
        "csrf_token": csrf_token(client, url),
        "guardians": [str(g.id) for g in guardians],
    }
    if confirm:
        data["confirm"] = "y"
    response = client.post(url, data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _stored_texts(session: Session) -> str:
    """Everything the sending wrote where it is kept: audit trail and chronology."""
    session.expire_all()
    audit = session.execute(select(AuditEvent.details)).scalars()
    events = session.execute(select(CaseEvent.details)).scalars()
    return " ".join([*map(str, audit), *(json.dumps(e) for e in events)])


def test_the_mail_arrives_with_the_pdf_and_the_password_is_shown_once(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    mail_server: tuple[Refusing, int],
) -> None:
    server, _ = mail_server
    case, report, (kari, per, line) = _case(session, tmp_path)
    url = f"/saker/{case.id}/dokumenter/{report.id}/send-til-foresatte"
    log_in(client, RECTOR)
    page = client.get(url).get_data(as_text=True)
    # Ticked in advance: Kari only; Per (no right to information) and Line (protected
    # address) are offered, unticked, with the confirmation to tick for them.
    assert re.search(rf'value="{kari.id}"[^>]*checked|checked[^>]*value="{kari.id}"', page)
    for other in (per, line):
        assert f'value="{other.id}"' in page
        assert not re.search(rf'value="{other.id}"[^>]*checked', page)
    assert 'name="confirm"' in page
    assert "line@hjem.example.no" not in page

    page = _send(client, url, [kari], confirm=False)

    assert "Dokumentet er sendt på e-post til Kari Nilsen" in page
    match = PASSWORD.search(page)
    assert match
    password = match.group(1)
    [message] = server.messages()
    raw = server.envelopes[0].content
    assert isinstance(raw, bytes)
    assert message["To"] == "kari@hjem.example.no"
    assert password.encode() not in raw  # neither in the headers nor in the body
    for header in ("Subject", "From", "To", "Message-ID"):
        assert password not in str(message[header])
    body = message.get_body(("plain",))
    assert body is not None and password not in body.get_content()
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "dokument-fra-skolen.pdf"
    pdf = attached.get_content()
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted and reader.decrypt(password)
    stored = _stored_texts(session)
    assert hashlib.sha256(pdf).hexdigest() in stored
    assert password not in stored
    # Shown once: the page shown again has the form, not the password.
    again = client.get(url).get_data(as_text=True)
    assert password not in again and 'id="passord"' not in again


def test_no_right_or_a_protected_address_is_sent_to_only_when_confirmed_on_the_page(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    mail_server: tuple[Refusing, int],
) -> None:
    server, _ = mail_server
    case, report, (kari, per, line) = _case(session, tmp_path)
    url = f"/saker/{case.id}/dokumenter/{report.id}/send-til-foresatte"
    log_in(client, RECTOR)
    for other in (per, line):
        page = _send(client, url, [kari, other], confirm=False)
        assert f"Bekreft at dokumentet skal sendes til {other.name}" in page
        assert 'id="passord"' not in page
        # What was ticked is kept.
        assert re.search(rf'value="{other.id}"[^>]*checked|checked[^>]*value="{other.id}"', page)
    assert server.envelopes == []
    session.expire_all()
    assert (
        session.execute(
            select(AuditEvent.id).where(AuditEvent.action.like("document.sen%"))
        ).first()
        is None
    )

    page = _send(client, url, [per, line], confirm=True)

    assert "Dokumentet er sendt på e-post til Per Nilsen, Line Berg" in page
    assert sorted(m["To"] for m in server.messages()) == [
        "line@hjem.example.no",
        "per@hjem.example.no",
    ]


def test_a_refused_guardian_is_named_on_the_page_and_the_retry_sends_to_them_only(
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    tmp_path: Path,
    mail_server: tuple[Refusing, int],
) -> None:
    server, _ = mail_server
    server.refused = {"line@hjem.example.no"}
    case, report, (kari, _, line) = _case(session, tmp_path)
    url = f"/saker/{case.id}/dokumenter/{report.id}/send-til-foresatte"
    log_in(client, RECTOR)

    page = _send(client, url, [kari, line], confirm=True)

    assert "Dokumentet er sendt på e-post til Kari Nilsen." in page
    assert "Dokumentet ble ikke sendt til Line Berg." in page
    assert "e-postserveren svarte ikke eller avviste meldingen" in page
    assert PASSWORD.search(page)  # Kari got it: her password is shown
    retry = page.split('id="ikke-sendt"', 1)[1]
    assert f'value="{line.id}"' in retry and f'value="{kari.id}"' not in retry
    assert "Prøv igjen for dem som ikke fikk dokumentet" in retry
    session.expire_all()
    actions = session.execute(
        select(AuditEvent.action).where(AuditEvent.action.like("document.sen%"))
    ).scalars()
    assert sorted(actions) == ["document.send_to_guardian_failed", "document.sent_to_guardians"]
    # The confirmation Line needs is asked for again on the retry.
    server.refused.clear()
    assert "Bekreft at dokumentet" in _send(client, url, [line], confirm=False)

    page = _send(client, url, [line], confirm=True)

    assert "Dokumentet er sendt på e-post til Line Berg." in page
    assert [m["To"] for m in server.messages()] == [
        "kari@hjem.example.no",
        "line@hjem.example.no",
    ]
    case_page = client.get(f"/saker/{case.id}").get_data(as_text=True)
    assert "Dokumentet ble ikke sendt: e-postserveren tok ikke imot e-posten" in case_page
    assert case_page.count("Dokument sendt til foresatte på e-post") == 2


def test_the_handler_sees_the_case_but_does_not_send_home(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, report, _ = _case(session, tmp_path)
    receive_and_assign(session, case, RECTOR, HANDLER)
    log_in(client, HANDLER)
    assert client.get(f"/saker/{case.id}").status_code == 200
    assert (
        client.get(f"/saker/{case.id}/dokumenter/{report.id}/send-til-foresatte").status_code == 403
    )
