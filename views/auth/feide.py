"""Login with Feide: OpenID Connect through Authlib, and its pages.

Authlib keeps the state, the nonce and the PKCE verifier (S256) in the signed session
cookie between the two steps, uses a state once, and verifies the ID token against the
provider's key set. Trygg adds: the discovery document must name the configured issuer
and only HTTPS (or loopback) addresses, only RS256 is accepted, and the issuer and audience
are required claims. Every way the login can fail is one `Failure`, audited, with its own
Norwegian page; the domain (trygg.accounts.feide) then decides which account it is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from werkzeug.wrappers import Response

from database import db
from trygg.accounts import feide
from trygg.config import FeideSettings, issuer_url_allowed
from trygg.models import utcnow
from views.auth.login import _safe_next
from web.gate import client_ip, settings
from web.headers import FORM_TARGETS
from web.lifecycle import EarlyCommit, commit_now

bp = Blueprint("feide", __name__)

# `userid-feide` gives Feide's user id (eduPersonPrincipalName), which matches accounts
# across services; `email` matches the accounts an admin created before Feide was on.
SCOPES = "openid profile email userid-feide"
_CLIENT = "trygg.feide_client"
# The ID token is kept in the cookie for the end-session request's `id_token_hint`.
ID_TOKEN_KEY = "feide_id_token"  # noqa: S105 (a cookie key, not a secret)
_NEXT_KEY = "feide_next"


class ProviderMisconfigured(Exception):
    """The discovery document does not describe the configured provider."""


@bp.record_once
def _install(state: BlueprintSetupState) -> None:
    app: Flask = state.app
    config: FeideSettings | None = app.extensions["trygg.settings"].feide
    if config is None:
        return
    # Logout sends the browser on from its form to the provider's end-session endpoint.
    issuer = urlsplit(config.issuer)
    app.extensions[FORM_TARGETS] = (f"{issuer.scheme}://{issuer.netloc}",)
    oauth = OAuth(app)
    app.extensions[_CLIENT] = oauth.register(
        "feide",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": config.timeout_seconds,
        },
    )


def _client() -> Any:
    client = current_app.extensions.get(_CLIENT)
    if client is None:
        abort(404)
    return client


def _config() -> FeideSettings:
    config = settings().feide
    assert config is not None  # _client() answered 404 otherwise
    return config


def _metadata(client: Any) -> dict[str, Any]:
    """The provider's discovery document, checked once it is loaded."""
    metadata: dict[str, Any] = client.load_server_metadata()
    if not metadata.get("_trygg_checked"):
        if metadata.get("issuer") != _config().issuer:
            raise ProviderMisconfigured("issuer")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not issuer_url_allowed(str(metadata.get(key, ""))):
                raise ProviderMisconfigured(key)
        # Only on the issuer's own origin, the one the CSP lets logout's form go on to.
        end_session = urlsplit(str(metadata.get("end_session_endpoint", "")))
        issuer = urlsplit(_config().issuer)
        if (end_session.scheme, end_session.netloc) != (issuer.scheme, issuer.netloc):
            metadata.pop("end_session_endpoint", None)
        # RS256 alone, whatever the document offers: no "none", no HMAC with public keys.
        metadata["id_token_signing_alg_values_supported"] = ["RS256"]
        metadata["_trygg_checked"] = True
    return metadata


@bp.app_template_global()
def feide_login_options() -> feide.LoginPageOptions:
    return feide.login_page_options(db.session, _CLIENT in current_app.extensions)


def _failure_of(error: Exception) -> feide.Failure:
    if isinstance(error, requests.RequestException):
        return feide.Failure.PROVIDER_DOWN
    if isinstance(error, ProviderMisconfigured):
        return feide.Failure.ISSUER
    if isinstance(error, MismatchingStateError):
        return feide.Failure.STATE
    if isinstance(error, OAuthError):
        # The token endpoint refused the code: used, expired, or the PKCE verifier differs.
        return (
            feide.Failure.CODE if error.error == "invalid_grant" else feide.Failure.PROVIDER_REFUSED
        )
    if isinstance(error, ExpiredTokenError):
        return feide.Failure.EXPIRED
    if isinstance(error, ClaimError):
        return {
            "iss": feide.Failure.ISSUER,
            "aud": feide.Failure.AUDIENCE,
            "azp": feide.Failure.AUDIENCE,
            "nonce": feide.Failure.NONCE,
        }.get(error.claim, feide.Failure.CLAIMS)
    if isinstance(error, BadSignatureError | InvalidKeyIdError | JoseError):
        return feide.Failure.SIGNATURE
    return feide.Failure.CLAIMS


def _failed(failure: feide.Failure) -> tuple[str, int]:
    feide.record_failure(db.session, failure, client_ip(), utcnow())
    # The page is an error (the request's changes roll back); its audit event stays.
    commit_now(EarlyCommit.LOGIN_ATTEMPT)
    status = 503 if failure is feide.Failure.PROVIDER_DOWN else 400
    return render_template("auth/feide_failed.html", failure=failure.value), status


@bp.route("/logg-inn/feide")
def start() -> Response | tuple[str, int]:
    client = _client()
    try:
        _metadata(client)
    except (requests.RequestException, ProviderMisconfigured, ValueError) as error:
        return _failed(_failure_of(error))
    session[_NEXT_KEY] = _safe_next(request.args.get("next"))
    response: Response = client.authorize_redirect(url_for(".callback", _external=True))
    return response


# The errors a callback can meet, each one a Failure (the list is what _failure_of knows).
_CALLBACK_ERRORS = (
    requests.RequestException,
    ProviderMisconfigured,
    OAuthError,
    JoseError,
    ValueError,
)


@bp.route("/logg-inn/feide/callback")
def callback() -> Response | tuple[str, int]:
    client = _client()
    config = _config()
    try:
        _metadata(client)
        token = client.authorize_access_token(
            claims_options={
                "iss": {"essential": True, "value": config.issuer},
                "aud": {"essential": True, "value": config.client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
            }
        )
        claims = token.get("userinfo")
        if claims is None:  # no ID token at all
            raise ValueError("no id_token")
        identity = feide.FeideIdentity.from_claims(claims)
    except _CALLBACK_ERRORS as error:
        return _failed(_failure_of(error))
    outcome = feide.log_in_with_feide(db.session, identity, client_ip(), utcnow())
    if outcome.token is None:
        commit_now(EarlyCommit.LOGIN_ATTEMPT)
        page = render_template(
            "auth/feide_refused.html",
            refusal=outcome.refusal.value if outcome.refusal else "",
            contacts=outcome.contacts,
            email=identity.email,
        )
        return page, 403
    target = session.get(_NEXT_KEY)
    # A fresh cookie at login: nothing from before the login survives (fixation).
    session.clear()
    session["token"] = outcome.token
    session[ID_TOKEN_KEY] = token.get("id_token")
    return redirect(_safe_next(target if isinstance(target, str) else None))


def end_session_url(id_token: object) -> str | None:
    """Where logout sends someone who logged in with Feide: the provider's end-session
    endpoint, when it has one and answers; None otherwise (Trygg's own logout is done)."""
    client = current_app.extensions.get(_CLIENT)
    if client is None or not isinstance(id_token, str):
        return None
    try:
        metadata = _metadata(client)
    except (requests.RequestException, ProviderMisconfigured, ValueError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    created = client.create_logout_url(
        post_logout_redirect_uri=url_for("auth.login", _external=True),
        id_token_hint=id_token,
    )
    url: str = created["url"]
    return url
