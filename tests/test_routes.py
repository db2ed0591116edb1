"""Walks every rule in the URL map: anonymous users go to the login page, and every role
the page rule refuses gets 403. A page without a declared rule fails this test."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from tests.conftest import log_in
from trygg.accounts.principal import Principal
from web.gate import PUBLIC_ENDPOINTS

ROLE_KEYS = ("ansatt", "kontaktlaerer", "ledelse", "admin_school", "admin", "skoleeier")


def sample_url(rule: Rule) -> str:
    values = {
        arg: 1 if isinstance(rule._converters.get(arg), IntegerConverter) else "x"
        for arg in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def protected_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS]


def test_every_page_declares_a_rule(app: Flask) -> None:
    missing = [
        rule.endpoint
        for rule in protected_rules(app)
        if getattr(app.view_functions[rule.endpoint], "required_rule", None) is None
    ]
    assert missing == []


def test_anonymous_users_are_sent_to_login(app: Flask, client: FlaskClient) -> None:
    rules = protected_rules(app)
    assert len(rules) >= 10
    for rule in rules:
        url = sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url}"
            assert response.headers["Location"].startswith("/logg-inn"), f"{method} {url}"


@pytest.mark.parametrize("role_key", ROLE_KEYS)
def test_wrong_roles_get_403(
    app: Flask, client: FlaskClient, demo: dict[str, str], role_key: str
) -> None:
    log_in(client, demo[role_key])
    user = client.get("/").status_code
    assert user == 200
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from database import db
    from trygg.models import User

    with app.app_context(), Session(db.engine) as session:
        principal = Principal.of(
            session.execute(select(User).where(User.email == demo[role_key])).scalar_one()
        )
    refused = 0
    for rule in protected_rules(app):
        page_rule = app.view_functions[rule.endpoint].required_rule
        if page_rule(principal):
            continue
        url = sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{role_key}: {method} {url}"
            assert "Ingen tilgang" in response.get_data(as_text=True)
            refused += 1
    if role_key not in ("admin",):
        assert refused > 0, f"{role_key} was refused nothing"


def test_public_pages_answer_without_login(client: FlaskClient) -> None:
    assert client.get("/logg-inn").status_code == 200
    assert client.get("/helse").get_data(as_text=True) == "ok"
    with client.get("/static/css/trygg.css") as stylesheet:
        assert stylesheet.status_code == 200
