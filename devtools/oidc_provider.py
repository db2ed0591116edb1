"""A small, real OpenID Connect provider on 127.0.0.1, standing in for Feide in tests and
trials (`make run FEIDE=local`). It knows nothing of Trygg.

It serves the discovery document, its key set, an authorization endpoint (a page where
one types whom to log in as, or an automatic approval for tests), a token endpoint that
checks the code, the PKCE verifier against the S256 challenge and the client's
credentials and returns an RS256-signed ID token with Feide's claims, and an end-session
endpoint. On demand it misbehaves the ways a provider or an attacker can (`fault`).

    python -m devtools.oidc_provider --port 5010 --client-id trygg --client-secret hemmelig
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

FEIDE_USER_ID_CLAIM = "https://n.feide.no/claims/eduPersonPrincipalName"

# What `fault` can be set to, each a way the login must be refused:
FAULTS = (
    "wrong_key",  # ID token signed by another key under the published key id
    "unknown_key",  # ID token signed by another key with a key id not in the key set
    "wrong_issuer",
    "wrong_audience",
    "expired",  # ID token expired an hour ago
    "wrong_nonce",
    "no_nonce",
    "token_error",  # the token endpoint answers 500
    "discovery_issuer",  # the discovery document names another issuer
)


@dataclass(frozen=True)
class FeideUser:
    email: str
    name: str
    sub: str = ""
    feide_id: str | None = None

    def claims(self) -> dict[str, Any]:
        sub = self.sub or hashlib.sha256(self.email.encode()).hexdigest()[:32]
        claims: dict[str, Any] = {"sub": sub, "email": self.email, "name": self.name}
        if self.feide_id:
            claims[FEIDE_USER_ID_CLAIM] = self.feide_id
        return claims


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    user: FeideUser
    expires: float


@dataclass
class OidcProvider:
    client_id: str = "trygg-test"
    client_secret: str = "trygg-test-secret"  # noqa: S105 (a test provider's)
    # Who /authorize logs in when it approves at once; None shows the page instead.
    auto_approve: FeideUser | None = None
    users: dict[str, FeideUser] = field(default_factory=dict)
    fault: str | None = None
    code_lifetime: float = 60.0
    host: str = "127.0.0.1"
    port: int = 0
    # What it saw, for tests to read.
    logouts: list[dict[str, str]] = field(default_factory=list)
    token_requests: int = 0

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- running ---------------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OidcProvider:
        provider = self

        class Handler(_Handler):
            owner = provider

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering (the port is closed: "provider down")."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- the protocol ----------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": "https://auth.example.org"
            if self.fault == "discovery_issuer"
            else self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "userid-feide"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False, alg="RS256")]}

    def user_for(self, email: str) -> FeideUser:
        email = email.strip().lower()
        if email in self.users:
            return self.users[email]
        # Any address logs in as itself, which is what trials with the demo accounts need.
        return FeideUser(email=email, name=email.split("@")[0].replace(".", " ").title())

    def grant(self, query: dict[str, str], user: FeideUser) -> str:
        """The redirect back to the client after approval."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=query["client_id"],
                redirect_uri=query["redirect_uri"],
                challenge=query.get("code_challenge", ""),
                nonce=query.get("nonce"),
                user=user,
                expires=time.time() + self.code_lifetime,
            )
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        return f"{query['redirect_uri']}?{urlencode(params)}"

    def check_authorize(self, query: dict[str, str]) -> str | None:
        if query.get("client_id") != self.client_id:
            return "unknown client"
        if query.get("response_type") != "code":
            return "unsupported response_type"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE with S256 is required"
        if "openid" not in query.get("scope", "").split():
            return "scope openid is required"
        if not query.get("redirect_uri", "").startswith(("http://", "https://")):
            return "bad redirect_uri"
        return None

    def token(
        self, form: dict[str, str], basic: tuple[str, str] | None
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.token_requests += 1
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or grant.expires < time.time() or grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        if not verifier or not secrets.compare_digest(challenge, grant.challenge):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        if self.fault == "token_error":
            return 500, {"error": "server_error"}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid profile email userid-feide",
            "id_token": self.id_token(grant),
        }

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
            **grant.user.claims(),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        key = self.key
        if self.fault == "wrong_key":
            key = self.other_key
        elif self.fault == "unknown_key":
            key = RSAKey.generate_key(2048, parameters={"kid": "k-other"})
        elif self.fault == "wrong_issuer":
            claims["iss"] = "https://auth.example.org"
        elif self.fault == "wrong_audience":
            claims["aud"] = "another-client"
        elif self.fault == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.fault == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif self.fault == "no_nonce":
            claims.pop("nonce", None)
        header = {"alg": "RS256", "kid": key.kid or "k1"}
        return jwt.encode(header, claims, key)


class _Handler(BaseHTTPRequestHandler):
    owner: OidcProvider

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: str | dict[str, Any], location: str | None = None) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode("utf-8")
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header(
            "Content-Type",
            "application/json" if isinstance(body, dict) else "text/html; charset=utf-8",
        )
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _query(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        return {k: v[0] for k, v in parse_qs(body).items()}

    def do_GET(self) -> None:
        path, query = self._query()
        provider = self.owner
        if path == "/.well-known/openid-configuration":
            self._send(200, provider.discovery())
        elif path == "/jwks":
            self._send(200, provider.jwks())
        elif path == "/authorize":
            problem = provider.check_authorize(query)
            if problem:
                self._send(400, f"<p>{html.escape(problem)}</p>")
            elif provider.auto_approve is not None:
                self._send(302, "", provider.grant(query, provider.auto_approve))
            else:
                self._send(200, _login_page(query))
        elif path == "/logout":
            provider.logouts.append(query)
            target = query.get("post_logout_redirect_uri")
            if target:
                state = query.get("state")
                self._send(302, "", target + (f"?{urlencode({'state': state})}" if state else ""))
            else:
                self._send(200, "<p>Du er logget ut av testleverandøren.</p>")
        elif path == "/favicon.ico":
            self._send(204, "")
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        path, _ = self._query()
        provider = self.owner
        form = self._form()
        if path == "/authorize":
            query = {k[2:]: v for k, v in form.items() if k.startswith("q_")}
            problem = provider.check_authorize(query)
            if problem:
                self._send(400, f"<p>{html.escape(problem)}</p>")
            else:
                user = provider.user_for(form.get("email", ""))
                self._send(302, "", provider.grant(query, user))
        elif path == "/token":
            status, body = provider.token(form, _basic(self.headers.get("Authorization")))
            self._send(status, body)
        else:
            self._send(404, {"error": "not_found"})


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    from urllib.parse import unquote

    decoded = base64.b64decode(header[6:]).decode("utf-8")
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


def _login_page(query: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="q_{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in query.items()
    )
    return f"""<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Testleverandør for Feide</title></head>
<body><h1>Testleverandør for Feide</h1>
<p>Ikke ekte Feide: en lokal leverandør for utvikling og tester.</p>
<form method="post" action="/authorize">{hidden}
<label for="email">E-postadresse i Feide</label>
<input id="email" name="email" type="email" required>
<button type="submit">Logg inn</button>
</form></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5010)
    parser.add_argument("--client-id", default="trygg-dev")
    parser.add_argument("--client-secret", default="trygg-dev-secret")
    args = parser.parse_args()
    provider = OidcProvider(
        client_id=args.client_id, client_secret=args.client_secret, port=args.port
    ).start()
    print(f"Testleverandør for Feide på {provider.issuer}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        provider.stop()


if __name__ == "__main__":
    main()
