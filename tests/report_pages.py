"""Shared steps for the report page tests: post the meldeskjema as the browser would, and
read back what it stored."""

from __future__ import annotations

import html
import io
import re

import docx
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import error_summary
from tests.conftest import csrf_token, log_in
from trygg.models import Case, Notification, User

NEW = "/meldinger/ny"
ACCOUNT = "Sara sa: «Jonas sier at jeg ikke får være med, og Jonte kaller meg stygge ting.»"


def report_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "pupil_name": "Sara Nilsen",
        "pupil_class": "6B",
        "happened_at": "2026-09-14T10:15",
        "arena": "friminutt",
        "arena_detail": "ved sykkelstativet",
        "pupil_said_so": "ja",
        "account": ACCOUNT,
        "intervention": "Snakket med Jonas med en gang.",
        "kinds": ["utestenging", "digital krenkelse"],
        "others-0-name": "Jonas Berg",
        "others-0-role": "medelev",
        "others-0-aliases": "Jonte",
        "others-1-name": "",
        "others-1-role": "",
        "others-1-aliases": "",
        "staff_suspected": "nei",
        "leadership_suspected": "nei",
        "suspected_name": "",
        "guardians_informed_at": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def report_form(number: int, token: str) -> dict[str, str]:
    """A report about a pupil of its own, so every one opens a case and archives a file
    (the crash tests file them as fast as a server takes them)."""
    data = report_data(
        pupil_name=f"Elev Nummer{number}",
        pupil_class="7A",
        account="Eleven sa at de andre ikke lar henne være med i friminuttet.",
        intervention="Snakket med klassen med en gang.",
        kinds="utestenging",
        **{"others-0-name": "", "others-0-role": "", "others-0-aliases": ""},
    )
    return {"csrf_token": token, **{key: str(value) for key, value in data.items()}}


def post_report(client: FlaskClient, **changes: object) -> tuple[int, str, str | None]:
    data = {"csrf_token": csrf_token(client, NEW), **report_data(**changes)}
    response = client.post(NEW, data=data)
    return response.status_code, response.get_data(as_text=True), response.headers.get("Location")


def checked(page: str, name: str) -> list[str]:
    inputs = re.findall(rf'<input checked [^>]*name="{re.escape(name)}"[^>]*>', page)
    return [html.unescape(re.search(r'value="([^"]*)"', i).group(1)) for i in inputs]  # type: ignore[union-attr]


def user_id(session: Session, email: str) -> int:
    return session.execute(select(User.id).where(User.email == email)).scalar_one()


def cases(session: Session) -> list[Case]:
    session.expire_all()
    return list(session.execute(select(Case).order_by(Case.id)).scalars())


def notified(session: Session, case: Case) -> set[int]:
    return set(
        session.execute(select(Notification.user_id).where(Notification.case_id == case.id))
        .scalars()
        .all()
    )


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def filed(client: FlaskClient, email: str, **changes: object) -> str:
    log_in(client, email)
    status, page, location = post_report(client, **changes)
    assert status == 302, error_summary(page)
    assert location is not None and re.fullmatch(r"/meldinger/\d+", location)
    return location
