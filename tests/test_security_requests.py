"""Hostile numbers and sizes in requests (penetration test, issue 17): ids in the address
beyond what the database holds, page numbers and ids in the query string, a CSV cell
larger than Python's csv module reads, the size of a request, and content types that
carry their charset once. None of them may be a 500."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.test import stream_encode_multipart

from tests.conftest import csrf_token, log_in
from tests.factories.cases import archive_for
from tests.factories.users import user
from trygg.accounts.principal import Principal
from trygg.accounts.staff_import import parse_staff_csv
from trygg.demo.cases import seed_demo_cases
from trygg.demo.school_plan import seed_demo_plan
from trygg.models import (
    Acknowledgement,
    Case,
    CaseDocument,
    DocumentTemplate,
    School,
    SchoolDayOff,
    SchoolPlan,
    User,
)
from web.converters import DatabaseId
from web.gate import PUBLIC_ENDPOINTS

ROLE_KEYS = ("ledelse", "admin", "admin_school", "kontaktlaerer", "skoleeier", "ansatt")
# Past PostgreSQL's integer, past a signed 64-bit integer (SQLite's INTEGER), past an
# unsigned one, and below zero.
BAD_IDS = (2**31, 2**63, 2**64, -1)
BAD_QUERY_VALUES = ("2147483648", "9223372036854775808", "18446744073709551616", "-1", "1" * 5000)
# The query parameters the views read as numbers (`grep request.args views/`); the others
# (status, klasse, type, dokument, navn, next) are compared with known words only.
QUERY_NAMES = ("side", "skole", "behandler", "skolear")
STRING_SAMPLES = {"kind": "undersokelse", "fmt": "docx", "token": "x", "filename": "x"}
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def id_arguments(rule: Rule) -> list[str]:
    return [
        name
        for name, converter in rule._converters.items()
        if isinstance(converter, IntegerConverter)
    ]


def url_with(rule: Rule, values: dict[str, object]) -> str:
    """The rule's address with these values put in as text, whatever its converters take."""
    return _ARGUMENT.sub(
        lambda m: str(values.get(m.group(1), STRING_SAMPLES.get(m.group(1), "x"))), rule.rule
    )


def principal(session: Session, email: str) -> Principal:
    return Principal.of(user(session, email))


def allowed_role(app: Flask, session: Session, demo: dict[str, str], rule: Rule) -> str:
    """A role whose page rule lets it in, so the view itself reads the number."""
    page_rule = app.view_functions[rule.endpoint].required_rule
    return next(key for key in ROLE_KEYS if page_rule(principal(session, demo[key])))


def id_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC_ENDPOINTS and id_arguments(rule)
    ]


# --- ids in the address ------------------------------------------------------------------


