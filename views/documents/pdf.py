"""PDFs made from the case's final documents: the whole case as one PDF with a bookmark
per document, and a password-protected copy of one document to send home. Both are
audited; the password itself is never stored or logged.

The whole case grows with the case (every document converted, notes, attachments), so it
is made by a background job only (trygg.jobs.exports.case_pdf): its progress page says
why when it cannot be made, and its download is audited as the bundle's. The old address
of the direct download leads back to the case page, where the job's button is.

When the copy for home cannot be made, web.errors answers with the reason's own page: a
damaged archive (500), a labelled person's name in the PDF, named (422), no PDF service
(503)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.documents.home_copy import HomeCopyForm
from trygg import audit
from trygg.accounts.permissions import can_see_cases, can_send_home_copies
from trygg.cases.downloads import document_title
from trygg.cases.sending import check_password, home_copy
from trygg.errors import Refused
from trygg.jobs import CASE_PDF
from trygg.models import Case
from views.cases.loading import archive, case_or_404, document_or_404, now
from views.documents.page_content import KINDS
from views.jobs.pages import start as start_job
from web.errors import offer_links
from web.files import attachment, converters
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_pdf", __name__, url_prefix="/saker")


def _audit(case: Case, action: str, **details: Any) -> None:
    audit.record(db.session, audit_initiator(), action, "case", str(case.id), details, now=now())


@bp.route("/<id:case_id>/samlet.pdf")
@requires(can_see_cases)
def bundle(case_id: int) -> Response:
    """The retired direct download, kept so bookmarks and old links still lead somewhere:
    to the case page's button (a GET never starts a job: it changes state)."""
    case = case_or_404(case_id)
    flash(
        gettext(
            "Hele saken som PDF lages nå i bakgrunnen. Trykk «Lag hele saken som PDF» under "
            "Dokumenter, så kan du følge med mens den lages."
        ),
        "info",
    )
    return redirect(url_for("cases.show", case_id=case.id, _anchor="dokumenter"))


@bp.route("/<id:case_id>/samlet-pdf", methods=["POST"])
@requires(can_see_cases)
def bundle_job(case_id: int) -> Response:
    """«Hele saken som PDF» by a background job: to its progress page (the download there
    is audited as the bundle's)."""
    case = case_or_404(case_id)
    return start_job(CASE_PDF, case.id)


@bp.route("/<id:case_id>/dokumenter/<id:document_id>/send-hjem", methods=["GET", "POST"])
@requires(can_send_home_copies)
def send_home(case_id: int, document_id: int) -> Response | str:
    case = case_or_404(case_id, edit=True)
    doc = document_or_404(case, document_id, final=True)
    form = HomeCopyForm()
    if form.validate_on_submit():
        # A name in the PDF is mended in a new version, made from the document's page.
        if doc.kind in KINDS:
            offer_links(edit_url=url_for("case_documents.edit", case_id=case.id, kind=doc.kind))
        password, repeat = form.password.data or "", form.repeat.data or ""
        try:
            check_password(password, repeat)
            file = home_copy(
                db.session, archive(), case, doc, converters(), password, current_user().id, now()
            )
        except Refused as error:
            show_error(form, error)
        else:
            _audit(case, "document.home_copy", document=doc.id)
            return attachment(file.content, file.mimetype, file.filename)
    return render_template(
        "documents/home_copy.html",
        form=form,
        title=document_title(doc),
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )
