"""Administration: user accounts, staff import, and the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.users import NO_SCHOOL, ImportConfirmForm, ImportUploadForm, UserEditForm, UserForm
from forms.auth import ConfirmForm, SetPasswordForm
from trygg import audit
from trygg.accounts import password_links, scope, staff_import
from trygg.accounts import users as accounts
from trygg.accounts.permissions import (
    assignable_roles,
    can_administer,
    can_manage_user,
    can_view_audit_trail,
)
from trygg.accounts.principal import Principal
from trygg.accounts.roles import role_name
from trygg.errors import Refused
from trygg.models import utcnow
from views.admin import audit_log
from web.form_errors import flash_refusal, show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _school_choices(admin: Principal, allow_none: bool) -> list[tuple[str, str]]:
    choices = [(str(s.id), s.name) for s in scope.schools_in_reach(db.session, admin)]
    if allow_none and admin.school_id is None:
        choices.insert(0, (NO_SCHOOL, gettext("Hele kommunen (ingen skole)")))
    return choices


def _prepare(form: UserForm, admin: Principal) -> None:
    form.role.choices = [(code, role_name(code)) for code in assignable_roles(admin)]
    form.school.choices = _school_choices(admin, allow_none=True)


def _school_id(value: str | None) -> int | None:
    return int(value) if value else None


@bp.route("/brukere")
@requires(can_administer)
def users() -> str:
    admin = current_user()
    school_filter = request.args.get("skole", type=int)
    listing = scope.users_in_reach(
        db.session, admin, request.args.get("side", 1, type=int), school_filter or None
    )
    return render_template(
        "admin/users.html",
        users=[
            {
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "title": u.title,
                "role": role_name(u.role),
                "school": u.school_name or gettext("Hele kommunen"),
                "active": u.active,
                "has_password": u.has_password,
            }
            for u in listing.users
        ],
        page=listing.page,
        has_next=listing.has_next,
        schools=[(s.id, s.name) for s in scope.schools_in_reach(db.session, admin)],
        school_filter=school_filter,
        without_password=len(
            password_links.users_without_password(
                db.session, admin.municipality_id, admin.school_id
            )
        ),
        invite_form=ConfirmForm(),
    )


@bp.route("/brukere/ny", methods=["GET", "POST"])
@requires(can_administer)
def new_user() -> str | Response:
    admin = current_user()
    form = UserForm()
    _prepare(form, admin)
    if form.validate_on_submit():
        school_id = _school_id(form.school.data)
        if not can_manage_user(admin, school_id, admin.municipality_id):
            abort(403)
        try:
            user = accounts.create_user(
                db.session,
                current_app.extensions["trygg.passwords"],
                accounts.NewUser(
                    email=form.email.data or "",
                    name=form.name.data or "",
                    title=form.title.data or "",
                    role=form.role.data or "",
                    municipality_id=admin.municipality_id,
                    school_id=school_id,
                ),
                audit_initiator(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(
                gettext("Brukeren er opprettet. Sett et passord for brukeren nedenfor."), "success"
            )
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/brukere/<int:user_id>", methods=["GET", "POST"])
@requires(can_administer)
def edit_user(user_id: int) -> str | Response:
    admin = current_user()
    user = scope.user_row(db.session, admin, user_id)
    form = _edit_form(user, formdata=True)
    if form.validate_on_submit():
        school_id = _school_id(form.school.data)
        if not can_manage_user(admin, school_id, admin.municipality_id):
            abort(403)
        try:
            accounts.change_user(
                db.session,
                scope.managed_user(db.session, admin, user_id),
                accounts.UserChange(
                    name=form.name.data or "",
                    title=form.title.data or "",
                    role=form.role.data or "",
                    school_id=school_id,
                ),
                audit_initiator(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(gettext("Endringene er lagret."), "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    return _render_edit(user, form, SetPasswordForm(prefix="pw"))


@bp.route("/brukere/<int:user_id>/passord", methods=["POST"])
@requires(can_administer)
def set_user_password(user_id: int) -> str | Response:
    admin = current_user()
    user = scope.user_row(db.session, admin, user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.set_password(
                db.session,
                current_app.extensions["trygg.passwords"],
                scope.managed_user(db.session, admin, user_id),
                form.new_password.data or "",
                audit_initiator(),
                utcnow(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(gettext("Passordet er satt. Gi det til brukeren på en trygg måte."), "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
    flash(gettext("Passordet ble ikke satt. Se feilene under."), "error")
    return _render_edit(user, _edit_form(user, formdata=False), form)


def _edit_form(user: scope.UserRow, formdata: bool) -> UserEditForm:
    data = {
        "name": user.name,
        "title": user.title,
        "role": user.role,
        "school": str(user.school_id or NO_SCHOOL),
    }
    form = UserEditForm(data=data) if formdata else UserEditForm(formdata=None, data=data)
    _prepare(form, current_user())
    return form


def _render_edit(user: scope.UserRow, form: UserEditForm, password_form: SetPasswordForm) -> str:
    return render_template(
        "admin/user_edit.html",
        form=form,
        password_form=password_form,
        confirm_form=ConfirmForm(),
        user={
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "active": user.active,
            "has_password": user.has_password,
            "is_me": user.id == current_user().id,
        },
    )


@bp.route("/brukere/<int:user_id>/status", methods=["POST"])
@requires(can_administer)
def set_user_status(user_id: int) -> Response:
    user = scope.managed_user(db.session, current_user(), user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "deactivate":
                accounts.deactivate_user(db.session, user, audit_initiator(), utcnow())
                message = gettext("Brukeren er deaktivert og logget ut. Historikken er bevart.")
            else:
                accounts.reactivate_user(db.session, user, audit_initiator())
                message = gettext("Brukeren er aktivert igjen.")
        except Refused as error:
            flash_refusal(error)
        else:
            flash(message, "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/import", methods=["GET", "POST"])
@requires(can_administer)
def import_staff() -> str:
    admin = current_user()
    form = ImportUploadForm()
    form.school.choices = _school_choices(admin, allow_none=False)
    if form.validate_on_submit():
        text = staff_import.decode_upload(form.file.data.read())
        school_id = int(form.school.data or 0)
        if not can_manage_user(admin, school_id, admin.municipality_id):
            abort(403)
        preview = staff_import.parse_staff_csv(db.session, text, school_id)
        confirm = ImportConfirmForm(formdata=None, data={"csv_text": text, "school": school_id})
        return render_template(
            "admin/import_preview.html",
            preview=preview,
            confirm=confirm,
            school=dict(form.school.choices)[str(school_id)],
            role_name=role_name,
        )
    return render_template("admin/import.html", form=form)


@bp.route("/import/bekreft", methods=["POST"])
@requires(can_administer)
def import_staff_confirm() -> Response:
    admin = current_user()
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    value = form.school.data or ""
    school_id = int(value) if value.isdecimal() else 0
    # The school came back in a hidden field: another school of the municipality is a
    # tampered form (403); a school that does not exist is a 404 from school_in_reach.
    if not can_manage_user(admin, school_id, admin.municipality_id):
        abort(403)
    school = scope.school_in_reach(db.session, admin, school_id)
    # Parsed again: accounts may have been created since the preview.
    preview = staff_import.parse_staff_csv(db.session, form.csv_text.data or "", school.id)
    count = staff_import.import_staff(
        db.session,
        current_app.extensions["trygg.passwords"],
        preview.accepted,
        admin.municipality_id,
        school.id,
        audit_initiator(),
    )
    flash(gettext("%(count)d brukere er opprettet.", count=count), "success")
    if preview.rejected:
        flash(
            gettext("%(count)d linjer ble avvist og ikke importert.", count=len(preview.rejected)),
            "error",
        )
    return redirect(url_for("admin.users", skole=school.id))


@bp.route("/logg")
@requires(can_view_audit_trail)
def audit_trail() -> str:
    listing = audit.page_of_events(db.session, request.args.get("side", 1, type=int))
    return render_template(
        "admin/audit.html",
        events=audit_log.event_rows(listing),
        page=listing.page,
        has_next=listing.has_next,
        report=audit.verify_chain(db.session),
    )
