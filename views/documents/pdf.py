"""PDFs made from the case's final documents: the whole case as one PDF with a bookmark
per document, and a password-protected copy of one document to send home. Both are
audited; the password itself is never stored or logged."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.documents.home_copy import HomeCopyForm
from trygg import audit
from trygg.accounts.permissions import can_handle_cases, can_see_cases
from trygg.archive import ArchiveDamaged
from trygg.cases.documents import DocumentProblems
from trygg.cases.downloads import document_title
from trygg.cases.sending import case_bundle, check_password, home_copy
from trygg.errors import DomainError
from trygg.models import Case, CaseDocument
from trygg.models.documents import FINAL
from trygg.pdf import PdfError
from views.cases.loading import archive, case_or_404, now
from web.files import attachment, converters, download_failure
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_pdf", __name__, url_prefix="/saker")


def _failure(case: Case, error: PdfError | DocumentProblems | ArchiveDamaged) -> tuple[str, int]:
    # The PDFs here are made from final documents, so the way back is the case page.
    case_url = url_for("cases.show", case_id=case.id)
    return download_failure(error, word_url=case_url, edit_url=case_url, back_url=case_url)


def _audit(case: Case, action: str, **details: Any) -> None:
    audit.record(db.session, audit_initiator(), action, "case", str(case.id), details, now=now())


@bp.route("/<int:case_id>/samlet.pdf")
@requires(can_see_cases)
def bundle(case_id: int) -> Response | tuple[str, int]:
    case = case_or_404(case_id)
    try:
        file = case_bundle(db.session, archive(), case, converters(), current_user().id, now())
    except DomainError as error:
        db.session.rollback()
        return render_template(
            "errors/error.html",
            status=404,
            title=gettext("Ingen dokumenter"),
            text=gettext(error.message, **error.params),
        ), 404
    except (PdfError, DocumentProblems, ArchiveDamaged) as error:
        return _failure(case, error)
    _audit(case, "case.bundle_downloaded")
    db.session.commit()
    return attachment(file.content, file.mimetype, file.filename)


@bp.route("/<int:case_id>/dokumenter/<int:document_id>/send-hjem", methods=["GET", "POST"])
@requires(can_handle_cases)
def send_home(case_id: int, document_id: int) -> Response | str | tuple[str, int]:
    case = case_or_404(case_id, edit=True)
    doc = db.session.get(CaseDocument, document_id)
    if doc is None or doc.case_id != case.id or doc.status != FINAL:
        abort(404)
    form = HomeCopyForm()
    if form.validate_on_submit():
        password, repeat = form.password.data or "", form.repeat.data or ""
        try:
            check_password(password, repeat)
            file = home_copy(
                db.session, archive(), case, doc, converters(), password, current_user().id, now()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        except (PdfError, DocumentProblems, ArchiveDamaged) as error:
            return _failure(case, error)
        else:
            _audit(case, "document.home_copy", document=doc.id)
            db.session.commit()
            return attachment(file.content, file.mimetype, file.filename)
    return render_template(
        "documents/home_copy.html",
        form=form,
        title=document_title(doc),
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )
