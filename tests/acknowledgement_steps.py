"""Shared steps for the Skolens plan tests: plan files, publishing and signing through the
domain (to arrange) and through HTTP (as the browser does)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, stream_encode_multipart

from tests.conftest import csrf_token
from tests.factories.cases import archive_for
from tests.factories.users import school, user
from trygg import acknowledgements, audit
from trygg.models import SchoolPlan

PLAN_PAGE = "/skolens-plan"
PUBLISH = "/skolens-plan/publiser"
REGISTER = "/skolens-plan/kvitteringer"
NOW = dt.datetime(2026, 8, 14, 7, 12)  # 09.12 in Oslo (summer time)
BY = audit.Initiator(user_id=None, email="test")
ALL_BOXES = {key: "y" for key in acknowledgements.CONFIRMATIONS}
# Active accounts of Nordpolen skole in the demo: ansatt, kontaktlærer, rektor, IT admin.
NORDPOLEN_STAFF = ("Hilde Moe", "Mona Ruud", "Per Olsen", "Tore Lie")


def plan_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Skolens plan for trygt og godt skolemiljø"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plan_docx(text: str = "Skolens plan for trygt og godt skolemiljø") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def publish_direct(
    session: Session,
    tmp_path: Path,
    *,
    school_name: str = "Nordpolen skole",
    school_year: str = "2026/2027",
    content: bytes | None = None,
    version_date: dt.date = dt.date(2026, 8, 10),
    now: dt.datetime = NOW,
) -> SchoolPlan:
    plan = acknowledgements.publish_plan(
        session,
        archive_for(tmp_path),
        school(session, school_name).id,
        acknowledgements.NewPlan(
            title="Skolens plan for trygt og godt skolemiljø",
            school_year=school_year,
            version_date=version_date,
            filename="plan.pdf",
            content=content if content is not None else plan_pdf(),
        ),
        BY,
        now,
    )
    session.commit()
    return plan


def sign_direct(
    session: Session, tmp_path: Path, email: str, plan: SchoolPlan, now: dt.datetime = NOW
) -> None:
    employee = user(session, email)
    acknowledgements.sign(
        session,
        archive_for(tmp_path),
        employee,
        acknowledgements.Signature(
            plan.id, {k: True for k in acknowledgements.CONFIRMATIONS}, employee.name
        ),
        BY,
        now,
    )
    session.commit()


def publish(
    client: FlaskClient,
    *,
    content: bytes | None = None,
    filename: str = "skolens-plan.pdf",
    school_year: str = "2026/2027",
    version_date: str = "10.08.2026",
    title: str = "Skolens plan for trygt og godt skolemiljø",
) -> TestResponse:
    fields = {
        "csrf_token": csrf_token(client, PUBLISH),
        "title": title,
        "school_year": school_year,
        "version_date": version_date,
        "file": FileStorage(
            io.BytesIO(content if content is not None else plan_pdf()), filename=filename
        ),
    }
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file that nobody closes, and pytest turns that ResourceWarning into an error.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        PUBLISH,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def sign(
    client: FlaskClient, signature: str, boxes: dict[str, str] | None = None, plan_id: str = ""
) -> TestResponse:
    page = client.get(PLAN_PAGE).get_data(as_text=True)
    if not plan_id:
        plan_id = page.split('name="plan_id" type="hidden" value="', 1)[1].split('"', 1)[0]
    data = {
        "csrf_token": csrf_token(client, PLAN_PAGE),
        "plan_id": plan_id,
        "typed_signature": signature,
        **(ALL_BOXES if boxes is None else boxes),
    }
    return client.post(PLAN_PAGE, data=data)
