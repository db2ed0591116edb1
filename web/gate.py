"""Deny by default: every page needs a logged-in user and a declared page rule.

A view without `@requires(...)` is unreachable (403) even for logged-in users, so a new
page is closed until someone decides who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import format_number, gettext
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from database import db
from trygg import audit, form_drafts
from trygg.accounts.authentication import SessionState, resume
from trygg.accounts.permissions import PageRule
from trygg.accounts.principal import Principal
from trygg.config import Settings
from trygg.form_drafts import Kept
from trygg.models import utcnow
from web.lifecycle import EarlyCommit, commit_now

F = TypeVar("F", bound=Callable[..., Any])

# The only endpoints that answer without a login.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "feide.start",
        "feide.callback",
        "home.health",
        "static",
        "password_links.forgot",
        "password_links.set_password",
    }
)


def requires(rule: PageRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.required_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def settings() -> Settings:
    return current_app.extensions["trygg.settings"]  # type: ignore[no-any-return]


def current_user() -> Principal:
    principal: Principal = g.principal
    return principal


def client_ip() -> str:
    return request.remote_addr or ""


def audit_initiator() -> audit.Initiator:
    user: Principal | None = g.get("principal")
    if user is None:
        return audit.Initiator(user_id=None, email="", ip=client_ip())
    return audit.Initiator(user_id=user.id, email=user.email, ip=client_ip())


def _load_principal() -> SessionState:
    token = session.get("token")
    if not isinstance(token, str):
        return SessionState.MISSING
    config = settings()
    resumed = resume(
        db.session, token, config.idle_timeout, config.absolute_session_lifetime, utcnow()
    )
    commit_now(EarlyCommit.SESSION_RESUMED)
    if resumed.principal is not None:
        g.principal = resumed.principal
    return resumed.state


def _gate() -> Any:
    g.principal = None
    endpoint = request.endpoint
    if endpoint in PUBLIC_ENDPOINTS:
        if endpoint != "static" and session.get("token"):
            _load_principal()
        return None
    state = _load_principal()
    if g.principal is None:
        kept = _keep_posted_form(state)
        session.pop("token", None)
        if state is SessionState.EXPIRED:
            flash(gettext("Du ble logget ut fordi du ikke hadde vært aktiv på en stund."), "info")
        if kept is Kept.KEPT:
            flash(
                gettext(
                    "Det du skrev er tatt vare på. Logg inn igjen, så kommer du tilbake til "
                    "skjemaet med teksten din."
                ),
                "info",
            )
        elif kept is Kept.TOO_LARGE:
            flash(
                gettext(
                    "Det du skrev, kunne ikke tas vare på fordi det var for langt (mer enn "
                    "%(limit)s tegn). Gå tilbake i nettleseren og kopier teksten før du "
                    "logger inn igjen.",
                    limit=format_number(form_drafts.KEEP_AT_MOST),
                ),
                "error",
            )
        nxt = request.full_path if request.method == "GET" else None
        if kept is Kept.KEPT:
            nxt = request.path
        return redirect(url_for("auth.login", next=nxt.rstrip("?") if nxt else None))
    if request.routing_exception is not None:
        # No page at this address (404) or not for this method (405): said as such to a
        # logged-in user once the login is known, rather than a 403 for a page that is
        # not there.
        return None
    view = current_app.view_functions.get(endpoint or "")
    rule = getattr(view, "required_rule", None)
    if rule is None or not rule(g.principal):
        abort(403)
    if request.method == "GET":
        _restore_kept_form()
    return None


def _keep_posted_form(state: SessionState) -> Kept:
    """A form posted in the request that found the session idle too long is kept for the
    same user (never lost). Only then: a session that was ended (logout, deactivation)
    or has outlived its absolute lifetime writes nothing, nor does a post without the
    session's own CSRF token (another site's form), nor one to an address with no page."""
    token = session.get("token")
    if (
        state is not SessionState.EXPIRED
        or request.method != "POST"
        or request.routing_exception is not None
        or not isinstance(token, str)
        or not request.form
    ):
        return Kept.NOTHING
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return Kept.NOTHING
    fields = {key: request.form.getlist(key) for key in request.form}
    config = settings()
    kept = form_drafts.keep(
        db.session,
        token,
        request.path,
        fields,
        utcnow(),
        config.idle_timeout,
        config.absolute_session_lifetime,
    )
    if kept is Kept.KEPT:
        commit_now(EarlyCommit.FORM_KEPT)
    return kept


def _restore_kept_form() -> None:
    fields = form_drafts.take(db.session, g.principal.id, request.path, utcnow())
    if fields is None:
        return
    commit_now(EarlyCommit.FORM_RESTORED)
    g.restored_form = fields
    flash(
        gettext("Teksten du skrev før du ble logget ut, er satt inn igjen. Se over og lagre."),
        "info",
    )


def install_gate(app: Flask) -> None:
    app.before_request(_gate)

    @app.context_processor
    def inject_user() -> dict[str, Any]:
        return {"current_user": g.get("principal")}
