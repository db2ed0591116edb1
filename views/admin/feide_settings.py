"""The municipality admin's settings for login with Feide."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.feide_settings import FeideSettingsForm
from trygg.accounts import feide
from trygg.accounts.permissions import can_manage_feide
from trygg.errors import Refused
from trygg.models import Municipality, utcnow
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires, settings

bp = Blueprint("admin_feide", __name__, url_prefix="/admin/feide")


@bp.route("", methods=["GET", "POST"])
@requires(can_manage_feide)
def edit() -> str | Response:
    municipality = db.session.get(Municipality, current_user().municipality_id)
    assert municipality is not None  # an account always belongs to a municipality
    form = FeideSettingsForm(
        data={
            "enabled": municipality.feide_enabled,
            "local_login_hidden": municipality.local_login_hidden,
            "account_domains": municipality.feide_account_domains,
        }
    )
    if form.validate_on_submit():
        choice = feide.FeideChoice(
            enabled=bool(form.enabled.data),
            local_login_hidden=bool(form.local_login_hidden.data),
            account_domains=form.account_domains.data or "",
        )
        try:
            changed = feide.set_feide_settings(
                db.session, municipality.id, choice, audit_initiator(), utcnow()
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(
                gettext("Innstillingene er lagret.") if changed else gettext("Ingen endring."),
                "success" if changed else "info",
            )
            return redirect(url_for(".edit"))
    return render_template(
        "admin/feide.html",
        form=form,
        municipality=municipality.name,
        configured=settings().feide is not None,
    )
