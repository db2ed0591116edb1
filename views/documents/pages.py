"""The case's documents: the investigation, plan versions and evaluations as forms, and
every document as a Word or PDF download.

A save names the revision the form was loaded with; if someone saved in between, the
conflict page shows both texts and the form again, so nothing typed is ever lost.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm
from forms.documents.fields import change_rows
from trygg import audit
from trygg.accounts.permissions import can_handle_cases, can_see_cases
from trygg.cases.documents import DocumentProblems, EditConflict, save_draft
from trygg.cases.downloads import FORMATS, pdf_file, word_file
from trygg.cases.names_check import case_people, with_not_names
from trygg.cases.workflow import check_rules, finalise_step, start_document, start_evaluation
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import FINAL
from views.cases.loading import acting_user, archive, case_or_404, document_or_404, now
from views.documents.name_questions import ADD_PERSON, apply_answers, confirmed_words
from views.documents.page_content import (
    KINDS,
    EditPage,
    caution_items,
    problem_items,
    race_conflict,
    shown_document,
    start_document_of,
    start_page,
    start_refusal,
)
from web.converters import parse_id
from web.errors import offer_links
from web.files import attachment, converters
from web.form_errors import add_error, show_error
from web.gate import audit_initiator, current_user, requires
from web.lifecycle import EarlyCommit, commit_now, discard_changes
from web.notifications import deliver_new_notifications

bp = Blueprint("case_documents", __name__, url_prefix="/saker")
# The domain's own words (trygg.cases.documents.save_draft), so one translation serves both.
FINAL_IS_READ_ONLY = "Dokumentet er ferdigstilt og arkivert, og kan ikke endres. Lag en ny versjon."


def _audit(case: Case, action: str, doc: CaseDocument, **details: Any) -> None:
    audit.record(
        db.session,
        audit_initiator(),
        action,
        "case",
        str(case.id),
        {"document": doc.id, **details},
        now=now(),
    )


def _form_url(case: Case, kind: str) -> str | None:
    """The page of a kind of document, for the links of an error page; the meldeskjema
    has none (it is filed through the report form)."""
    return url_for(".edit", case_id=case.id, kind=kind) if kind in KINDS else None


@bp.route("/<id:case_id>/dokument/<kind>", methods=["GET", "POST"])
@requires(can_handle_cases)
def edit(case_id: int, kind: str) -> str | Response:
    if kind not in KINDS:
        abort(404)
    case = case_or_404(case_id, edit=True)
    if request.method == "POST":
        return _post(case, kind)
    doc = shown_document(case, kind)
    if doc is None:
        refusal = start_refusal(case, kind)
        if refusal is not None:
            # The page is a link on the case page (a new evaluation before any plan is
            # final, say): back there, with the reason.
            flash(refusal, "error")
            return redirect(url_for("cases.show", case_id=case.id))
        # Nothing is created by opening a page: the start button posts to `start`.
        return start_page(case, kind)
    _audit(case, "document.viewed", doc)
    return EditPage(case, doc).render()


@bp.route("/<id:case_id>/dokument/<kind>/start", methods=["POST"])
@requires(can_handle_cases)
def start(case_id: int, kind: str) -> Response:
    if kind not in KINDS:
        abort(404)
    case = case_or_404(case_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # Started in the meantime (a second tab, a double click): that one is opened as it is.
    if shown_document(case, kind) is None:
        # A refusal (the case is closed, no final plan to evaluate) goes back to the case
        # page with the reason (web.errors).
        doc = start_document_of(case, kind, acting_user(), now())
        _audit(case, "document.started", doc)
    return redirect(url_for(".edit", case_id=case.id, kind=kind))


def _posted_document(case: Case, kind: str, value: str | None) -> CaseDocument:
    document_id = parse_id(value)
    if document_id is None:
        abort(404)
    return document_or_404(case, document_id, kind=kind)


def _post(case: Case, kind: str) -> str | Response:
    spec = KINDS[kind]
    form = spec.form_class()
    doc = _posted_document(case, kind, form.document_id.data)
    page = EditPage(case, doc, form)
    if doc.status == FINAL:
        # Someone finalised it while this form was open: keep the text, say why.
        add_error(form, None, gettext(FINAL_IS_READ_ONLY))
        return page.render()
    # "Which Ola?" answers rewrite the text as typed, before anything else reads it.
    apply_answers(page.text_fields(), case_people(case), request.form)
    page.confirmed = confirmed_words(request.form)
    if change_rows(form, request.form.get("add_row"), request.form.get("remove_row")):
        return page.render()
    if not form.validate():
        return page.render()
    section = with_not_names(page.section(), page.confirmed)
    revision = int(form.revision.data) if (form.revision.data or "").isdigit() else 0
    try:
        save_draft(db.session, case, doc, section, revision, acting_user(), now())
    except EditConflict as conflict:
        discard_changes()
        return page.conflict(conflict)
    except StaleDataError:
        # Saved by someone else in the same instant: the database's version check caught
        # it, and the failed write is undone before the page reads the other save.
        discard_changes()
        return page.conflict(race_conflict(doc, section))
    except Refused as error:
        show_error(form, error)
        return page.render()
    _audit(case, "document.saved", doc)
    if request.form.get(ADD_PERSON):
        # Saved first, so nothing typed is lost on the way to the person form.
        flash(gettext("Utkastet er lagret."), "success")
        return redirect(
            url_for(
                "case_key.add_person",
                case_id=case.id,
                navn=request.form[ADD_PERSON][:200],
                dokument=kind,
            )
        )
    if "ferdigstill" not in request.form:
        flash(gettext("Utkastet er lagret."), "success")
        return redirect(url_for(".edit", case_id=case.id, kind=kind))
    return _finalise(case, doc, page)


def _finalise(case: Case, doc: CaseDocument, page: EditPage) -> str | Response:
    # The draft is saved (and committed) first, on purpose: if finalising is refused,
    # what the user typed is kept in the draft as well as on the page.
    commit_now(EarlyCommit.DRAFT_BEFORE_FINALISE)
    offer_links(edit_url=_form_url(case, doc.kind))
    # «Ferdigstill likevel»: the user has seen the cautions and goes on.
    go_on = request.form.get("ferdigstill") == "likevel"
    try:
        cautions = [] if go_on else check_rules(db.session, case, doc)
        if cautions:
            # Refusals come first (check_rules raised them); these the user may pass.
            page.refresh_revision()
            page.cautions = caution_items(page.form, cautions)
            return page.render()
        next_plan = finalise_step(
            db.session, archive(), case, doc, acting_user(), audit_initiator(), now()
        )
    except DocumentProblems as problems:
        # What is missing, and any name that reached the Word file (NameLeak), beside
        # the fields it is about; nothing of the refused finalise stays.
        discard_changes()
        page.refresh_revision()
        page.problems = problem_items(page.form, problems.problems, page.spec.problem_fields)
        return page.render()
    except Refused as error:
        show_error(page.form, error)
        page.refresh_revision()
        return page.render()
    if next_plan is not None:
        flash(
            gettext(
                "Evalueringen er ferdigstilt og arkivert. Her er et utkast til ny versjon av "
                "aktivitetsplanen: tiltakene som skal fortsette eller justeres, er fylt ut fra "
                "forrige versjon."
            ),
            "success",
        )
        return redirect(url_for(".edit", case_id=case.id, kind="aktivitetsplan"))
    flash(gettext("Dokumentet er ferdigstilt og arkivert."), "success")
    if doc.kind == "evaluering" and doc.data.get("next", {}).get("action") == "avslutte":
        # Never a silent close: the leadership is alerted and decides (trygg.cases.closing).
        deliver_new_notifications()
        flash(
            gettext("Forslaget om å avslutte saken er sendt til ledelsen, som bekrefter det."),
            "success",
        )
    return redirect(url_for(".edit", case_id=case.id, kind=doc.kind))


@bp.route("/<id:case_id>/dokument/<kind>/ny-versjon", methods=["POST"])
@requires(can_handle_cases)
def new_version(case_id: int, kind: str) -> Response:
    if kind not in KINDS:
        abort(404)
    case = case_or_404(case_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # A refusal (the case is closed, the plan is not final yet) goes back to the case
    # page with the reason (web.errors).
    if kind == "evaluering":
        doc = start_evaluation(db.session, case, acting_user(), now())
    else:
        doc = start_document(db.session, case, kind, acting_user(), now())
    _audit(case, "document.started", doc)
    return redirect(url_for(".edit", case_id=case.id, kind=kind))


# --- Downloads ---------------------------------------------------------------------


@bp.route("/<id:case_id>/dokumenter/<id:document_id>/<fmt>")
@requires(can_see_cases)
def download(case_id: int, document_id: int, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    case = case_or_404(case_id)
    doc = document_or_404(case, document_id)
    # When the file cannot be delivered (a draft not ready, no PDF service, a damaged
    # archive, a name in the PDF), web.errors shows why, with these ways on.
    offer_links(
        word_url=url_for(".download", case_id=case.id, document_id=doc.id, fmt="docx"),
        edit_url=_form_url(case, doc.kind),
    )
    if fmt == "docx":
        file = word_file(db.session, archive(), case, doc)
    else:
        # Archived the first time; two people asking at once both get the one archived
        # first (trygg.cases.downloads.pdf_file).
        file = pdf_file(db.session, archive(), case, doc, converters(), current_user().id, now())
    _audit(case, "document.downloaded", doc, format=fmt)
    return attachment(file.content, file.mimetype, file.filename)
