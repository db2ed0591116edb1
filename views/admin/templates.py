"""Municipal and school Word templates: upload (with the pre-flight check), roll back to
an earlier version, return to the default, and download any version or the default.

A municipality admin works on the municipality's templates or any school's; a school
admin on their own school's only. Another school's templates are a 404, not a 403.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from database import db
from forms.admin.templates import (
    MUNICIPALITY,
    TemplateActionForm,
    TemplateScopeForm,
    TemplateUploadForm,
)
from trygg.accounts import scope
from trygg.accounts.permissions import can_administer
from trygg.accounts.principal import Principal
from trygg.documents import template_access, template_kinds, template_store
from trygg.documents.render import template_bytes, template_path
from trygg.documents.template_store import MAX_TEMPLATE_BYTES, KindOverview, TemplateVersion
from trygg.documents.vocabulary import DOCUMENT_TITLES
from trygg.errors import Refused
from trygg.models import utcnow
from web.converters import parse_id
from web.form_errors import flash_refusal, show_error
from web.gate import audit_initiator, current_user, requires, settings

bp = Blueprint("admin_templates", __name__, url_prefix="/admin/maler")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The multipart body carries the form fields and boundaries beside the file.
_FORM_OVERHEAD = 64 * 1024


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before the app's before_request hooks, so the CSRF check that reads the form
    # already reads it under this page's limit rather than the app-wide 16 MB.
    request.max_content_length = MAX_TEMPLATE_BYTES + _FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    # The body was never read, so only the choices the address carried can be kept.
    admin = current_user()
    form = TemplateUploadForm(formdata=None)
    _prepare(form, admin)
    if request.args.get("skole") in dict(_scope_choices(admin)):
        form.school.data = request.args["skole"]
    if request.args.get("type") in template_kinds():
        form.kind.data = request.args["type"]
    form.file.errors = [
        gettext(
            "Filen er for stor. En mal kan være høyst %(limit)d MB; store bilder i malen "
            "gjør den ofte stor.",
            limit=MAX_TEMPLATE_BYTES // 1024 // 1024,
        )
    ]
    return render_template("admin/templates/upload.html", form=form), 413


def _title(kind: str) -> str:
    return gettext(DOCUMENT_TITLES[kind])


def _scope_choices(admin: Principal) -> list[tuple[str, str]]:
    choices = [(str(s.id), s.name) for s in scope.schools_in_reach(db.session, admin)]
    if admin.school_id is None:
        choices.insert(0, (MUNICIPALITY, gettext("Hele kommunen")))
    return choices


def _school_from(value: str | None) -> int | None:
    """The scope a request names: None for the municipality. 404 outside the admin's reach."""
    admin = current_user()
    if admin.school_id is not None and not value:
        return admin.school_id
    if not value or value == MUNICIPALITY:
        # Only a municipality admin works on the municipality's own templates.
        if admin.school_id is not None:
            abort(404)
        return None
    school_id = parse_id(value)
    if school_id is None:
        abort(404)
    return scope.school_in_reach(db.session, admin, school_id).id


def _scope_value(school_id: int | None) -> str:
    return str(school_id) if school_id is not None else MUNICIPALITY


def _prepare(form: TemplateUploadForm, admin: Principal) -> None:
    form.kind.choices = [(kind, _title(kind)) for kind in template_kinds()]
    form.school.choices = _scope_choices(admin)


def _version_row(version: TemplateVersion) -> dict[str, Any]:
    return {
        "id": version.id,
        "version": version.version,
        "filename": version.filename,
        "size_kb": max(1, round(version.size / 1024)),
        "active": version.active,
        "refused": version.refused,
        "uploaded_at": version.uploaded_at,
        "uploaded_by": version.uploaded_by,
        "findings": list(version.findings),
    }


def _kind_row(item: KindOverview, school_id: int | None) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": _title(item.kind),
        "versions": [_version_row(v) for v in item.versions],
        "active": _version_row(item.active) if item.active else None,
        "inherited": _version_row(item.inherited) if item.inherited else None,
        "reset_form": TemplateScopeForm(
            formdata=None, data={"kind": item.kind, "school": _scope_value(school_id)}
        ),
    }


