"""Logging in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.auth import ChangePasswordForm, ConfirmForm, LoginForm
from trygg.accounts import authentication, users
from trygg.accounts.permissions import any_user
from trygg.errors import Refused
from trygg.models import utcnow
from web.form_errors import add_error, show_error
from web.gate import audit_initiator, client_ip, current_user, requires, settings
from web.lifecycle import EarlyCommit, commit_now

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only ever redirect within Trygg after login."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/logg-inn", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        outcome = authentication.log_in(
            db.session,
            current_app.extensions["trygg.passwords"],
            settings().login_policy,
            form.email.data or "",
            form.password.data or "",
            client_ip(),
            utcnow(),
        )
        if outcome.succeeded:
            # A fresh cookie at login: nothing from before the login survives (fixation).
            session.clear()
            session["token"] = outcome.token
            return redirect(_safe_next(request.args.get("next")))
        # The throttle stores its count itself; the audit event of the failed (or refused)
        # attempt is kept although the page answers with an error that discards changes.
        commit_now(EarlyCommit.LOGIN_ATTEMPT)
        add_error(form, None, gettext(outcome.refusal or "", **(outcome.refusal_params or {})))
    return render_template("auth/login.html", form=form)


@bp.route("/logg-ut", methods=["POST"])
@requires(any_user)
def logout() -> Response:
    token = session.get("token")
    if isinstance(token, str):
        authentication.log_out(db.session, token, client_ip(), utcnow())
    # After a Feide login, Feide's own session ends too (imported here: views.auth.feide
    # imports this module).
    from views.auth import feide

    end_session = feide.end_session_url(session.get(feide.ID_TOKEN_KEY))
    session.clear()
    flash(gettext("Du er logget ut."), "info")
    return redirect(end_session or url_for("auth.login"))


@bp.route("/konto/passord", methods=["GET", "POST"])
@requires(any_user)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            authentication.change_own_password(
                db.session,
                current_app.extensions["trygg.passwords"],
                settings().login_policy,
                users.own_account(db.session, current_user()),
                form.current_password.data or "",
                form.new_password.data or "",
                audit_initiator(),
                utcnow(),
            )
        except Refused as error:
            if error.field == "current_password":
                # A wrong current password counts like a failed login (the count itself
                # is already stored by the throttle); its audit event is kept too.
                commit_now(EarlyCommit.LOGIN_ATTEMPT)
            show_error(form, error)
        else:
            session.clear()
            flash(gettext("Passordet er endret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form, logout_form=ConfirmForm())
