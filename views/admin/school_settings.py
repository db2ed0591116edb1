"""A school's document settings: how other pupils are labelled in its documents.

A municipality admin picks the school; a school admin has only their own. Another school
is a 404, as on the days-off pages.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from database import db
from forms.admin.school_settings import LabelSettingsForm
from trygg.accounts.permissions import can_administer, can_manage_school
from trygg.accounts.school_settings import set_perpetrator_labels
from trygg.models import School, utcnow
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin_school", __name__, url_prefix="/admin/skoler")


def _school_or_404(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None or not can_manage_school(current_user(), school.id, school.municipality_id):
        abort(404)
    return school


@bp.route("")
@requires(can_administer)
def index() -> str | Response:
    admin = current_user()
    if admin.school_id is not None:
        return redirect(url_for(".settings", school_id=admin.school_id))
    schools = db.session.execute(
        select(School).where(School.municipality_id == admin.municipality_id).order_by(School.name)
    ).scalars()
    return render_template(
        "admin/school/index.html",
        schools=[
            {"id": s.id, "name": s.name, "perpetrator_labels": s.perpetrator_labels}
            for s in schools
        ],
    )


@bp.route("/<int:school_id>", methods=["GET", "POST"])
@requires(can_administer)
def settings(school_id: int) -> str | Response:
    school = _school_or_404(school_id)
    form = LabelSettingsForm(data={"perpetrator_labels": school.perpetrator_labels})
    if form.validate_on_submit():
        changed = set_perpetrator_labels(
            db.session, school.id, bool(form.perpetrator_labels.data), audit_initiator(), utcnow()
        )
        db.session.commit()
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
