"""Shared steps for the case page tests: log in, post a case form, read the page back."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import csrf_token, log_in
from trygg.models import Case


def logged_in(client: FlaskClient, email: str) -> FlaskClient:
    log_in(client, email)
    return client


def post_form(client: FlaskClient, url: str, prefix: str, fields: dict[str, str]) -> TestResponse:
    """Post one of the case page's prefixed forms, the way the browser sends it."""
    token = csrf_token(client, "/")
    data = {f"{prefix}-csrf_token": token, **{f"{prefix}-{k}": v for k, v in fields.items()}}
    return client.post(url, data=data)


def case_links(page: str) -> list[int]:
    """The case ids the list links to, in order (the table only, not the nav)."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [int(i) for i in re.findall(r'href="/saker/(\d+)"', table)]


def fresh(session: Session, case_id: int) -> Case:
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    return case
