"""A school's document settings: how other pupils are labelled in its documents.

A municipality admin picks the school; a school admin has only their own. Another school
is a 404, as on the days-off pages.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.school_settings import LabelSettingsForm
from trygg.accounts import scope
from trygg.accounts.permissions import can_administer
from trygg.accounts.school_settings import set_perpetrator_labels
from trygg.models import utcnow
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin_school", __name__, url_prefix="/admin/skoler")


@bp.route("")
@requires(can_administer)
def index() -> str | Response:
    admin = current_user()
    if admin.school_id is not None:
        return redirect(url_for(".settings", school_id=admin.school_id))
    schools = scope.schools_in_reach(db.session, admin)
    return render_template(
        "admin/school/index.html",
        schools=[
            {"id": s.id, "name": s.name, "perpetrator_labels": s.perpetrator_labels}
            for s in schools
        ],
    )


@bp.route("/<id:school_id>", methods=["GET", "POST"])
@requires(can_administer)
def settings(school_id: int) -> str | Response:
    # Outside the admin's reach: NotFound, a 404 (web.errors).
    school = scope.school_in_reach(db.session, current_user(), school_id)
    form = LabelSettingsForm(data={"perpetrator_labels": school.perpetrator_labels})
    if form.validate_on_submit():
        changed = set_perpetrator_labels(
            db.session, school.id, bool(form.perpetrator_labels.data), audit_initiator(), utcnow()
        )
        flash(
            gettext("Innstillingen er lagret.") if changed else gettext("Ingen endring."),
            "success" if changed else "info",
        )
        return redirect(url_for(".settings", school_id=school.id))
    return render_template(
        "admin/school/settings.html",
        school={"id": school.id, "name": school.name},
        form=form,
        show_school_picker=current_user().school_id is None,
    )
