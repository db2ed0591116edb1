"""The school's pupil register: the school admin imports it from the student system
(upload, preview with every rejected line, confirm) and sees who is in it. Contact
details of anyone with a protected address are never listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.pupils import PupilImportConfirmForm, PupilImportForm
from trygg.accounts.permissions import can_import_pupils
from trygg.errors import Refused
from trygg.models import Guardian, utcnow
from trygg.pupils import register
from trygg.pupils.records import GuardianRecord, PupilRecord
from trygg.pupils.upload import Upload, keep_pending, read_upload, take_pending
from web.form_errors import flash_refusal, show_error
from web.gate import audit_initiator, current_user, requires, settings

bp = Blueprint("admin_pupils", __name__, url_prefix="/admin/elever")


@bp.app_context_processor
def navigation() -> dict[str, bool]:
    """The admin menu links to the register for those who may import it."""
    user = g.get("principal")
    return {"nav_pupil_register": user is not None and can_import_pupils(user)}


def _pending() -> Path:
    return settings().output_dir / "pupil_imports"


def _school_id() -> int:
    school_id = current_user().school_id
    assert school_id is not None  # can_import_pupils
    return school_id


def _guardian_view(guardian: GuardianRecord | Guardian, pupil_marking: str) -> dict[str, Any]:
    contact = register.contact_details(guardian, pupil_marking)
    return {
        "name": guardian.name,
        "relation": guardian.relation,
        "responsibility": guardian.parental_responsibility,
        "may_receive": guardian.may_receive_information,
        "protected": contact is None,
        "email": contact[0] if contact else "",
        "phone": contact[1] if contact else "",
    }


def _record_view(record: PupilRecord) -> dict[str, Any]:
    return {
        "line": record.line,
        "name": record.full_name,
        "class": record.class_name,
        "born": record.birth_date.strftime("%d.%m.%Y") if record.birth_date else "",
        "protected": register.is_protected(record.protected_address),
        "guardians": [_guardian_view(g, record.protected_address) for g in record.guardians],
    }


def _preview(upload: Upload) -> str:
    parsed = upload.parse()
    changes = register.compare(db.session, _school_id(), parsed.pupils)
    token = keep_pending(_pending(), upload, _school_id(), current_user().id)
    confirm = PupilImportConfirmForm(formdata=None, data={"payload": token})
    return render_template(
        "admin/pupils_preview.html",
        pupils=[_record_view(r) for r in parsed.pupils],
        rejected=parsed.rejected,
        changes=changes,
        confirm=confirm,
        source=upload.source,
    )


@bp.route("/import", methods=["GET", "POST"])
@requires(can_import_pupils)
def import_pupils() -> str:
    form = PupilImportForm()
    if form.validate_on_submit():
        named = [(f.filename or "", f.read()) for f in request.files.getlist(form.files.name)]
        try:
            upload = read_upload([(name, data) for name, data in named if name])
        except Refused as error:
            show_error(form, error)
        else:
            return _preview(upload)
    return render_template("admin/pupils_import.html", form=form)


@bp.route("/import/bekreft", methods=["POST"])
@requires(can_import_pupils)
def import_pupils_confirm() -> Response:
    form = PupilImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        upload = take_pending(_pending(), form.payload.data or "", _school_id(), current_user().id)
    except Refused as error:
        flash_refusal(error)
        return redirect(url_for("admin_pupils.import_pupils"))
    # Parsed again: the register may have changed since the preview.
    parsed = upload.parse()
    changes = register.apply_import(
        db.session, _school_id(), parsed.pupils, audit_initiator(), utcnow(), upload.source
    )
    flash(
        gettext(
            "Elevregisteret er oppdatert: %(new)d nye, %(changed)d endret, %(left)d sluttet.",
            new=len(changes.new),
            changed=len(changes.changed),
            left=len(changes.left),
        ),
        "success",
    )
    if parsed.rejected:
        flash(
            gettext("%(count)d linjer ble avvist og ikke importert.", count=len(parsed.rejected)),
            "error",
        )
    return redirect(url_for("admin_pupils.index"))


@bp.route("")
@requires(can_import_pupils)
def index() -> str:
    pupils = register.school_register(db.session, _school_id())
    rows = [
        {
            "name": p.full_name,
            "class": p.class_name,
            "active": p.active,
            "protected": register.pupil_protected(p),
            "guardians": [_guardian_view(g, p.protected_address) for g in p.guardians],
        }
        for p in pupils
    ]
    return render_template("admin/pupils.html", pupils=rows)
