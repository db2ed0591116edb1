"""Setting a password from a link in an e-mail: "Glemt passord?" on the login page, and
an invitation an admin sends to a new or imported account (one in the request; "alle uten
passord" by a background job, like the import's).

Both public pages answer the same whatever address is typed, so they never tell whether
someone has an account; the e-mail carries only the link.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm, ForgotPasswordForm, SetPasswordForm
from trygg.accounts import password_links, scope
from trygg.accounts.permissions import can_administer
from trygg.cases.reminders import mailer_for
from trygg.errors import Refused
from trygg.jobs import INVITATIONS, invite_everyone
from trygg.mail import Mailer, MailError, Notice, notice
from trygg.models import User, utcnow
from views.jobs.pages import start as start_job
from web.form_errors import flash_refusal, show_error
from web.gate import audit_initiator, client_ip, current_user, requires, settings

bp = Blueprint("password_links", __name__)
log = logging.getLogger(__name__)


def _link(token: str) -> str:
    path = url_for("password_links.set_password", token=token)
    return f"{settings().base_url.rstrip('/')}{path}"


def _send_after_answer(mailer: Mailer, message: Notice) -> None:
    """Send once the answer has gone out (werkzeug's call_on_close, after the request's
    commit): the page must take as long for an unknown address as for a real one, and an
    SMTP round trip inside the request would tell them apart."""

    def send() -> None:
        try:
            mailer.send([message])
        except MailError:
            # The page answered the same as for an unknown address, so it cannot say the
            # mail failed. Logged without the address or the link: the token is a key to
            # the account. The request stays counted towards the hourly limit.
            log.exception("kunne ikke sende e-post med passordlenke")

    @after_this_request
    def later(response: Response) -> Response:
        response.call_on_close(send)
        return response


@bp.route("/glemt-passord", methods=["GET", "POST"])
def forgot() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = password_links.reset_for(
            db.session, settings().secret_key, form.email.data or "", client_ip(), utcnow()
        )
        if found is not None:
            user, token = found
            # Built here, in the request: the link needs url_for, the mailer the settings.
            message = notice(user.email, "password_reset", _link(token))
            _send_after_answer(mailer_for(settings()), message)
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
    except Refused as error:
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
        except Refused as error:
            # A link spent in another tab meanwhile is refused here too; it names no field.
            show_error(form, error)
        else:
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


@bp.route("/admin/brukere/<id:user_id>/invitasjon", methods=["POST"])
@requires(can_administer)
def invite(user_id: int) -> Response:
    # Outside the admin's reach: NotFound, a 404 (web.errors).
    user = scope.managed_user(db.session, current_user(), user_id)
    if ConfirmForm().validate_on_submit():
        _invite([user])
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/admin/brukere/invitasjoner", methods=["POST"])
@requires(can_administer)
def invite_all() -> Response:
    """Queues the invitations as a job (trygg.jobs.invite_everyone) and shows its progress;
    nothing is mailed in the request, however many there are."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    try:
        queued = invite_everyone.queue_everyone(
            db.session, current_user(), audit_initiator(), utcnow()
        )
    except Refused as error:
        flash_refusal(error)
        return redirect(url_for("admin.users"))
    if isinstance(queued, invite_everyone.AlreadyRunning):
        flash(gettext("Invitasjonene er allerede på vei. Her ser du hvordan det går."), "info")
        return redirect(url_for("jobs.show", job_id=queued.job_id))
    return start_job(INVITATIONS, queued.batch_id)


def _invite(users: list[User]) -> None:
    try:
        sent = password_links.send_invitations(
            db.session,
            settings().secret_key,
            users,
            mailer_for(settings()),
            _link,
            audit_initiator(),
            utcnow(),
        )
    except Refused as error:
        flash_refusal(error)
    except MailError as error:
        # Deliberately handled here, not by the error page: the invitations that did go
        # out are recorded (the request commits), and the admin is told how many.
        flash(
            gettext(
                "%(sent)d av %(total)d invitasjoner ble sendt. %(reason)s Send igjen for "
                "resten; lenkene i de sendte e-postene virker fortsatt.",
                sent=error.delivered,
                total=len(users),
                reason=gettext(error.message),
            ),
            "error",
        )
    else:
        if len(users) == 1:
            flash(gettext("Invitasjonen er sendt til %(email)s.", email=users[0].email), "success")
        else:
            flash(
                ngettext("%(num)d invitasjon er sendt.", "%(num)d invitasjoner er sendt.", sent),
                "success",
            )
