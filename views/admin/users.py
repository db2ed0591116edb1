"""Administration: user accounts, staff import, and the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from database import db
from forms.admin.users import NO_SCHOOL, ImportConfirmForm, ImportUploadForm, UserEditForm, UserForm
from forms.auth import ConfirmForm, SetPasswordForm
from trygg.accounts import password_links, staff_import
from trygg.accounts import users as accounts
from trygg.accounts.permissions import (
    assignable_roles,
    can_administer,
    can_manage_user,
    can_view_audit_trail,
)
from trygg.accounts.principal import Principal
from trygg.accounts.roles import role_name
from trygg.audit import verify_chain
from trygg.errors import DomainError
from trygg.models import School, User, utcnow
from views.admin import audit_log
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _schools(admin: Principal) -> list[School]:
    query = select(School).where(School.municipality_id == admin.municipality_id)
    if admin.school_id is not None:
        query = query.where(School.id == admin.school_id)
    return list(db.session.execute(query.order_by(School.name)).scalars())


def _school_choices(admin: Principal, allow_none: bool) -> list[tuple[str, str]]:
    choices = [(str(s.id), s.name) for s in _schools(admin)]
    if allow_none and admin.school_id is None:
        choices.insert(0, (NO_SCHOOL, gettext("Hele kommunen (ingen skole)")))
    return choices


def _prepare(form: UserForm, admin: Principal) -> None:
    form.role.choices = [(code, role_name(code)) for code in assignable_roles(admin)]
    form.school.choices = _school_choices(admin, allow_none=True)


def _school_id(value: str | None) -> int | None:
    return int(value) if value else None


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    # A user outside the admin's reach is as good as absent: 404, not 403.
    if user is None or not can_manage_user(current_user(), user.school_id, user.municipality_id):
        abort(404)
    return user


@bp.route("/brukere")
@requires(can_administer)
def users() -> str:
    admin = current_user()
    query = select(User).where(User.municipality_id == admin.municipality_id)
    if admin.school_id is not None:
        query = query.where(User.school_id == admin.school_id)
    school_filter = request.args.get("skole", type=int)
    if school_filter:
        query = query.where(User.school_id == school_filter)
    rows = db.session.execute(query.order_by(User.active.desc(), User.name)).scalars().all()
    return render_template(
        "admin/users.html",
        users=[
            {
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "title": u.title,
                "role": role_name(u.role_code),
                "school": u.school.name if u.school else gettext("Hele kommunen"),
                "active": u.active,
                "has_password": u.password_hash is not None,
            }
            for u in rows
        ],
        schools=[(s.id, s.name) for s in _schools(admin)],
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
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                gettext("Brukeren er opprettet. Sett et passord for brukeren nedenfor."), "success"
            )
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/brukere/<int:user_id>", methods=["GET", "POST"])
@requires(can_administer)
def edit_user(user_id: int) -> str | Response:
    admin = current_user()
    user = _load_user(user_id)
    form = _edit_form(user, formdata=True)
    if form.validate_on_submit():
        school_id = _school_id(form.school.data)
        if not can_manage_user(admin, school_id, user.municipality_id):
            abort(403)
        try:
            accounts.change_user(
                db.session,
                user,
                accounts.UserChange(
                    name=form.name.data or "",
                    title=form.title.data or "",
                    role=form.role.data or "",
                    school_id=school_id,
                ),
                audit_initiator(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Endringene er lagret."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_edit(user, form, SetPasswordForm(prefix="pw"))


@bp.route("/brukere/<int:user_id>/passord", methods=["POST"])
@requires(can_administer)
def set_user_password(user_id: int) -> str | Response:
    user = _load_user(user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.set_password(
                db.session,
                current_app.extensions["trygg.passwords"],
                user,
                form.new_password.data or "",
                audit_initiator(),
                utcnow(),
            )
        except DomainError as error:
            form.new_password.errors = [gettext(error.message, **error.params)]
        else:
            db.session.commit()
            flash(gettext("Passordet er satt. Gi det til brukeren på en trygg måte."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    flash(gettext("Passordet ble ikke satt. Se feilene under."), "error")
    return _render_edit(user, _edit_form(user, formdata=False), form)


def _edit_form(user: User, formdata: bool) -> UserEditForm:
    data = {
        "name": user.name,
        "title": user.title,
        "role": user.role_code,
        "school": str(user.school_id or NO_SCHOOL),
    }
    form = UserEditForm(data=data) if formdata else UserEditForm(formdata=None, data=data)
    _prepare(form, current_user())
    return form


def _render_edit(user: User, form: UserEditForm, password_form: SetPasswordForm) -> str:
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
            "has_password": user.password_hash is not None,
            "is_me": user.id == current_user().id,
        },
    )


@bp.route("/brukere/<int:user_id>/status", methods=["POST"])
@requires(can_administer)
def set_user_status(user_id: int) -> Response:
    user = _load_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "deactivate":
                accounts.deactivate_user(db.session, user, audit_initiator(), utcnow())
                message = gettext("Brukeren er deaktivert og logget ut. Historikken er bevart.")
            else:
                accounts.reactivate_user(db.session, user, audit_initiator())
                message = gettext("Brukeren er aktivert igjen.")
        except DomainError as error:
            flash(gettext(error.message, **error.params), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


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
    school = (
        db.session.get(School, int(form.school.data or 0))
        if (form.school.data or "").isdigit()
        else None
    )
    if school is None or school.municipality_id != admin.municipality_id:
        abort(404)
    school_id = school.id
    if not can_manage_user(admin, school_id, admin.municipality_id):
        abort(403)
    # Parsed again: accounts may have been created since the preview.
    preview = staff_import.parse_staff_csv(db.session, form.csv_text.data or "", school_id)
    count = staff_import.import_staff(
        db.session,
        current_app.extensions["trygg.passwords"],
        preview.accepted,
        admin.municipality_id,
        school_id,
        audit_initiator(),
    )
    db.session.commit()
    flash(gettext("%(count)d brukere er opprettet.", count=count), "success")
    if preview.rejected:
        flash(
            gettext("%(count)d linjer ble avvist og ikke importert.", count=len(preview.rejected)),
            "error",
        )
    return redirect(url_for("admin.users", skole=school_id))


@bp.route("/logg")
@requires(can_view_audit_trail)
def audit_trail() -> str:
    page = max(1, request.args.get("side", 1, type=int))
    report = verify_chain(db.session)
    return render_template(
        "admin/audit.html",
        events=audit_log.page_of_events(db.session, page),
        page=page,
        report=report,
    )
