"""Dated notes and attachments of a case: adding them, opening an attachment, withdrawing
one added by mistake (trygg.cases.notes).

Each view loads the case through case_or_404 (a case the user may not see is a 404, and
so is a note or attachment of another case), checks the case rule for this user, validates
its form and calls one domain function. Opening an attachment is audited in the domain.

The attachment page takes files up to 10 MB, above the app's 8 MB request limit
(web/limits.py); its own limit is set for that one route before the CSRF check reads the
body, so a larger upload is refused unread, with the limit said at the file field.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from database import db
from forms.notes import AttachmentForm, NoteForm, WithdrawForm
from trygg.accounts.permissions import (
    can_add_case_records,
    can_see_cases,
    can_withdraw_case_record,
)
from trygg.cases import notes
from trygg.cases.access import case_access
from trygg.cases.attachments import MAX_ATTACHMENT_BYTES
from trygg.errors import NotFound, Refused
from trygg.models import Case
from views.cases.loading import acting_user, archive, case_or_404, now
from web.errors import page
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_notes", __name__)

# The multipart body carries the form fields and boundaries beside the file.
_FORM_OVERHEAD = 64 * 1024


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if endpoint == "case_notes.new_attachment":
        request.max_content_length = MAX_ATTACHMENT_BYTES + _FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    message = gettext(
        "Filen er for stor. Et vedlegg kan være høyst %(limit)d MB; ta gjerne et "
        "skjermbilde, eller lagre PDF-en med mindre bilder.",
        limit=MAX_ATTACHMENT_BYTES // 1024 // 1024,
    )
    if g.get("principal") is None:
        # Refused before the login was known (an idle session's kept form): no case page.
        return page(413, message, gettext("For mye på én gang"))
    case = _case(int((request.view_args or {}).get("case_id", 0)))
    form = AttachmentForm(formdata=None)
    form.file.errors = [message]
    return _attachment_page(case, form), 413


def _case(case_id: int) -> Case:
    case = case_or_404(case_id, edit=True)
    if not can_add_case_records(current_user(), case_access(case)):
        abort(403)
    return case


def _back(case: Case, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="notater"))


@bp.route("/saker/<id:case_id>/notater/ny", methods=["GET", "POST"])
@requires(can_see_cases)
def new_note(case_id: int) -> str | Response:
    case = _case(case_id)
    form = NoteForm()
    if form.validate_on_submit():
        assert form.happened_at.data is not None  # InputRequired
        try:
            notes.add_note(
                db.session,
                case,
                notes.NewNote(
                    kind=form.kind.data or "",
                    happened_at=form.happened_at.data,
                    text=form.text.data or "",
                    not_names_confirmed=bool(form.not_names_confirmed.data),
                ),
                acting_user(),
                audit_initiator(),
                now(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            return _back(case, gettext("Notatet er lagret i saken."))
    return render_template("cases/notes/new_note.html", form=form, case=_summary(case))


@bp.route("/saker/<id:case_id>/vedlegg/ny", methods=["GET", "POST"])
@requires(can_see_cases)
def new_attachment(case_id: int) -> str | Response:
    case = _case(case_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            notes.add_attachment(
                db.session,
                archive(),
                case,
                notes.NewAttachment(
                    filename=upload.filename or "",
                    # One byte past the limit is enough to refuse it as too large.
                    content=upload.read(MAX_ATTACHMENT_BYTES + 1),
                    description=form.description.data or "",
                    not_names_confirmed=bool(form.not_names_confirmed.data),
                ),
                acting_user(),
                audit_initiator(),
                now(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            return _back(case, gettext("Vedlegget er lagret i saken."))
    return _attachment_page(case, form)


def _attachment_page(case: Case, form: AttachmentForm) -> str:
    return render_template("cases/notes/new_attachment.html", form=form, case=_summary(case))


def _summary(case: Case) -> dict[str, Any]:
    return {"id": case.id, "reference": case.reference, "pupil": case.pupil_name}


def _file(case_id: int, attachment_id: int, *, download: bool) -> Response:
    case = case_or_404(case_id)
    try:
        attachment = notes.load_attachment(db.session, case, attachment_id)
    except NotFound:
        abort(404)
    file = notes.open_attachment(
        db.session, archive(), case, attachment, audit_initiator(), now(), download=download
    )
    response = Response(file.content, mimetype=file.mimetype)
    # A PDF is always downloaded: it is read in a PDF reader, never run in Trygg's origin.
    inline = not download and attachment.format != "pdf"
    response.headers.set(
        "Content-Disposition", "inline" if inline else "attachment", filename=file.filename
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/saker/<id:case_id>/vedlegg/<id:attachment_id>")
@requires(can_see_cases)
def show_attachment(case_id: int, attachment_id: int) -> str:
    """An image on a page of Trygg's own (a browser's bare image view breaks the CSP);
    the image itself is fetched, and audited, from `image`."""
    case = case_or_404(case_id)
    try:
        attachment = notes.load_attachment(db.session, case, attachment_id)
    except NotFound:
        abort(404)
    return render_template(
        "cases/notes/attachment.html",
        case=_summary(case),
        name=attachment.display_name,
        description=attachment.description,
        image_url=url_for(".image", case_id=case.id, attachment_id=attachment.id)
        if attachment.format != "pdf"
        else "",
        download_url=url_for(".download_attachment", case_id=case.id, attachment_id=attachment.id),
    )


@bp.route("/saker/<id:case_id>/vedlegg/<id:attachment_id>/bilde")
@requires(can_see_cases)
def image(case_id: int, attachment_id: int) -> Response:
    return _file(case_id, attachment_id, download=False)


@bp.route("/saker/<id:case_id>/vedlegg/<id:attachment_id>/last-ned")
@requires(can_see_cases)
def download_attachment(case_id: int, attachment_id: int) -> Response:
    return _file(case_id, attachment_id, download=True)


@bp.route("/saker/<id:case_id>/notater/<id:record_id>/trekk-tilbake", methods=["GET", "POST"])
@requires(can_see_cases)
def withdraw_note(case_id: int, record_id: int) -> str | Response:
    return _withdraw(case_id, "note", record_id)


@bp.route("/saker/<id:case_id>/vedlegg/<id:record_id>/trekk-tilbake", methods=["GET", "POST"])
@requires(can_see_cases)
def withdraw_attachment(case_id: int, record_id: int) -> str | Response:
    return _withdraw(case_id, "attachment", record_id)


def _withdraw(case_id: int, what: Literal["note", "attachment"], record_id: int) -> str | Response:
    case = case_or_404(case_id, edit=True)
    try:
        added_by = notes.record_author(db.session, case, what, record_id)
    except NotFound:
        abort(404)
    if not can_withdraw_case_record(current_user(), case_access(case), added_by):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            notes.withdraw(
                db.session,
                case,
                what,
                record_id,
                form.reason.data or "",
                acting_user(),
                audit_initiator(),
                now(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            message = (
                gettext("Notatet er trukket tilbake.")
                if what == "note"
                else gettext("Vedlegget er trukket tilbake.")
            )
            return _back(case, message)
    return render_template("cases/notes/withdraw.html", form=form, case=_summary(case), what=what)
