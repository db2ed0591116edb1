"""Merging two cases of one pupil, linking a typed pupil to the register, and reading a
merged case's permanent records from the surviving case (trygg.cases.merging). Both link
pages search and choose the register pupil with views.cases.register_choice.

Every case is loaded with its access check (case_or_404); the merged case's documents
and attachments are reached only through the surviving case and its merge row, so who
may read them is decided by the surviving case."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.case_register import MergeForm
from trygg import audit
from trygg.accounts.permissions import can_inform_guardians, can_merge_cases, can_see_cases
from trygg.cases.access import case_access, load_case
from trygg.cases.downloads import pdf_file
from trygg.cases.merging import link_pupil, merge_candidates, merge_cases, merged_into
from trygg.cases.notes import load_attachment, open_attachment
from trygg.cases.register_people import link_person as link_person_to_register
from trygg.cases.register_people import unlinked_pupils
from trygg.errors import NotFound, Refused
from trygg.models import Case, CaseMerge
from trygg.models.cases import MERGED
from views.cases.loading import acting_user, archive, case_or_404, document_or_404, now
from views.cases.register_choice import register_choice
from web.files import attachment, converters
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_merge", __name__, url_prefix="/saker")


def surviving_case_of(case: Case) -> Case | None:
    """Where a merged case's page leads: the surviving case, if the user may see it."""
    if case.status != MERGED:
        return None
    target = merged_into(db.session, case)
    if target is None:
        return None
    try:
        return load_case(db.session, current_user(), target.id)
    except NotFound:
        return None


def _candidates(case: Case) -> list[Case]:
    user, access = current_user(), case_access(case)
    return [
        other
        for other in merge_candidates(db.session, case)
        if can_merge_cases(user, access, case_access(other))
    ]


@bp.route("/<id:case_id>/slaa-sammen", methods=["GET", "POST"])
@requires(can_see_cases)
def merge(case_id: int) -> Response | str:
    case = case_or_404(case_id, edit=True)
    # The right first: a user without it never makes the candidate queries run.
    if not can_merge_cases(current_user(), case_access(case), case_access(case)):
        abort(403)
    candidates = _candidates(case)
    form = MergeForm()
    form.other.choices = [
        (str(c.id), f"{c.reference}: {c.pupil_name}, {c.pupil_class}") for c in candidates
    ]
    if form.validate_on_submit():
        other = next((c for c in candidates if c.id == form.other_id()), None)
        try:
            if other is None:
                raise Refused("Velg saken som skal slås sammen med denne.", field="other")
            if not form.confirm.data:
                raise Refused("Bekreft at sakene gjelder samme elev.", field="confirm")
            merge_cases(db.session, case, other, acting_user(), audit_initiator(), now())
        except Refused as error:
            show_error(form, error)
        else:
            flash(
                gettext("Sak %(merged)s er slått sammen med denne saken.", merged=other.reference),
                "success",
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/register/merge.html",
        form=form,
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
        has_candidates=bool(candidates),
    )


@bp.route("/<id:case_id>/elevregisteret", methods=["GET", "POST"])
@requires(can_see_cases)
def link(case_id: int) -> Response | str:
    case = case_or_404(case_id, edit=True)
    if not can_inform_guardians(current_user(), case_access(case)):
        abort(403)
    choice = register_choice(case)
    if isinstance(choice, Response):
        return choice
    if choice.chosen is not None:
        try:
            pupil = link_pupil(
                db.session, case, choice.chosen, acting_user(), audit_initiator(), now()
            )
        except Refused as error:
            show_error(choice.form, error)
        else:
            flash(
                gettext("Saken er knyttet til %(name)s i elevregisteret.", name=pupil.full_name),
                "success",
            )
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/register/link.html",
        **choice.page(),
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )


@bp.route("/<id:case_id>/personer/<key>/elevregisteret", methods=["GET", "POST"])
@requires(can_see_cases)
def link_person(case_id: int, key: str) -> Response | str:
    """Tie another pupil of the case to the register by hand (the register had no single
    pupil by the name the case used): their guardians come in with their labels."""
    case = case_or_404(case_id, edit=True)
    if not can_inform_guardians(current_user(), case_access(case)):
        abort(403)
    person = next((a for a in unlinked_pupils(case) if a.key == key), None)
    if person is None:
        abort(404)
    choice = register_choice(case)
    if isinstance(choice, Response):
        return choice
    if choice.chosen is not None:
        try:
            linked = link_person_to_register(
                db.session, case, key, choice.chosen, acting_user(), audit_initiator(), now()
            )
        except Refused as error:
            show_error(choice.form, error)
        else:
            flash(
                gettext(
                    "%(label)s er knyttet til %(name)s i elevregisteret.",
                    label=linked.label,
                    name=linked.name,
                ),
                "success",
            )
            return redirect(url_for("cases.show", case_id=case.id, _anchor="foresatte"))
    return render_template(
        "cases/register/link_person.html",
        **choice.page(),
        person={"key": person.key, "name": person.name, "label": person.label},
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )


def _merged_case(case_id: int, merged_id: int) -> Case:
    """The merged case, through the surviving case (loaded with its access check)."""
    case = case_or_404(case_id)
    row = (
        db.session.query(CaseMerge)
        .filter_by(surviving_case_id=case.id, merged_case_id=merged_id)
        .one_or_none()
    )
    if row is None:
        abort(404)
    return row.merged_case


@bp.route("/<id:case_id>/sammenslatt/<id:merged_id>/dokumenter/<id:document_id>.pdf")
@requires(can_see_cases)
def merged_document(case_id: int, merged_id: int, document_id: int) -> Response:
    merged = _merged_case(case_id, merged_id)
    doc = document_or_404(merged, document_id, final=True)
    file = pdf_file(db.session, archive(), merged, doc, converters(), current_user().id, now())
    audit.record(
        db.session,
        audit_initiator(),
        "document.downloaded",
        "case",
        str(case_id),
        {"document": doc.id, "merged_case": merged.id, "format": "pdf"},
        now=now(),
    )
    return attachment(file.content, file.mimetype, file.filename)


@bp.route("/<id:case_id>/sammenslatt/<id:merged_id>/vedlegg/<id:attachment_id>")
@requires(can_see_cases)
def merged_attachment(case_id: int, merged_id: int, attachment_id: int) -> Response:
    merged = _merged_case(case_id, merged_id)
    try:
        row = load_attachment(db.session, merged, attachment_id)
    except NotFound:
        abort(404)
    file = open_attachment(
        db.session, archive(), merged, row, audit_initiator(), now(), download=True
    )
    return attachment(file.content, file.mimetype, file.filename)
