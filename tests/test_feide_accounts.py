"""Login with Feide without HTTP: the settings, the issuer rule, the page rule, and the
municipality's Feide page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from trygg import audit
from trygg.accounts import feide
from trygg.accounts.permissions import can_manage_feide
from trygg.accounts.principal import Principal
from trygg.config import ConfigError, feide_settings_from_env, issuer_url_allowed
from trygg.errors import Refused
from trygg.models import AuditEvent, Municipality, utcnow

BY = audit.Initiator(user_id=None, email="admin@example.org", ip="127.0.0.1")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://auth.dataporten.no", True),
        ("http://127.0.0.1:5010", True),
        ("http://localhost:5010", True),
        ("http://[::1]:5010", True),
        ("http://auth.dataporten.no", False),
        ("http://10.0.0.5:5010", False),
        ("http://127.0.0.1.evil.example", False),
        ("https://user:pw@auth.dataporten.no", False),
        ("ftp://auth.dataporten.no", False),
        ("", False),
    ],
)
def test_an_http_issuer_is_accepted_on_loopback_only(url: str, allowed: bool) -> None:
    assert issuer_url_allowed(url) is allowed


def test_feide_settings_from_the_environment() -> None:
    assert feide_settings_from_env({}) is None
    config = feide_settings_from_env({"FEIDE_CLIENT_ID": "id", "FEIDE_CLIENT_SECRET": "s"})
    assert config is not None and config.issuer == "https://auth.dataporten.no"
    local = feide_settings_from_env(
        {
            "FEIDE_CLIENT_ID": "id",
            "FEIDE_CLIENT_SECRET": "s",
            "FEIDE_ISSUER": "http://127.0.0.1:5010/",
        }
    )
    assert local is not None and local.issuer == "http://127.0.0.1:5010"
    with pytest.raises(ConfigError, match="together"):
        feide_settings_from_env({"FEIDE_CLIENT_ID": "id"})
    with pytest.raises(ConfigError, match="https"):
        feide_settings_from_env(
            {
                "FEIDE_CLIENT_ID": "id",
                "FEIDE_CLIENT_SECRET": "s",
                "FEIDE_ISSUER": "http://idp.example",
            }
        )


def test_only_a_municipality_admin_manages_feide() -> None:
    def who(role: str, school_id: int | None) -> Principal:
        return Principal(1, "a@example.org", "A", "", role, 1, school_id, None, "Kommune")

    assert can_manage_feide(who("admin", None))
    assert not can_manage_feide(who("admin", 3))
    for role in ("ansatt", "kontaktlaerer", "ledelse"):
        assert not can_manage_feide(who(role, 3))
    assert not can_manage_feide(who("skoleeier", None))


def test_domains_are_parsed_and_checked() -> None:
    assert feide.parse_domains(" @Skole.Example\nbarnehage.example, skole.example ") == (
        "skole.example",
        "barnehage.example",
    )
    assert feide.parse_domains("") == ()
    with pytest.raises(Refused) as refused:
        feide.parse_domains("skole.example\nikke et domene")
    assert refused.value.field == "account_domains"


def test_claims_become_an_identity() -> None:
    identity = feide.FeideIdentity.from_claims(
        {"sub": "s1", "email": " Ola@Skole.Example ", feide.FEIDE_USER_ID_CLAIM: "ola@feide.no"}
    )
    assert identity == feide.FeideIdentity("s1", "ola@skole.example", "Ola", "ola@feide.no")
    with pytest.raises(ValueError, match="sub"):
        feide.FeideIdentity.from_claims({"email": "x@y.no"})


def test_a_domain_belongs_to_one_municipality(session: Session, demo: dict[str, str]) -> None:
    first = session.execute(select(Municipality)).scalar_one()
    other = Municipality(name="Annen kommune")
    session.add(other)
    session.flush()
    choice = feide.FeideChoice(True, False, "skole.example")
    assert feide.set_feide_settings(session, first.id, choice, BY, utcnow())
    assert not feide.set_feide_settings(session, first.id, choice, BY, utcnow())
    with pytest.raises(Refused) as refused:
        feide.set_feide_settings(session, other.id, choice, BY, utcnow())
    assert refused.value.params["municipality"] == first.name
    changes = session.execute(
        select(AuditEvent.action).where(AuditEvent.action == "municipality.feide_settings_changed")
    ).all()
    assert len(changes) == 1


def test_the_municipality_admin_sets_feide_on_its_page(
    client: FlaskClient, demo: dict[str, str], session: Session
) -> None:
    log_in(client, demo["admin"])
    page = client.get("/admin/feide")
    assert page.status_code == 200
    assert "ikke satt opp på denne serveren" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/feide")
    bad = client.post(
        "/admin/feide",
        data={"csrf_token": token, "enabled": "y", "account_domains": "skole.example\nfeil domene"},
    )
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "«feil» er ikke et domene" in text
    assert "skole.example\nfeil domene" in text  # what was typed is kept
    good = client.post(
        "/admin/feide",
        data={
            "csrf_token": token,
            "enabled": "y",
            "local_login_hidden": "y",
            "account_domains": "skole.example",
        },
    )
    assert good.status_code == 302
    session.expire_all()
    municipality = session.execute(select(Municipality)).scalar_one()
    assert (municipality.local_login_hidden, municipality.feide_account_domains) == (
        True,
        "skole.example",
    )


def test_a_school_admin_cannot_open_the_feide_page(
    client: FlaskClient, demo: dict[str, str]
) -> None:
    log_in(client, demo["admin_school"])
    assert client.get("/admin/feide").status_code == 403
