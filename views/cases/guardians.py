"""The pupil's guardians on the case page, "Foresatte informert" and "Send til
foresatte" (trygg.cases.guardians, trygg.cases.send_home_mail), and the section of the
case page that shows them with the merges (register_section)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.base import BaseForm
from forms.case_register import InformedForm, SendToGuardiansForm
from trygg.accounts.permissions import can_inform_guardians, can_merge_cases, can_see_cases
from trygg.accounts.principal import Principal
from trygg.calendar.formats import date_text, timestamp_text
from trygg.cases.access import case_access
from trygg.cases.case_records import case_records
from trygg.cases.downloads import document_title
from trygg.cases.guardians import (
    HOW_NAMES,
    Informed,
    case_guardians,
    guardian_lines,
    informed_entries,
    needs_confirmation,
    record_informed,
)
from trygg.cases.merging import merges_into
from trygg.cases.register_people import bring_register_people
from trygg.cases.reminders import mailer_for
from trygg.cases.send_home_mail import SendRequest, send_to_guardians
from trygg.cases.sending import final_documents
from trygg.errors import Refused
from trygg.models import Case
from trygg.models.cases import OPEN
from views.cases.loading import acting_user, archive, case_or_404, document_or_404, now, today
from web.files import converters
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires, settings

bp = Blueprint("case_guardians", __name__, url_prefix="/saker")


def _managed(case_id: int) -> Case:
    case = case_or_404(case_id, edit=True)
    if not can_inform_guardians(current_user(), case_access(case)):
        abort(403)
    return case


def _guardian_choices(case: Case) -> list[tuple[str, str]]:
    return [
        (str(g.id), f"{g.name} ({g.relation})" if g.relation else g.name)
        for g in case_guardians(case)
    ]


@bp.route("/<id:case_id>/foresatte/informert", methods=["GET", "POST"])
@requires(can_see_cases)
def informed(case_id: int) -> Response | str:
    case = _managed(case_id)
    form = InformedForm()
    form.how.choices = [(code, gettext(name)) for code, name in HOW_NAMES.items()]
    form.guardians.choices = _guardian_choices(case)
    if form.validate_on_submit():
        assert form.informed_on.data is not None  # InputRequired
        try:
            record_informed(
                db.session,
                case,
                Informed(form.informed_on.data, form.how.data or "", form.guardian_ids()),
                acting_user(),
                audit_initiator(),
                now(),
                today(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(gettext("Det er registrert at de foresatte er informert."), "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor="foresatte"))
    return render_template(
        "cases/register/informed.html",
        form=form,
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )


@bp.route("/<id:case_id>/dokumenter/<id:document_id>/send-til-foresatte", methods=["GET", "POST"])
@requires(can_see_cases)
def send(case_id: int, document_id: int) -> Response | str:
    case = _managed(case_id)
    doc = document_or_404(case, document_id, final=True)
    guardians = case_guardians(case)
    form = SendToGuardiansForm()
    form.guardians.choices = _guardian_choices(case)
    if not form.is_submitted():
        # Ticked in advance: only those who may receive it without a confirmation.
        form.guardians.data = [
            str(g.id) for g in guardians if g.email and not needs_confirmation(case, g)
        ]
    sent = None
    if form.validate_on_submit():
        try:
            sent = send_to_guardians(
                db.session,
                archive(),
                case,
                doc,
                converters(),
                mailer_for(settings()),
                SendRequest(form.guardian_ids(), bool(form.confirm.data)),
                acting_user(),
                audit_initiator(),
                now(),
            )
        except Refused as error:
            show_error(form, error)
    retry = _retry_form(case, sent.failed_ids) if sent is not None and sent.failed else None
    # The password is shown once, on this response (never stored; pages are no-store).
    # A failure part-way is a 200 too: what was sent is recorded as sent, and committed.
    return render_template(
        "cases/register/send.html",
        form=retry or form,
        sent=sent,
        failure=gettext(sent.failure) if sent is not None and sent.failure else "",
        title=document_title(doc),
        guardians=guardian_lines(case),
        confirm_ids=[
            g.id
            for g in guardians
            if needs_confirmation(case, g) and (sent is None or g.id in sent.failed_ids)
        ],
        case={"id": case.id, "reference": case.reference, "pupil": case.pupil_name},
    )


def _retry_form(case: Case, failed: tuple[int, ...]) -> SendToGuardiansForm:
    """The form again, offering only the guardians the mail did not reach, ticked; a
    confirmation they needed is asked for again."""
    retry = SendToGuardiansForm(formdata=None)
    retry.guardians.choices = [c for c in _guardian_choices(case) if int(c[0]) in failed]
    retry.guardians.data = [str(i) for i in failed]
    return retry


@bp.route("/<id:case_id>/foresatte/elevregisteret", methods=["POST"])
@requires(can_see_cases)
def refresh(case_id: int) -> Response:
    """Bring in what the register knows now (a register imported after the case was
    opened): the other pupils it knows by name, and the guardians."""
    case = _managed(case_id)
    if case.status != OPEN:
        flash(gettext("Saken er ikke åpen."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    added = bring_register_people(db.session, case, acting_user().id, audit_initiator(), now())
    flash(
        ngettext(
            "%(num)d person fra elevregisteret er lagt til i saken.",
            "%(num)d personer fra elevregisteret er lagt til i saken.",
            len(added),
        )
        if added
        else gettext("Elevregisteret har ingen flere personer til saken."),
        "success",
    )
    return redirect(url_for("cases.show", case_id=case.id, _anchor="foresatte"))


def register_section(case: Case, user: Principal) -> dict[str, Any]:
    """What the case page shows of issue 13: guardians, when they were informed, the
    cases merged into this one, and the links to the leadership's pages."""
    access = case_access(case)
    manage = can_inform_guardians(user, access) and case.status == OPEN
    merged = []
    for row in merges_into(db.session, case):
        other = row.merged_case
        records = case_records(db.session, other)
        merged.append(
            {
                "id": other.id,
                "reference": other.reference,
                "pupil": other.pupil_name,
                "at": timestamp_text(row.merged_at),
                "labels": sorted((old, new) for old, new in row.labels.items() if old != new),
                "documents": [
                    {
                        "title": document_title(d),
                        "url": url_for(
                            "case_merge.merged_document",
                            case_id=case.id,
                            merged_id=other.id,
                            document_id=d.id,
                        ),
                    }
                    for d in final_documents(db.session, other)
                ],
                "notes": records.notes,
                "attachments": [
                    {
                        "name": a.display_name,
                        "url": url_for(
                            "case_merge.merged_attachment",
                            case_id=case.id,
                            merged_id=other.id,
                            attachment_id=a.id,
                        ),
                    }
                    for a in records.attachments
                ],
            }
        )
    send_links = []
    if manage and case.pupil is not None:
        send_links = [
            {
                "title": document_title(d),
                "url": url_for("case_guardians.send", case_id=case.id, document_id=d.id),
            }
            for d in final_documents(db.session, case)
        ]
    others = [
        {
            "label": a.label,
            "name": a.name,
            "from_register": a.pupil_id is not None,
            "url": url_for("case_merge.link_person", case_id=case.id, key=a.key)
            if manage and a.pupil_id is None
            else "",
        }
        for a in case.actors
        if a.kind == "pupil"
    ]
    return {
        "guardians": guardian_lines(case),
        "others": others,
        "others_guardians": [
            {"name": a.name, "label": a.label}
            for a in case.actors
            if a.kind == "guardian" and a.guardian_of
        ],
        "refresh_url": url_for("case_guardians.refresh", case_id=case.id) if manage else "",
        "refresh_form": BaseForm() if manage else None,
        "informed": [
            {"on": date_text(e.on), "how": gettext(e.how), "guardians": e.guardians, "by": e.by}
            for e in informed_entries(db.session, case)
        ],
        "merged": merged,
        "informed_url": url_for("case_guardians.informed", case_id=case.id)
        if manage and case.pupil is not None
        else "",
        "send_links": send_links,
        "link_url": url_for("case_merge.link", case_id=case.id)
        if manage and case.pupil_id is None
        else "",
        "merge_url": url_for("case_merge.merge", case_id=case.id)
        if case.status == OPEN and can_merge_cases(user, access, access)
        else "",
    }
