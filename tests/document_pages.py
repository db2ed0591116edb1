"""Shared steps for the case-document page tests: a case at the right stage, and a tiny
browser that reads a form's fields off the page and submits them with a button, the way
a browser without JavaScript does."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.case_steps import BY, NOW, archive_for, file, receive_and_assign, sara_report, user
from trygg.cases.documents import save_draft
from trygg.cases.workflow import finalise_step, start_document
from trygg.models import AuditEvent, Case, CaseDocument, CaseEvent

HANDLER = "kontaktlaerer.nordpolen@demo.trygg.no"
RECTOR = "rektor.nordpolen@demo.trygg.no"


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


def open_case(session: Session, tmp_path: Path, **report: object) -> Case:
    """A received case with Per Olsen (kontaktlærer) as handler."""
    case, _ = file(session, tmp_path, "ansatt.nordpolen@demo.trygg.no", sara_report(**report))
    receive_and_assign(session, case, RECTOR, HANDLER)
    return case


def staff_value(session: Session, email: str) -> str:
    return f"u{user(session, email).id}"


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


def edit_url(case_id: int, kind: str) -> str:
    return f"/saker/{case_id}/dokument/{kind}"


INVESTIGATION = {
    "watch": "Ekstra voksen ute i storefri.",
    "conversations": [
        {
            "date": "2026-09-15",
            "with": "pupil",
            "by": "Per Olsen",
            "account": "Sara forteller at Jonas holder henne utenfor.",
        },
        {
            "date": "2026-09-16",
            "with": "p1",
            "by": "Per Olsen",
            "account": "Jonte mener det var tull.",
            "kontradiksjon": True,
        },
    ],
    "analysis": "Sara holdes utenfor i storefri over tid.",
    "best_interest": "Saras trygghet veier tyngst.",
    "pupil_voice": "Sara vil ha en voksen ute.",
    "conclusion": {"pupil_safe": False, "plan_needed": True},
}
MEASURE = {
    "description": "Voksen ute i storefri",
    "level": "gruppe",
    "start": "2026-09-22",
    "frequency": "hver skoledag",
    "by": "Per Olsen",
    "evaluate_on": "2026-12-01",
}
PLAN = {
    "problem": "Jonas og Emma holder Sara utenfor i storefri.",
    "measures": [MEASURE, {**MEASURE, "description": "Klassemøte om klassemiljøet"}],
    "pupil_voice": "Sara vil at en voksen er ute.",
    "best_interest": "Trygghet for Sara.",
}


def finish_step(
    session: Session, tmp_path: Path, case: Case, kind: str, content: dict[str, object]
) -> CaseDocument:
    """Write and finalise a document through the domain, as an earlier page would have."""
    handler = user(session, HANDLER)
    doc = start_document(session, case, kind, handler, NOW)
    save_draft(session, case, doc, {**doc.data, **content}, doc.revision, handler, NOW)
    finalise_step(session, archive_for(tmp_path), case, doc, handler, BY, NOW)
    session.commit()
    return doc


def case_with_plan(session: Session, tmp_path: Path) -> Case:
    case = open_case(session, tmp_path)
    finish_step(session, tmp_path, case, "undersokelse", INVESTIGATION)
    finish_step(session, tmp_path, case, "aktivitetsplan", PLAN)
    return case
