"""Login with Feide over HTTP: Trygg (the Flask test client) against a real OpenID Connect
provider on 127.0.0.1 (devtools/oidc_provider.py), spoken to over real HTTP by Authlib
and by the test standing in for the browser. Nothing of the protocol is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app import create_app
from database import db
from devtools.oidc_provider import FeideUser, OidcProvider
from tests.conftest import DEMO_PASSWORD, csrf_token, log_in, make_settings
from tests.factories.users import user
from trygg.accounts.roles import ANSATT
from trygg.config import FeideSettings
from trygg.models import AuditEvent, LoginSession, Municipality, User

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

CLIENT_ID = "trygg-test"
SECRET = "trygg-test-secret"


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(client_id=CLIENT_ID, client_secret=SECRET) as running:
        yield running


@pytest.fixture
def settings_overrides(provider: OidcProvider) -> dict[str, object]:
    return {
        "feide": FeideSettings(client_id=CLIENT_ID, client_secret=SECRET, issuer=provider.issuer)
    }


def authorize(client: FlaskClient, next_url: str | None = None) -> str:
    """Trygg's redirect to the provider's authorization endpoint."""
    start = client.get(
        "/logg-inn/feide" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    )
    assert start.status_code == 302, start.get_data(as_text=True)[:500]
    location = start.headers["Location"]
    assert urlsplit(location).path == "/authorize"
    return location


def approve(provider: OidcProvider, url: str, who: FeideUser) -> str:
    """The browser at the provider: approved as `who`, sent back to Trygg's callback."""
    provider.auto_approve = who
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/logg-inn/feide/callback"
    return f"{back.path}?{back.query}"


def feide_login(
    client: FlaskClient, provider: OidcProvider, who: FeideUser, next_url: str | None = None
) -> TestResponse:
    return client.get(approve(provider, authorize(client, next_url), who))


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


def actions(session: Session, prefix: str = "") -> list[tuple[str, str]]:
    session.expire_all()
    events = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    return [(e.action, e.details) for e in events if e.action.startswith(prefix)]


def session_token(client: FlaskClient) -> str | None:
    with client.session_transaction() as cookie:
        token = cookie.get("token")
    return token if isinstance(token, str) else None


# --- matching --------------------------------------------------------------------------------


