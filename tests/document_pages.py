"""Shared steps for the case-document page tests: a tiny browser that reads a form's
fields off the page and submits them with a button, the way a browser without JavaScript
does, and what the case's documents, events and audit trail hold afterwards. Cases at the
right stage come from tests/factories/cases.py."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from trygg.models import ArchivedFile, AuditEvent, Case, CaseDocument, CaseEvent


class _FormReader(HTMLParser):
    """Collects the values a browser would submit from the form with class `doc-form`
    (never what is inside <template>: a browser does not submit that)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.in_form = False
        self.in_template = 0
        self.select: str | None = None
        self.select_first: str | None = None
        self.option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "doc-form" in a.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "y"
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self.select, self.select_first = name, None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
                self.fields[self.select] = value
            if "selected" in a:
                self.fields[self.select] = value
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None and not self.in_template:
            # A browser drops the single newline right after <textarea>.
            self.fields[self.textarea] += data


def form_fields(page: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(page)
    # HTML parsing turns CR LF into LF and drops the newline right after <textarea>.
    return {k: v.replace("\r\n", "\n").removeprefix("\n") for k, v in reader.fields.items()}


def submit(
    client: FlaskClient, url: str, page: str, changes: dict[str, str], button: str = "lagre"
) -> TestResponse:
    """Post the form as shown on `page`, with `changes` typed in and `button` pressed
    ("lagre", "ferdigstill", or "add_row=<list>" / "remove_row=<list-n>")."""
    data = {**form_fields(page), **changes}
    name, _sep, value = button.partition("=")
    data[name] = value or "1"
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def text_of(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def documents(session: Session, case_id: int, kind: str) -> list[CaseDocument]:
    session.expire_all()
    query = select(CaseDocument).where(CaseDocument.case_id == case_id, CaseDocument.kind == kind)
    return list(session.execute(query.order_by(CaseDocument.id)).scalars())


def event_codes(session: Session, case_id: int) -> list[str]:
    session.expire_all()
    query = select(CaseEvent.code).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.execute(query).scalars())


def audit_actions(session: Session, case_id: int) -> list[str]:
    session.expire_all()
    query = select(AuditEvent.action).where(
        AuditEvent.object_type == "case", AuditEvent.object_id == str(case_id)
    )
    return list(session.execute(query.order_by(AuditEvent.id)).scalars())


def audit_details(session: Session, case: Case, action: str) -> list[dict[str, object]]:
    session.expire_all()
    rows = session.execute(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == str(case.id))
    ).scalars()
    return [json.loads(r.details) if r.details else {} for r in rows]


def archived(session: Session, doc: CaseDocument, fmt: str) -> list[ArchivedFile]:
    session.expire_all()
    query = select(ArchivedFile).where(
        ArchivedFile.document_id == doc.id, ArchivedFile.format == fmt
    )
    return list(session.execute(query).scalars())


def edit_url(case_id: int, kind: str) -> str:
    return f"/saker/{case_id}/dokument/{kind}"


def download_url(case: Case, doc: CaseDocument, fmt: str) -> str:
    return f"/saker/{case.id}/dokumenter/{doc.id}/{fmt}"


def send_home(client: FlaskClient, url: str, password: str, repeat: str) -> TestResponse:
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "password": password, "repeat": repeat},
    )
