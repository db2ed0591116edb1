"""The case's people outside the case page: adding a person a document's text names
("Legg til person" beside a name warning), and the school owner's export of the
name-to-label key for Statsforvalteren: of one case at once, of all its cases by a
background job (trygg.jobs.exports.keys_csv), for the archive or a records request.

The case pages load the case through case_or_404 first, so a case the user may not see
(§ 12-5) is absent here too; only then is the export refused (403) to those who see the
case but may not pass its key on. The job checks the same rule per case when it runs.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from database import db
from forms.auth import ConfirmForm
from forms.cases import PersonForm
from trygg import audit, jobs
from trygg.accounts.permissions import (
    can_act_as_school_owner,
    can_export_key,
    can_handle_cases,
    can_see_cases,
)
from trygg.cases.access import case_access
from trygg.cases.key_export import export_key
from trygg.cases.person_register import register_pupil
from trygg.cases.registry import pupil_choices, register_person
from trygg.errors import Refused
from trygg.models import Case
from views.cases.loading import acting_user, case_or_404, now
from views.cases.person_picking import pick, picking, posted_prefix, submitted_pupil_id
from views.documents.page_content import KINDS
from views.jobs.pages import start as start_job
from views.reports.pupil_picking import matches_json, wants_json
from web.files import attachment
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_key", __name__, url_prefix="/saker")


@bp.route("/<id:case_id>/navnenokkel.csv")
@requires(can_see_cases)
def export(case_id: int) -> Response:
    case = case_or_404(case_id)
    if not can_export_key(current_user(), case_access(case)):
        abort(403)
    file = export_key(db.session, case, audit_initiator(), now(), gettext)
    # The mimetype alone: werkzeug adds "; charset=utf-8" to every text/* type itself.
    return attachment(file.content, "text/csv", file.filename)


@bp.route("/navnenokler", methods=["GET", "POST"])
@requires(can_act_as_school_owner)
def all_keys() -> str | Response:
    """The keys of every case routed to the school owner, as one CSV made in the
    background: the page says what the file holds, the button starts the job."""
    form = ConfirmForm()
    if form.validate_on_submit():
        return start_job(jobs.KEYS_CSV, current_user().municipality_id)
    return render_template("cases/key/all_keys.html", form=form)


def _document(value: str | None) -> str:
    """Where to go back to: a document kind, never a URL from the query string."""
    return value if value in KINDS else ""


def _back_url(case: Case, kind: str) -> str:
    if kind:
        return url_for("case_documents.edit", case_id=case.id, kind=kind)
    return url_for("cases.show", case_id=case.id, _anchor="personer")


def _person_form(case: Case, name: str | None = None, prefix: str = "") -> PersonForm:
    if name is None:
        form = PersonForm(prefix=prefix)
    else:
        form = PersonForm(formdata=None, data={"name": name[:200], "kind": "pupil"})
    own_pupil = gettext("Eleven saken gjelder (%(name)s)", name=case.pupil_name)
    form.guardian_of.choices = [
        SelectChoice("", own_pupil),
        *(SelectChoice(key, label) for key, label in pupil_choices(case)),
    ]
    return form


def _page(
    case: Case, form: PersonForm, kind: str, matches: list[dict[str, Any]] | None = None
) -> str:
    # The form lists the case's pupils by name and label: a look at the key.
    audit.record(db.session, audit_initiator(), "case.key_viewed", "case", str(case.id), now=now())
    return render_template(
        "cases/key/add_person.html",
        form=form,
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
        action=url_for(".add_person", case_id=case.id, dokument=kind or None),
        back_url=_back_url(case, kind),
        back_to_document=bool(kind),
        picking=picking(form, case, matches),
    )


@bp.route("/<id:case_id>/personer/ny", methods=["GET", "POST"])
@requires(can_handle_cases)
def add_person(case_id: int) -> str | Response:
    """Add a person a document names, then go back to that document; also where the case
    page's person form searches the register (views/cases/person_picking.py)."""
    case = case_or_404(case_id, edit=True)
    kind = _document(request.args.get("dokument"))
    if request.method == "GET":
        return _page(case, _person_form(case, request.args.get("navn", "")), kind)
    form = _person_form(case, prefix=posted_prefix())
    matches = pick(form, case)
    if matches is not None:
        if "search_pupil" in request.form and wants_json():
            return matches_json(matches)
        return _page(case, form, kind, matches)
    if not form.validate_on_submit():
        return _page(case, form, kind)
    person = form.person(submitted_pupil_id(form, case))
    try:
        if person.pupil_id is None:
            actor = register_person(
                db.session, case, person, acting_user(), audit_initiator(), now()
            )
        else:
            actor = register_pupil(
                db.session, case, person, acting_user(), audit_initiator(), now()
            )
    except Refused as error:
        # Discards the request's changes; the rules refuse before they change the case.
        show_error(form, error)
        return _page(case, form, kind)
    if actor.label:
        message = gettext(
            "%(name)s er lagt til i saken og heter %(label)s i dokumentene.",
            name=actor.name,
            label=actor.label,
        )
    else:
        message = gettext("%(name)s er lagt til i saken.", name=actor.name)
    flash(message, "success")
    return redirect(_back_url(case, kind))
