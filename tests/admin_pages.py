"""Shared steps for the admin page tests."""

from __future__ import annotations

import html
import io
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.conftest import csrf_token, log_in
from trygg.models import AuditEvent, DocumentTemplate, User

NEW_PASSWORD = "et langt og trygt passord"


# --- helpers ---------------------------------------------------------------------------


def user_by_email(session: Session, email: str) -> User | None:
    session.expire_all()
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def user_count(session: Session) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def audit_events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.execute(query).scalars())


def error_summary(page: str) -> str:
    assert 'class="error-summary"' in page, "no error summary on the page"
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def input_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    assert match, f"no input {name!r} with a value on the page"
    return html.unescape(match.group(1))


def selected_option(page: str, name: str) -> str:
    select_html = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    match = re.search(r'<option selected value="([^"]*)"', select_html)
    assert match, f"nothing selected in {name!r}"
    return match.group(1)


def admin_client(client: FlaskClient, email: str) -> FlaskClient:
    log_in(client, email)
    return client


def post_new_user(client: FlaskClient, **fields: str) -> tuple[int, str, str | None]:
    token = csrf_token(client, "/admin/brukere/ny")
    data = {"csrf_token": token, "name": "", "email": "", "title": "", "role": "", "school": ""}
    data.update(fields)
    response = client.post("/admin/brukere/ny", data=data)
    return response.status_code, response.get_data(as_text=True), response.headers.get("Location")


def wrong_login_message(client: FlaskClient, email: str, password: str) -> str:
    token = csrf_token(client, "/logg-inn")
    response = client.post(
        "/logg-inn", data={"csrf_token": token, "email": email, "password": password}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{email}"' in page
    return error_summary(page)


# --- creating users ----------------------------------------------------------------------


# --- Word templates (tests/test_views_admin_templates.py, tests/test_template_intake.py) ---

TEMPLATE_UPLOAD = "/admin/maler/last-opp"


def post_upload(
    client: FlaskClient,
    content: bytes,
    school: str,
    *,
    kind: str = "aktivitetsplan",
    filename: str = "kommunens-plan.docx",
    url: str = TEMPLATE_UPLOAD,
) -> tuple[int, str, str | None]:
    token = csrf_token(client, url)
    fields = {
        "csrf_token": token,
        "kind": kind,
        "school": school,
        "file": FileStorage(io.BytesIO(content), filename=filename),
    }
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file that nobody closes, and pytest turns that ResourceWarning into an error.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    response = client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return response.status_code, response.get_data(as_text=True), response.headers.get("Location")


def templates(session: Session) -> list[DocumentTemplate]:
    session.expire_all()
    return list(session.execute(select(DocumentTemplate).order_by(DocumentTemplate.id)).scalars())