@bp.route("")
@requires(can_administer)
def index() -> str:
    admin = current_user()
    school_id = _school_from(request.args.get("skole"))
    names = dict(_scope_choices(admin))
    return render_template(
        "admin/templates/index.html",
        kinds=[
            _kind_row(item, school_id)
            for item in template_store.overview(db.session, admin.municipality_id, school_id)
        ],
        scope=_scope_value(school_id),
        scope_name=names[_scope_value(school_id)],
        is_school=school_id is not None,
        scopes=list(names.items()) if admin.school_id is None else [],
        action_form=TemplateActionForm(),
    )


@bp.route("/last-opp", methods=["GET", "POST"])
@requires(can_administer)
def upload() -> str | Response:
    admin = current_user()
    form = TemplateUploadForm()
    _prepare(form, admin)
    if request.method == "GET":
        form.school.data = _scope_value(_school_from(request.args.get("skole")))
        if request.args.get("type") in template_kinds():
            form.kind.data = request.args["type"]
    if form.validate_on_submit():
        school_id = _school_from(form.school.data)
        kind = form.kind.data or ""
        upload_file = form.file.data
        try:
            template = template_store.upload_template(
                db.session,
                admin.municipality_id,
                # One byte past the limit is enough to refuse it as too large.
                content=upload_file.read(MAX_TEMPLATE_BYTES + 1),
                filename=upload_file.filename or "",
                kind=kind,
                school_id=school_id,
                checker=template_store.libreoffice_checker(
                    settings().converters, limits=settings().template_limits
                ),
                initiator=audit_initiator(),
                now=utcnow(),
                limits=settings().template_limits,
            )
        except Refused as error:
            show_error(form, error)
        else:
            if template.active:
                flash(
                    gettext(
                        "%(title)s: malen er godkjent og brukes nå (versjon %(version)d).",
                        title=_title(kind),
                        version=template.version,
                    ),
                    "success",
                )
            else:
                flash(
                    gettext(
                        "%(title)s: malen ble avvist og er ikke tatt i bruk. Malen som var i "
                        "bruk, gjelder fortsatt. Se hva som må rettes under versjon %(version)d.",
                        title=_title(kind),
                        version=template.version,
                    ),
                    "error",
                )
            return redirect(url_for(".index", skole=_scope_value(school_id), _anchor=f"mal-{kind}"))
    return render_template("admin/templates/upload.html", form=form)


@bp.route("/<id:template_id>/bruk", methods=["POST"])
@requires(can_administer)
def activate(template_id: int) -> Response:
    admin = current_user()
    template = template_access.template_file(db.session, admin, template_id, change=True)
    form = TemplateActionForm()
    if form.validate_on_submit():
        try:
            template_access.activate_in_reach(
                db.session, admin, template_id, audit_initiator(), utcnow()
            )
        except Refused as error:
            flash_refusal(error)
        else:
            flash(
                gettext(
                    "%(title)s: versjon %(version)d brukes nå.",
                    title=_title(template.kind),
                    version=template.version,
                ),
                "success",
            )
    return redirect(
        url_for(".index", skole=_scope_value(template.school_id), _anchor=f"mal-{template.kind}")
    )


@bp.route("/standardmal", methods=["POST"])
@requires(can_administer)
def reset() -> Response:
    admin = current_user()
    form = TemplateScopeForm()
    kind = form.kind.data or ""
    if not form.validate_on_submit() or kind not in template_kinds():
        abort(400)
    school_id = _school_from(form.school.data or MUNICIPALITY)
    template_store.reset_to_default(
        db.session, admin.municipality_id, school_id, kind, audit_initiator(), utcnow()
    )
    flash(
        gettext(
            "%(title)s: de opplastede malene brukes ikke lenger. De er tatt vare på og kan "
            "tas i bruk igjen.",
            title=_title(kind),
        ),
        "success",
    )
    return redirect(url_for(".index", skole=_scope_value(school_id), _anchor=f"mal-{kind}"))


@bp.route("/<id:template_id>/fil")
@requires(can_administer)
def download(template_id: int) -> Response:
    template = template_access.template_file(db.session, current_user(), template_id)
    return send_file(
        io.BytesIO(template.content),
        mimetype=DOCX_MIME,
        as_attachment=True,
        download_name=template.filename,
    )


@bp.route("/standardmal/<kind>")
@requires(can_administer)
def default_template(kind: str) -> Response:
    if kind not in template_kinds():
        abort(404)
    return send_file(
        io.BytesIO(template_bytes(template_path(kind))),
        mimetype=DOCX_MIME,
        as_attachment=True,
        download_name=f"{kind}.docx",
    )
