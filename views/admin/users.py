"""Administration: user accounts, staff import, and the audit trail.

An admin never sets another person's password (they send the invitation link) nor their
own role or school; a school admin's grant of a role with case access waits for the
school's leadership (trygg.accounts.access_changes, views/admin/access.py)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.users import (
    NO_SCHOOL,
    ImportConfirmForm,
    ImportUploadForm,
    OwnDetailsForm,
    UserEditForm,
    UserForm,
)
from forms.auth import ConfirmForm
from trygg import audit
from trygg.accounts import access_changes, password_links, scope, staff_import
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
from trygg.jobs import INVITATIONS, invitations
from trygg.models import utcnow
from views.admin import audit_log
from views.jobs.pages import start as start_job
from web.converters import parse_id, query_id, query_page
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
    if admin.school_id is not None:
        form.role.description = gettext(
            "Kontaktlærer og skoleledelse gir tilgang til saker. Den rollen får brukeren først "
            "når skoleledelsen ved skolen har bekreftet den; til da er brukeren ansatt."
        )


def _school_id(value: str | None) -> int | None:
    return int(value) if value else None


@bp.route("/brukere")
@requires(can_administer)
def users() -> str:
    admin = current_user()
    # Bounded numbers (web.converters): a huge or negative one is no filter, the first page.
    school_filter = query_id("skole")
    listing = scope.users_in_reach(db.session, admin, query_page(), school_filter)
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
        try:
            added = accounts.add_user(
                db.session,
                current_app.extensions["trygg.passwords"],
                accounts.NewUser(
                    email=form.email.data or "",
                    name=form.name.data or "",
                    title=form.title.data or "",
                    role=form.role.data or "",
                    municipality_id=admin.municipality_id,
                    school_id=_school_id(form.school.data),
                ),
                admin,
                audit_initiator(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(
                gettext(
                    "Brukeren er opprettet. Send en invitasjon på e-post, så velger brukeren "
                    "passordet selv."
                ),
                "success",
            )
            if added.pending is not None:
                _flash_pending(added.pending.role_to, added.user.role_code)
            return redirect(url_for("admin.edit_user", user_id=added.user.id))
    return render_template("admin/user_new.html", form=form)


def _flash_pending(role_to: str, current: str) -> None:
    flash(
        gettext(
            "Rollen «%(role)s» venter på bekreftelse fra skoleledelsen. Til da har brukeren "
            "rollen «%(current)s».",
            role=role_name(role_to),
            current=role_name(current),
        ),
        "info",
    )


@bp.route("/brukere/<id:user_id>", methods=["GET", "POST"])
@requires(can_administer)
def edit_user(user_id: int) -> str | Response:
    admin = current_user()
    user = scope.user_row(db.session, admin, user_id)
    form = _edit_form(user, admin)
    if form.validate_on_submit():
        # Nobody changes their own role or school: their form has neither field.
        role, school_id = (
            (form.role.data or "", _school_id(form.school.data))
            if isinstance(form, UserEditForm)
            else (user.role, user.school_id)
        )
        try:
            pending = accounts.change_user(
                db.session,
                scope.managed_user(db.session, admin, user_id),
                accounts.UserChange(
                    name=form.name.data or "",
                    title=form.title.data or "",
                    role=role,
                    school_id=school_id,
                ),
                admin,
                audit_initiator(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(gettext("Endringene er lagret."), "success")
            if pending is not None:
                _flash_pending(pending.role_to, user.role)
            return redirect(url_for("admin.edit_user", user_id=user_id))
    return _render_edit(user, form)


def _edit_form(user: scope.UserRow, admin: Principal) -> UserEditForm | OwnDetailsForm:
    if user.id == admin.id:
        return OwnDetailsForm(data={"name": user.name, "title": user.title})
    form = UserEditForm(
        data={
            "name": user.name,
            "title": user.title,
            "role": user.role,
            "school": str(user.school_id or NO_SCHOOL),
        }
    )
    _prepare(form, admin)
    return form


def _render_edit(user: scope.UserRow, form: UserEditForm | OwnDetailsForm) -> str:
    pending = access_changes.pending_for_user(db.session, user.id)
    return render_template(
        "admin/user_edit.html",
        form=form,
        own=isinstance(form, OwnDetailsForm),
        confirm_form=ConfirmForm(),
        pending=pending
        and {
            "role": role_name(pending.role_to),
            "by": pending.requested_by,
            "at": pending.requested_at,
        },
        user={
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "active": user.active,
            "has_password": user.has_password,
            "is_me": user.id == current_user().id,
        },
    )


@bp.route("/brukere/<id:user_id>/status", methods=["POST"])
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
        confirm = ImportConfirmForm(
            formdata=None, data={"csv_text": text, "school": school_id, "invite": True}
        )
        return render_template(
            "admin/import_preview.html",
            preview=preview,
            confirm=confirm,
            school=dict(form.school.choices)[str(school_id)],
            role_name=role_name,
            waits=lambda row: staff_import.waits_for_leadership(admin, row),
        )
    return render_template("admin/import.html", form=form)


@bp.route("/import/bekreft", methods=["POST"])
@requires(can_administer)
def import_staff_confirm() -> Response:
    admin = current_user()
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    school_id = parse_id(form.school.data) or 0
    # The school came back in a hidden field: another school of the municipality is a
    # tampered form (403); a school that does not exist is a 404 from school_in_reach.
    if not can_manage_user(admin, school_id, admin.municipality_id):
        abort(403)
    school = scope.school_in_reach(db.session, admin, school_id)
    # Parsed again: accounts may have been created since the preview.
    preview = staff_import.parse_staff_csv(db.session, form.csv_text.data or "", school.id)
    result = staff_import.import_staff(
        db.session,
        current_app.extensions["trygg.passwords"],
        preview.accepted,
        school.id,
        admin,
        audit_initiator(),
    )
    flash(gettext("%(count)d brukere er opprettet.", count=result.created), "success")
    if result.pending:
        flash(
            ngettext(
                "%(num)d rolle venter på bekreftelse fra skoleledelsen; til da er brukeren ansatt.",
                "%(num)d roller venter på bekreftelse fra skoleledelsen; til da er brukerne ansatt.",
                result.pending,
            ),
            "info",
        )
    if preview.rejected:
        flash(
            gettext("%(count)d linjer ble avvist og ikke importert.", count=len(preview.rejected)),
            "error",
        )
    if form.invite.data and result.user_ids:
        # Sent by a job after the commit, one person at a time, each outcome recorded:
        # the admin follows it on the job's page (views/jobs).
        batch = invitations.queue_invitations(
            db.session, admin, school.id, result.user_ids, audit_initiator(), utcnow()
        )
        return start_job(INVITATIONS, batch)
    return redirect(url_for("admin.users", skole=school.id))


@bp.route("/logg")
@requires(can_view_audit_trail)
def audit_trail() -> str:
    listing = audit.page_of_events(db.session, query_page())
    return render_template(
        "admin/audit.html",
        events=audit_log.event_rows(listing),
        page=listing.page,
        has_next=listing.has_next,
        report=audit.verify_chain(db.session),
    )