def test_first_login_by_email_stores_the_feide_ids_and_the_next_matches_by_them(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    email = demo["ansatt"]
    who = FeideUser(email=email, name="Mona Ruud", sub="sub-mona", feide_id="mona@feide.example")
    answer = feide_login(client, provider, who, next_url="/konto/passord")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/konto/passord"
    assert client.get("/").status_code == 200
    account = user(session, email)
    assert (account.feide_subject, account.feide_user_id) == ("sub-mona", "mona@feide.example")
    assert [a for a, _ in actions(session, "login.feide")] == ["login.feide_succeeded"]
    assert [d for a, d in actions(session) if a == "user.feide_linked"] == ['{"by": "email"}']

    # Later, with another address in Feide: the stored sub finds the account.
    later = FlaskClient(client.application, client.response_wrapper)
    moved = FeideUser(email="ny.adresse@example.org", name="Mona", sub="sub-mona")
    assert feide_login(later, provider, moved).status_code == 302
    assert later.get("/").status_code == 200
    assert actions(session, "login.feide_succeeded")[-1][1] == '{"matched_by": "subject"}'


def test_feide_user_id_matches_and_takes_a_new_sub(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    account = user(session, demo["kontaktlaerer"])
    account.feide_subject, account.feide_user_id = "old-sub", "per@feide.example"
    session.commit()
    who = FeideUser(
        email="per@elsewhere.example", name="Per", sub="new-sub", feide_id="per@feide.example"
    )
    assert feide_login(client, provider, who).status_code == 302
    session.expire_all()
    assert user(session, demo["kontaktlaerer"]).feide_subject == "new-sub"
    assert actions(session, "login.feide_succeeded")[-1][1] == '{"matched_by": "user_id"}'


def test_unknown_user_is_refused_with_whom_to_contact(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    who = FeideUser(email="ukjent@example.org", name="Ukjent", sub="sub-x")
    answer = feide_login(client, provider, who)
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Det finnes ingen konto i Trygg for ukjent@example.org" in page
    assert f"mailto:{demo['admin']}" in page  # the municipality's admin
    assert session_token(client) is None
    assert client.get("/").status_code == 302
    assert actions(session, "login.feide") == [
        ("login.feide_refused", '{"feide_user": "", "reason": "no_account"}')
    ]
    assert session.execute(select(User).where(User.email == "ukjent@example.org")).first() is None


def test_accounts_are_created_only_for_the_listed_domains(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    municipality = session.execute(select(Municipality)).scalar_one()
    municipality.feide_account_domains = "skole.example"
    session.commit()
    outsider = FeideUser(email="kari@annet.example", name="Kari", sub="sub-kari")
    assert feide_login(client, provider, outsider).status_code == 403

    newcomer = FeideUser(
        email="Nora.Lie@skole.example",
        name="Nora Lie",
        sub="sub-nora",
        feide_id="nora@skole.example",
    )
    assert feide_login(client, provider, newcomer).status_code == 302
    front = client.get("/")
    assert front.status_code == 200 and "Nora Lie" in front.get_data(as_text=True)
    created = user(session, "nora.lie@skole.example")
    assert (created.role_code, created.school_id, created.password_hash) == (ANSATT, None, None)
    assert created.feide_subject == "sub-nora"
    assert ("user.created", '{"role": "ansatt", "school_id": null, "via": "feide"}') in actions(
        session
    )
    # No school yet: the school's pages are closed until an admin places the account.
    assert client.get("/meldinger/ny").status_code == 403


def test_a_deactivated_account_cannot_log_in_with_feide(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    account = user(session, demo["ansatt"])
    account.active = False
    account.feide_subject = "sub-mona"
    session.commit()
    answer = feide_login(
        client, provider, FeideUser(email=demo["ansatt"], name="Mona", sub="sub-mona")
    )
    assert answer.status_code == 403
    assert "deaktivert" in answer.get_data(as_text=True)
    assert session_token(client) is None
    assert actions(session, "login.feide")[-1][1] == '{"feide_user": "", "reason": "deactivated"}'


def test_an_account_tied_to_another_feide_login_is_not_taken_over_by_email(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    account = user(session, demo["ledelse"])
    account.feide_subject = "the-real-rektor"
    session.commit()
    impostor = FeideUser(email=demo["ledelse"], name="Hilde", sub="someone-else")
    answer = feide_login(client, provider, impostor)
    assert answer.status_code == 403
    assert "knyttet til en annen Feide-bruker" in answer.get_data(as_text=True)
    session.expire_all()
    assert user(session, demo["ledelse"]).feide_subject == "the-real-rektor"


def test_a_municipality_without_feide_refuses_it_and_hides_the_button(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    municipality = session.execute(select(Municipality)).scalar_one()
    municipality.feide_enabled = False
    session.commit()
    assert "Logg inn med Feide" not in client.get("/logg-inn").get_data(as_text=True)
    answer = feide_login(client, provider, FeideUser(email=demo["ansatt"], name="Mona", sub="s"))
    assert answer.status_code == 403
    assert "bruker ikke Feide-innlogging" in answer.get_data(as_text=True)


# --- the protocol's checks -------------------------------------------------------------------

FAULTS = {
    "wrong_key": "signature",
    "unknown_key": "signature",
    "wrong_issuer": "issuer",
    "wrong_audience": "audience",
    "expired": "expired",
    "wrong_nonce": "nonce",
    "no_nonce": "nonce",
    # A token endpoint that answers 500 is a provider that is not working.
    "token_error": "provider_down",
    "discovery_issuer": "issuer",
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_provider_fault_is_refused_audited_and_explained(
    client: FlaskClient,
    provider: OidcProvider,
    demo: dict[str, str],
    session: Session,
    fault: str,
) -> None:
    provider.fault = fault
    who = FeideUser(email=demo["ansatt"], name="Mona", sub="sub-mona")
    if fault == "discovery_issuer":
        answer = client.get("/logg-inn/feide")
    else:
        answer = feide_login(client, provider, who)
    assert answer.status_code == (503 if FAULTS[fault] == "provider_down" else 400)
    page = answer.get_data(as_text=True)
    assert "Innloggingen med Feide mislyktes" in page
    assert "Traceback" not in page
    assert session_token(client) is None
    assert actions(session, "login.feide") == [
        ("login.feide_failed", f'{{"reason": "{FAULTS[fault]}"}}')
    ]
    assert user(session, demo["ansatt"]).feide_subject is None


def test_a_tampered_or_replayed_state_is_refused(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    who = FeideUser(email=demo["ansatt"], name="Mona", sub="sub-mona")
    callback = approve(provider, authorize(client), who)
    tampered = with_query("http://localhost" + callback, state="forged-state")
    answer = client.get(tampered.removeprefix("http://localhost"))
    assert answer.status_code == 400
    assert "ikke til en innlogging som ble startet i denne nettleseren" in answer.get_data(
        as_text=True
    )
    assert actions(session, "login.feide")[-1][1] == '{"reason": "state"}'

    # A state is used once: the real callback works, and the same callback again does not.
    fresh = approve(provider, authorize(client), who)
    assert client.get(fresh).status_code == 302
    again = client.get(fresh)
    assert again.status_code == 400
    assert actions(session, "login.feide")[-1][1] == '{"reason": "state"}'


def test_a_tampered_pkce_challenge_is_refused_by_the_token_endpoint(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    url = authorize(client)
    assert parse_qs(urlsplit(url).query)["code_challenge_method"] == ["S256"]
    forged = with_query(url, code_challenge="A" * 43)
    answer = client.get(
        approve(provider, forged, FeideUser(email=demo["ansatt"], name="M", sub="s"))
    )
    assert answer.status_code == 400
    assert actions(session, "login.feide")[-1][1] == '{"reason": "code"}'


def test_a_tampered_nonce_is_refused(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    forged = with_query(authorize(client), nonce="attacker-nonce")
    answer = client.get(
        approve(provider, forged, FeideUser(email=demo["ansatt"], name="M", sub="s"))
    )
    assert answer.status_code == 400
    assert actions(session, "login.feide")[-1][1] == '{"reason": "nonce"}'


def test_an_expired_code_is_refused(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    provider.code_lifetime = -1
    answer = feide_login(client, provider, FeideUser(email=demo["ansatt"], name="M", sub="s"))
    assert answer.status_code == 400
    assert "tok for lang tid" in answer.get_data(as_text=True)
    assert actions(session, "login.feide")[-1][1] == '{"reason": "code"}'


def test_a_provider_that_is_down_gets_a_clear_page(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    # Down between the redirect and the callback: the code cannot be exchanged.
    callback = approve(
        provider, authorize(client), FeideUser(email=demo["ansatt"], name="M", sub="s")
    )
    provider.stop()
    answer = client.get(callback)
    assert answer.status_code == 503
    assert "fikk ikke kontakt med Feide" in answer.get_data(as_text=True)
    # Down from the start (a new app has not read the discovery document yet).
    fresh = create_app(client.application.extensions["trygg.settings"])
    try:
        assert fresh.test_client().get("/logg-inn/feide").status_code == 503
    finally:
        with fresh.app_context():
            db.engine.dispose()
    assert [d for _, d in actions(session, "login.feide")] == ['{"reason": "provider_down"}'] * 2


# --- Trygg's session -------------------------------------------------------------------------


def test_a_feide_login_starts_a_new_session_that_idles_out(
    app: Flask, client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    log_in(client, demo["kontaktlaerer"])
    before = session_token(client)
    assert (
        feide_login(
            client, provider, FeideUser(email=demo["ansatt"], name="M", sub="s")
        ).status_code
        == 302
    )
    after = session_token(client)
    assert after is not None and after != before
    rows = session.execute(select(LoginSession).order_by(LoginSession.created_at)).scalars().all()
    assert [r.user.email for r in rows][-1] == demo["ansatt"]
    assert client.get("/").status_code == 200

    idle = app.extensions["trygg.settings"].idle_timeout
    latest = rows[-1]
    latest.last_seen_at = latest.last_seen_at - idle - timedelta(minutes=2)
    session.commit()
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/logg-inn")
    assert actions(session)[-1][0] == "session.expired"


def test_logout_ends_the_session_and_sends_the_user_to_the_providers_end_session(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    assert (
        feide_login(
            client, provider, FeideUser(email=demo["ansatt"], name="M", sub="s")
        ).status_code
        == 302
    )
    answer = client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/konto/passord")})
    assert answer.status_code == 302
    target = answer.headers["Location"]
    assert target.startswith(f"{provider.issuer}/logout?")
    query = parse_qs(urlsplit(target).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/logg-inn"]
    assert query["id_token_hint"][0].count(".") == 2
    assert client.get("/").status_code == 302  # Trygg's session is over
    session.expire_all()
    assert all(r.ended_at is not None for r in session.execute(select(LoginSession)).scalars())

    back = requests.get(target, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(
        "http://localhost/logg-inn"
    )
    assert len(provider.logouts) == 1

    # A password login logs out at Trygg alone.
    log_in(client, demo["ansatt"])
    local = client.post("/logg-ut", data={"csrf_token": csrf_token(client, "/konto/passord")})
    assert local.headers["Location"] == "/logg-inn"


# --- the login page ----------------------------------------------------------------------------


def test_the_login_page_offers_feide_first_and_can_hide_the_local_form(
    client: FlaskClient, provider: OidcProvider, demo: dict[str, str], session: Session
) -> None:
    page = client.get("/logg-inn").get_data(as_text=True)
    assert page.index("Logg inn med Feide") < page.index('name="password"')

    municipality = session.execute(select(Municipality)).scalar_one()
    municipality.local_login_hidden = True
    session.commit()
    hidden = client.get("/logg-inn").get_data(as_text=True)
    assert "Logg inn med Feide" in hidden and 'name="password"' not in hidden
    assert "passord=1" in hidden
    shown = client.get("/logg-inn?passord=1").get_data(as_text=True)
    assert 'name="password"' in shown
    # The first admin still gets in with a password.
    posted = client.post(
        "/logg-inn?passord=1",
        data={
            "csrf_token": csrf_token(client, "/logg-inn?passord=1"),
            "email": demo["admin"],
            "password": DEMO_PASSWORD,
        },
    )
    assert posted.status_code == 302 and client.get("/").status_code == 200


def test_without_feide_configured_the_login_page_is_as_before(
    database_url: str, tmp_path: Path, demo: dict[str, str]
) -> None:
    plain = create_app(make_settings(database_url, tmp_path / "plain"))
    try:
        client = plain.test_client()
        page = client.get("/logg-inn").get_data(as_text=True)
        assert "Feide" not in page and 'name="password"' in page
        assert client.get("/logg-inn/feide").status_code == 404
        assert client.get("/logg-inn/feide/callback?code=x&state=y").status_code == 404
    finally:
        with plain.app_context():
            db.engine.dispose()