def test_every_id_in_an_address_past_the_database_range_is_a_404(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    rules = id_rules(app)
    assert len(rules) >= 25  # every page with an id: cases, documents, users, plans, …
    # Each through the one converter for database ids (`<id:…>`), none through `<int:…>`.
    plain = [
        rule.rule
        for rule in rules
        for name in id_arguments(rule)
        if not isinstance(rule._converters[name], DatabaseId)
    ]
    assert plain == []
    by_role: dict[str, list[Rule]] = {}
    for rule in rules:
        by_role.setdefault(allowed_role(app, session, demo, rule), []).append(rule)
    answers: dict[str, int] = {}
    for role_key, role_rules in by_role.items():
        log_in(client, demo[role_key])
        token = csrf_token(client, "/")
        for rule in role_rules:
            for bad in BAD_IDS:
                url = url_with(rule, {name: bad for name in id_arguments(rule)})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    data = {"csrf_token": token} if method == "POST" else None
                    try:
                        status = client.open(url, method=method, data=data).status_code
                    except Exception as error:  # the test client re-raises a view's error
                        status = 500
                        answers[f"{method} {url} ({type(error).__name__})"] = status
                        continue
                    answers[f"{role_key}: {method} {url}"] = status
    assert {where: status for where, status in answers.items() if status != 404} == {}


def test_the_largest_id_still_reaches_the_page(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    # 2^31 − 1 is a valid id: the page answers (no such case), it is not a routing miss.
    log_in(client, demo["ledelse"])
    assert client.get(f"/saker/{2**31 - 1}").status_code == 404
    assert client.get("/saker/0").status_code == 404
    with app.test_request_context():
        from flask import url_for

        assert url_for("cases.show", case_id=2**31 - 1) == f"/saker/{2**31 - 1}"


def test_an_address_that_matches_no_page_is_a_404_for_a_logged_in_user(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    log_in(client, demo["ledelse"])
    assert client.get("/finnes-ikke").status_code == 404
    assert client.get("/saker/abc").status_code == 404
    # Anonymous users still go to the login page, whatever the address.
    client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/finnes-ikke").status_code == 302


# --- numbers in the query string ---------------------------------------------------------


def may_open(app: Flask, rule: Rule, user: Principal) -> bool:
    return bool(app.view_functions[rule.endpoint].required_rule(user))


def query_pages(app: Flask, user: Principal) -> Iterator[str]:
    """The pages without an id in the address that this user may open."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods or rule.arguments:
            continue
        if may_open(app, rule, user):
            yield rule.rule


def test_page_numbers_and_ids_in_the_query_string_never_give_a_500(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    seed_demo_cases(session, archive_for(tmp_path), dt.date(2026, 11, 23))
    session.commit()
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    case = session.execute(select(Case).order_by(Case.id)).scalars().first()
    assert case is not None
    # Pages with an id that read the query string too.
    extra = {
        "admin": [f"/admin/fridager/{school.id}"],
        "ledelse": [f"/saker/{case.id}/personer/ny", f"/saker/{case.id}"],
    }
    failures: dict[str, int] = {}
    checked = 0
    converters = app.extensions["trygg.settings"].converters
    for role_key in ("admin", "admin_school", "ledelse"):
        log_in(client, demo[role_key])
        user = principal(session, demo[role_key])
        for url in [*query_pages(app, user), *extra.get(role_key, [])]:
            for name in QUERY_NAMES:
                for value in BAD_QUERY_VALUES:
                    target = f"{url}?{name}={value}"
                    try:
                        status = client.get(target).status_code
                    except Exception as error:
                        failures[f"{role_key}: {target[:120]} ({type(error).__name__})"] = 500
                        continue
                    checked += 1
                    if status == 503 and url.endswith(".pdf") and not converters:
                        # A PDF page without converters says so (the test app has none):
                        # an honest answer to every query string, not a crash.
                        continue
                    if status not in (200, 302, 404):
                        failures[f"{role_key}: {target[:120]}"] = status
    assert failures == {}
    assert checked > 400


@pytest.mark.parametrize("value", ["2147483648", "9223372036854775808", "-5", "0", "abc"])
def test_an_out_of_range_page_is_the_first_page(
    client: FlaskClient, demo: dict[str, str], value: str
) -> None:
    log_in(client, demo["admin"])
    for url in ("/admin/brukere", "/admin/logg"):
        response = client.get(f"{url}?side={value}")
        assert response.status_code == 200, url
        first = client.get(url).get_data(as_text=True)
        # The same rows as the first page (the audit trail grows by one view each time).
        if url == "/admin/brukere":
            assert response.get_data(as_text=True).count("<tr") == first.count("<tr")
    huge_school = client.get("/admin/brukere?skole=9223372036854775808")
    assert huge_school.status_code == 200
    assert client.get("/admin/maler?skole=9223372036854775808").status_code == 404


# --- a CSV cell larger than the csv module reads -----------------------------------------


def big_cell_csv() -> bytes:
    cell = "x" * (200 * 1024)
    return (
        "navn;e-post;tittel;rolle\n"
        "Kari Nordmann;kari.nordmann@nordpolen.no;lærer;ansatt\n"
        f"Ola Stor;ola.stor@nordpolen.no;{cell};ansatt\n"
    ).encode()


def test_a_csv_cell_over_128_kb_is_a_line_error_not_a_500(
    client: FlaskClient, session: Session, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    token = csrf_token(client, "/admin/import")
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    response = client.post(
        "/admin/import",
        data={
            "file": (io.BytesIO(big_cell_csv()), "ansatte.csv"),
            "school": str(school.id),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Avviste linjer" in page
    assert "for langt" in page and "128 KB" in page
    assert "Kari Nordmann" in page  # the lines before it are read


def test_parsing_a_csv_with_a_huge_cell_names_its_line(
    session: Session, demo: dict[str, str]
) -> None:
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    preview = parse_staff_csv(session, big_cell_csv().decode(), school.id)
    assert [row.email for row in preview.accepted] == ["kari.nordmann@nordpolen.no"]
    [rejected] = preview.rejected
    assert rejected.line == 3
    assert "128 KB" in rejected.reasons[0] and len(rejected.text) <= 300


# --- how much a request may carry ----------------------------------------------------------


def test_a_text_form_larger_than_any_valid_one_is_refused_with_the_real_limit(
    app: Flask, client: FlaskClient, demo: dict[str, str]
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit < 16 * 1024 * 1024
    log_in(client, demo["admin"])
    token = csrf_token(client, "/admin/brukere/ny")
    response = client.post(
        "/admin/brukere/ny", data={"csrf_token": token, "name": "x" * (limit + 1)}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "16 MB" not in page
    assert f"{limit // 1024 // 1024} MB" in page


def test_the_upload_pages_keep_their_own_larger_limits(
    client: FlaskClient, demo: dict[str, str], app: Flask
) -> None:
    # A 12 MB plan is over the app's limit but within the plan page's own: the page reads
    # it (and says it is not a PDF) instead of refusing its size.
    assert app.config["MAX_CONTENT_LENGTH"] < 12 * 1024 * 1024
    log_in(client, demo["ledelse"])
    token = csrf_token(client, "/skolens-plan/publiser")
    fields = {
        "csrf_token": token,
        "title": "Plan",
        "school_year": "2026/2027",
        "version_date": "10.08.2026",
        "file": FileStorage(io.BytesIO(b"not a pdf" + b"0" * (12 * 1024 * 1024)), "plan.pdf"),
    }
    # Encoded in memory: a spooled temporary file would be left open (ResourceWarning).
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    response = client.post(
        "/skolens-plan/publiser",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200
    assert "Planen må være en PDF eller et Word-dokument" in response.get_data(as_text=True)


# --- content types --------------------------------------------------------------------------


def demo_values(session: Session) -> dict[str, list[object]]:
    """Every id the demo data has, per argument name in the URL map."""

    def ids(model: type) -> list[object]:
        return list(session.execute(select(model.id).order_by(model.id)).scalars())

    return {
        "case_id": ids(Case),
        "document_id": ids(CaseDocument),
        "plan_id": ids(SchoolPlan),
        "acknowledgement_id": ids(Acknowledgement),
        "template_id": ids(DocumentTemplate),
        "school_id": ids(School),
        "user_id": ids(User)[:3],
        "day_off_id": ids(SchoolDayOff)[:1],
        "kind": ["undersokelse", "aktivitetsplan", "evaluering", "meldeskjema"],
        "fmt": ["docx", "pdf"],
    }


def filled_urls(rule: Rule, values: dict[str, list[object]]) -> Iterator[str]:
    urls: list[dict[str, object]] = [{}]
    for name in rule.arguments:
        urls = [{**u, name: v} for u in urls for v in values.get(name, [])]
    for chosen in urls:
        yield url_with(rule, chosen)


def test_no_download_or_page_carries_its_charset_twice(
    app: Flask, client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    today = dt.date(2026, 11, 23)
    seed_demo_cases(session, archive_for(tmp_path), today)
    seed_demo_plan(session, archive_for(tmp_path), today)
    session.commit()
    values = demo_values(session)
    seen: dict[str, str] = {}
    for role_key in ROLE_KEYS:
        log_in(client, demo[role_key])
        user = principal(session, demo[role_key])
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS:
                continue
            if not may_open(app, rule, user):
                continue
            for url in filled_urls(rule, values):
                response = client.get(url)
                if response.status_code == 200:
                    seen[url] = response.headers.get("Content-Type", "")
    twice = {url: kind for url, kind in seen.items() if kind.lower().count("charset") > 1}
    assert twice == {}
    # The walk reached the files, not only pages.
    kinds = set(seen.values())
    assert "text/csv; charset=utf-8" in kinds
    assert any(k.startswith("application/vnd.openxmlformats") for k in kinds)
    assert any(url.endswith("navnenokkel.csv") for url in seen)
