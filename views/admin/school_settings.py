"""A school's settings: how other pupils are labelled in its documents, and its contact
person for cases; and the municipality's Statsforvalteren. The last two are printed on the
cover of every document sent home (trygg.cases.home_cover).

A municipality admin picks the school; a school admin has only their own. Another school
is a 404, as on the days-off pages. Statsforvalteren is the municipality admin's alone.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.school_settings import CaseContactForm, LabelSettingsForm, StatsforvalterenForm
from trygg.accounts import scope
from trygg.accounts.permissions import can_administer, can_set_statsforvalteren
from trygg.accounts.school_settings import (
    CaseContact,
    Statsforvalteren,
    contact_setting,
    set_case_contact,
    set_perpetrator_labels,
    set_statsforvalteren,
    statsforvalteren_setting,
)
from trygg.accounts.scope import SchoolInReach
from trygg.errors import Refused
from trygg.models import utcnow
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin_school", __name__, url_prefix="/admin/skoler")


def _saved(changed: bool) -> None:
    flash(
        gettext("Innstillingen er lagret.") if changed else gettext("Ingen endring."),
        "success" if changed else "info",
    )


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


def _settings_page(
    school: SchoolInReach, labels: LabelSettingsForm, contact: CaseContactForm
) -> str | Response:
    return render_template(
        "admin/school/settings.html",
        school={"id": school.id, "name": school.name},
        form=labels,
        contact_form=contact,
        default_contact=contact_setting(db.session, school.id).default_name,
        show_school_picker=current_user().school_id is None,
    )


# Two forms on one page: the prefix keeps their CSRF fields' ids apart.
CONTACT = "kontakt"


def _contact_form(school: SchoolInReach) -> CaseContactForm:
    stored = contact_setting(db.session, school.id).stored
    return CaseContactForm(
        prefix=CONTACT,
        data={
            "contact_name": stored.name,
            "contact_role": stored.role,
            "contact_phone": stored.phone,
            "contact_email": stored.email,
        },
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
        _saved(changed)
        return redirect(url_for(".settings", school_id=school.id))
    return _settings_page(school, form, _contact_form(school))


@bp.route("/<id:school_id>/kontaktperson", methods=["POST"])
@requires(can_administer)
def contact(school_id: int) -> str | Response:
    school = scope.school_in_reach(db.session, current_user(), school_id)
    form = CaseContactForm(prefix=CONTACT)
    if form.validate_on_submit():
        chosen = CaseContact(
            name=form.contact_name.data or "",
            role=form.contact_role.data or "",
            phone=form.contact_phone.data or "",
            email=form.contact_email.data or "",
        )
        try:
            changed = set_case_contact(db.session, school.id, chosen, audit_initiator(), utcnow())
        except Refused as error:
            show_error(form, error)
        else:
            _saved(changed)
            return redirect(url_for(".settings", school_id=school.id, _anchor="kontaktperson"))
    labels = LabelSettingsForm(
        formdata=None, data={"perpetrator_labels": school.perpetrator_labels}
    )
    return _settings_page(school, labels, form)


@bp.route("/statsforvalteren", methods=["GET", "POST"])
@requires(can_set_statsforvalteren)
def statsforvalteren() -> str | Response:
    admin = current_user()
    municipality, stored = statsforvalteren_setting(db.session, admin.municipality_id)
    form = StatsforvalterenForm(
        data={
            "statsforvalteren_name": stored.name,
            "statsforvalteren_address": stored.address,
            "statsforvalteren_phone": stored.phone,
            "statsforvalteren_email": stored.email,
            "statsforvalteren_web": stored.web,
        }
    )
    if form.validate_on_submit():
        office = Statsforvalteren(
            name=form.statsforvalteren_name.data or "",
            address=form.statsforvalteren_address.data or "",
            phone=form.statsforvalteren_phone.data or "",
            email=form.statsforvalteren_email.data or "",
            web=form.statsforvalteren_web.data or "",
        )
        try:
            changed = set_statsforvalteren(
                db.session, admin.municipality_id, office, audit_initiator(), utcnow()
            )
        except Refused as error:
            show_error(form, error)
        else:
            _saved(changed)
            return redirect(url_for(".statsforvalteren"))
    return render_template(
        "admin/school/statsforvalteren.html", form=form, municipality=municipality
    )
