"""Security headers on every response. No inline script is allowed: all JS is in static/."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Origins a form may send the browser on to besides Trygg: logout sends someone who logged
# in with Feide on to the provider's end-session endpoint (views.auth.feide adds it).
FORM_TARGETS = "trygg.form_targets"


def _secure(response: Response) -> Response:
    targets: tuple[str, ...] = current_app.extensions.get(FORM_TARGETS, ())
    response.headers["Content-Security-Policy"] = (
        CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", " ".join(("form-action 'self'", *targets))
        )
        if targets
        else CONTENT_SECURITY_POLICY
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        # Pages hold case data: browsers and proxies must not keep copies.
        response.headers["Cache-Control"] = "no-store"
    return response


def install_headers(app: Flask) -> None:
    app.after_request(_secure)
