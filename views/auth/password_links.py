"""Setting a password from a link in an e-mail: "Glemt passord?" on the login page, and
an invitation an admin sends to a new or imported account.

Both public pages answer the same whatever address is typed, so they never tell whether
someone has an account; the e-mail carries only the link.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm, ForgotPasswordForm, SetPasswordForm
from trygg.accounts import password_links, users
from trygg.accounts.permissions import can_administer
from trygg.cases.reminders import mailer_for
from trygg.errors import DomainError
from trygg.mail import MailError, notice
from trygg.models import User, utcnow
from web.gate import audit_initiator, client_ip, current_user, requires, settings

bp = Blueprint("password_links", __name__)
log = logging.getLogger(__name__)


def _link(token: str) -> str:
    path = url_for("password_links.set_password", token=token)
    return f"{settings().base_url.rstrip('/')}{path}"


def _send(to: str, kind: str, token: str) -> bool:
    return _send_all([(to, token)], kind)


def _send_all(recipients: list[tuple[str, str]], kind: str) -> bool:
    try:
        mailer_for(settings()).send([notice(to, kind, _link(token)) for to, token in recipients])
    except MailError:
        # Logged without the address or the link: the token is a key to the account.
        log.exception("kunne ikke sende e-post med passordlenke")
        return False
    return True


@bp.route("/glemt-passord", methods=["GET", "POST"])
def forgot() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = password_links.reset_for(
            db.session, settings().secret_key, form.email.data or "", client_ip(), utcnow()
        )
        db.session.commit()
        if found is not None:
            user, token = found
            _send(user.email, "password_reset", token)
        flash(
            gettext(
                "Hvis adressen hører til en konto i Trygg, har vi sendt en e-post med en lenke "
                "for å sette nytt passord. Lenken virker i en time. Finner du ikke e-posten, "
                "se i søppelposten eller kontakt den som administrerer Trygg ved skolen."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/konto/nytt-passord/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | Response | tuple[str, int]:
    secret = settings().secret_key
    try:
        found = password_links.user_for_token(db.session, secret, token)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=gettext(error.message)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_links.use_link(
                db.session,
                current_app.extensions["trygg.passwords"],
                secret,
                token,
                form.new_password.data or "",
                utcnow(),
            )
        except DomainError as error:
            form.new_password.errors = [gettext(error.message, **error.params)]
        else:
            db.session.commit()
            flash(
                gettext("Passordet er satt. Logg inn med e-postadressen og passordet."), "success"
            )
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/set_password.html",
        form=form,
        invitation=found.purpose == password_links.INVITATION,
        name=found.user.name,
    )


@bp.route("/admin/brukere/<int:user_id>/invitasjon", methods=["POST"])
@requires(can_administer)
def invite(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        users.require_manageable(current_user(), user)
    except DomainError:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            token = password_links.invitation_for(
                db.session, settings().secret_key, user, audit_initiator(), utcnow()
            )
        except DomainError as error:
            flash(gettext(error.message, **error.params), "error")
        else:
            db.session.commit()
            if _send(user.email, "invitation", token):
                flash(gettext("Invitasjonen er sendt til %(email)s.", email=user.email), "success")
            else:
                flash(gettext("Invitasjonen kunne ikke sendes. Prøv igjen senere."), "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/admin/brukere/invitasjoner", methods=["POST"])
@requires(can_administer)
def invite_all() -> Response:
    admin = current_user()
    form = ConfirmForm()
    if form.validate_on_submit():
        users = password_links.users_without_password(
            db.session, admin.municipality_id, admin.school_id
        )
        invited = password_links.invitations_for(
            db.session, settings().secret_key, users, audit_initiator(), utcnow()
        )
        db.session.commit()
        if _send_all([(user.email, token) for user, token in invited], "invitation"):
            flash(
                ngettext(
                    "%(num)d invitasjon er sendt.", "%(num)d invitasjoner er sendt.", len(invited)
                ),
                "success",
            )
        else:
            flash(gettext("Invitasjonene kunne ikke sendes. Prøv igjen senere."), "error")
    return redirect(url_for("admin.users"))
