"""Journey 1: a staff member files a meldeskjema, gets a receipt, and finds it again.

A reporter sees their own reports, never the case: the receipt and its Word file are
theirs alone, and anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from database import db
from forms.reports import (
    ARENAS,
    MAX_OTHER_PUPILS,
    PUPIL_ROLES,
    SUSPECT_ANSWERS,
    VIOLATION_KINDS,
    OtherPupilForm,
    ReportForm,
)
from trygg.accounts.permissions import can_file_report
from trygg.calendar.formats import stored_text, timestamp_text
from trygg.cases.actors import PersonInput, roster
from trygg.cases.documents import DocumentProblems
from trygg.cases.downloads import MIMETYPES
from trygg.cases.names_check import NameCheck, NamesToCheck
from trygg.cases.receipts import ReportReceipt, open_receipt, receipt_word
from trygg.cases.register_people import OTHER_PUPIL
from trygg.cases.reports import NewReport, file_report, my_reports, report_names, report_people
from trygg.errors import Refused
from views.cases.loading import acting_user, archive, now, own_report_or_404
from views.documents.name_questions import ADD_PERSON, apply_answers, confirmed_words, show
from views.reports import pupil_picking
from web.converters import parse_id
from web.files import attachment
from web.form_errors import add_error, show_error
from web.gate import audit_initiator, current_user, requires
from web.notifications import deliver_new_notifications

bp = Blueprint("reports", __name__, url_prefix="/meldinger")


@bp.app_context_processor
def navigation() -> dict[str, bool]:
    """The menu on every page links here for everyone who may file a report."""
    user = g.get("principal")
    return {"nav_can_file_report": user is not None and can_file_report(user)}


# Domain errors about one of the other pupils (trygg.cases.actors.add_person).
ROW_FIELDS = ("name", "kind", "guardian_of")
# The free texts the meldeskjema anonymises (NewReport.texts).
TEXT_FIELDS = ("account", "intervention", "arena_detail")


def _yes(value: str | None) -> bool:
    return value == "ja"


def _hidden_id(value: str | None) -> int | None:
    """A hidden id field: None when empty. A value that is no id at all is a tampered
    form: 0 is no pupil, and the domain refuses it."""
    text = (value or "").strip()
    return (parse_id(text) or 0) if text else None


def _named_rows(form: ReportForm) -> list[OtherPupilForm]:
    """The other pupils' rows the report names, in the order of NewReport.others."""
    return [row.form for row in form.others if (row.form.name.data or "").strip()]


def _new_report(form: ReportForm) -> NewReport:
    others = tuple(
        PersonInput(
            name=row.name.data or "",
            kind="pupil",
            role=row.role.data or "",
            aliases=row.alias_list(),
            pupil_id=_hidden_id(row.pupil_id.data),
        )
        for row in _named_rows(form)
    )
    staff_suspected = _yes(form.staff_suspected.data)
    return NewReport(
        pupil_id=_hidden_id(form.pupil_id.data),
        pupil_name=form.pupil_name.data or "",
        pupil_class=form.pupil_class.data or "",
        arena=form.arena.data or "",
        account=form.account.data or "",
        kinds=tuple(form.kinds.data or ()),
        pupil_said_so=_yes(form.pupil_said_so.data),
        staff_suspected=staff_suspected,
        suspected_name=(form.suspected_name.data or "") if staff_suspected else "",
        happened_at=form.happened_at.data,
        arena_detail=form.arena_detail.data or "",
        intervention=form.intervention.data or "",
        others=others,
        guardians_informed_at=form.guardians_informed_at.data,
        not_names=tuple(confirmed_words(request.form)),
    )


def _show_row_error(form: ReportForm, error: Refused) -> bool:
    """Put an error about another pupil on that pupil's row; False if no row fits."""
    named = " ".join(str(error.params.get("name", "")).split()).casefold()
    for row in form.others:
        typed = " ".join((row.form.name.data or "").split()).casefold()
        if typed and (typed == named or not named):
            add_error(row.form, "name", gettext(error.message, **error.params))
            return True
    return False


def _show_refusal(form: ReportForm, error: Refused) -> None:
    rows = _named_rows(form)
    row = error.params.get("row")
    if error.field == OTHER_PUPIL and isinstance(row, int) and row < len(rows):
        # The register pupil picked on one of the other pupils' rows.
        add_error(rows[row], "name", gettext(error.message, **error.params))
        return
    if error.field == "pupil_id":
        # The id is a hidden field: the reporter reads the refusal at the search.
        form.pupil_id.data = ""
        add_error(form, "pupil_search", gettext(error.message, **error.params))
        return
    if not (error.field in ROW_FIELDS and _show_row_error(form, error)):
        show_error(form, error)


def _show_problems(form: ReportForm, error: DocumentProblems) -> None:
    """What stops the meldeskjema from being archived (a name that reached the Word file
    among them, NameLeak), above the form: the reporter keeps everything typed, which
    the document pages' own error page could not offer."""
    for problem in error.problems:
        add_error(form, None, problem)


def _change_rows(form: ReportForm) -> bool:
    """The no-JS "add row" / "remove row" buttons: re-render, keeping everything typed."""
    if "add_row" in request.form:
        if len(form.others.entries) < MAX_OTHER_PUPILS:
            form.others.append_entry()
        return True
    removed = request.form.get("remove_row")
    if removed is not None:
        gone = form.posted_row(request.form.keys(), removed)
        form.others.entries = [e for e in form.others.entries if e is not gone]
        return True
    return False


def _error_items(form: ReportForm) -> list[tuple[str | None, str]]:
    """The error summary's lines (anchor, text), including the rows of other pupils."""
    items: list[tuple[str | None, str]] = [(None, str(e)) for e in form.form_errors]
    for field in form:
        if field.name == "others":
            for number, row in enumerate(field, start=1):
                for sub in row.form:
                    for e in sub.errors:
                        label = gettext("Annen elev %(number)d", number=number)
                        items.append((sub.id, f"{label}, {sub.label.text}: {e}"))
        elif field.type != "CSRFTokenField":
            items.extend((field.id, f"{field.label.text}: {e}") for e in field.errors)
    return items


def _text_fields(form: ReportForm) -> dict[str, Any]:
    return {name: form[name] for name in TEXT_FIELDS}


def _add_pupil(form: ReportForm) -> str:
    """ "Legg til person" beside a name warning: the name goes into an empty other-pupil
    row (a new one if none is empty), for the reporter to choose the role."""
    name = " ".join(request.form.get(ADD_PERSON, "").split())[:200]
    if not name:
        return ""
    empty = [row for row in form.others if not (row.form.name.data or "").strip()]
    if empty:
        empty[0].form.name.data = name
    elif len(form.others.entries) < MAX_OTHER_PUPILS:
        form.others.append_entry({"name": name})
    return gettext("%(name)s står nå under «Andre elever». Velg rollen til eleven.", name=name)


@bp.route("/ny", methods=["GET", "POST"])
@requires(can_file_report)
def new() -> str | Response:
    form = ReportForm()
    form.suspected_name.choices = _suspect_choices()
    if request.method == "POST":
        # "Which Ola?" answers rewrite the text as typed, before anything reads it.
        people = report_people(db.session, _new_report(form), acting_user())
        apply_answers(_text_fields(form), people, request.form)
        matches = pupil_picking.pick_pupil(form)
        if matches is not None:
            if "search_pupil" in request.form and pupil_picking.wants_json():
                return pupil_picking.matches_json(matches)
            return _render_form(form, matches=matches)
        other_matches = pupil_picking.pick_other(form)
        if other_matches is not None:
            return _render_form(form, other_matches=other_matches)
        if _change_rows(form):
            return _render_form(form)
        added = _add_pupil(form)
        if added:
            names = report_names(db.session, _new_report(form), acting_user())
            return _render_form(form, names, added)
    if form.validate_on_submit():
        try:
            doc = file_report(
                db.session, archive(), acting_user(), _new_report(form), audit_initiator(), now()
            )
        except NamesToCheck as names:
            # Asked before anything was stored; the form shows the questions at the text.
            show_error(form, names)
            return _render_form(form, names.check)
        except Refused as error:
            # file_report may have flushed a new case before it refused: showing the
            # refusal discards all of it.
            _show_refusal(form, error)
        except DocumentProblems as error:
            _show_problems(form, error)
        else:
            # The leadership (or the school owner) is alerted; e-mail follows the commit.
            deliver_new_notifications()
            return redirect(url_for("reports.receipt", document_id=doc.id))
    if request.method == "POST":
        # Every problem at once: the name questions beside the other errors, so the
        # reporter is not sent round twice.
        names = report_names(db.session, _new_report(form), acting_user())
        return _render_form(form, None if names.clear else names)
    return _render_form(form)


def _suspect_choices() -> list[SelectChoice]:
    """The school's staff, the reporter left out, and the answers that name nobody."""
    user = current_user()
    staff = [u for u in roster(db.session, user.school_id or 0) if u.id != user.id]
    return [
        SelectChoice("", gettext("Velg …")),
        *(SelectChoice(f"u{u.id}", f"{u.name} ({u.title})" if u.title else u.name) for u in staff),
        *(SelectChoice(value, str(label)) for value, label in SUSPECT_ANSWERS.items()),
    ]


def _render_form(
    form: ReportForm,
    names: NameCheck | None = None,
    notice: str = "",
    matches: list[dict[str, Any]] | None = None,
    other_matches: dict[str, list[dict[str, Any]]] | None = None,
) -> str:
    errors = _error_items(form)
    if names is not None:
        button = ("send", gettext("Bruk svarene og send meldingen"))
        errors += [(i["target"], i["text"]) for i in show(_text_fields(form), names, button)]
    return render_template(
        "reports/new.html",
        form=form,
        errors=errors,
        notice=notice,
        # Confirmed «not a name» words travel with the form until it is sent.
        not_names=confirmed_words(request.form) if request.method == "POST" else [],
        # The <template> row rows.js copies; __index__ becomes the next free index.
        blank_row=OtherPupilForm(formdata=None, prefix="others-__index__-"),
        next_index=form.others.last_index + 1,
        max_rows=MAX_OTHER_PUPILS,
        picked=pupil_picking.picked(form),
        search_as_you_type=pupil_picking.search_as_you_type(),
        # None: no search made; a list (maybe empty): the search's matches.
        matches=matches if "search_pupil" in request.form else None,
        # The other pupils' rows: the register pupils they are tied to, and the matches
        # of a row's search, by row index.
        others_picked=pupil_picking.others_picked(form),
        other_matches=other_matches or {},
    )


def _suspect_text(receipt: ReportReceipt) -> str:
    if receipt.suspect_answer == "named" and receipt.suspect_name:
        return receipt.suspect_name
    if receipt.suspect_answer in SUSPECT_ANSWERS:
        return str(SUSPECT_ANSWERS[receipt.suspect_answer])
    return ""


def _receipt_view(receipt: ReportReceipt) -> dict[str, Any]:
    data = receipt.data
    informed = data.get("guardians_informed") or {}
    return {
        "id": receipt.document_id,
        "reference": receipt.case_reference,
        "filed_at": timestamp_text(receipt.filed_at),
        "school": receipt.school,
        "municipality": receipt.municipality,
        # Where this report went, as decided when it was filed: another report on the
        # same case must not reveal itself here. The page names the body that received
        # it (the leadership, or the school owner), not the people.
        "to_owner": receipt.route == "owner",
        "why_owner": data.get("sent_to_owner") or ("ledelse" if receipt.route == "owner" else ""),
        "section_12_5": bool(data.get("staff_suspected")),
        "pupil_name": receipt.pupil_name,
        "pupil_class": receipt.pupil_class,
        # Times the reporter typed, stored as typed (Oslo time).
        "happened_at": stored_text(data.get("happened_at")),
        "arena": str(ARENAS.get(data.get("arena", ""), "")),
        "arena_detail": data.get("arena_detail"),
        "pupil_said_so": bool(data.get("pupil_said_so")),
        "account": data.get("account", ""),
        "intervention": data.get("intervention"),
        "kinds": [str(VIOLATION_KINDS.get(k, k)) for k in data.get("kinds", [])],
        "others": [
            {
                "name": other.name,
                "role": str(PUPIL_ROLES.get(other.role, "")),
                "aliases": ", ".join(other.aliases),
            }
            for other in receipt.others
        ],
        "staff_suspected": bool(data.get("staff_suspected")),
        "suspect": _suspect_text(receipt),
        "guardians_informed_at": stored_text(informed.get("at")),
    }


@bp.route("/<id:document_id>")
@requires(can_file_report)
def receipt(document_id: int) -> str:
    doc = own_report_or_404(document_id)
    view = _receipt_view(open_receipt(db.session, doc, audit_initiator(), now()))
    return render_template("reports/receipt.html", report=view)


@bp.route("/<id:document_id>/word")
@requires(can_file_report)
def receipt_docx(document_id: int) -> Response:
    doc = own_report_or_404(document_id)
    # A file missing or altered in the archive (ArchiveDamaged) is web.errors' page.
    file = receipt_word(db.session, archive(), doc, audit_initiator(), now())
    return attachment(file.content, MIMETYPES["docx"], file.filename)


@bp.route("")
@requires(can_file_report)
def mine() -> str:
    rows = my_reports(db.session, acting_user())
    reports = [
        {
            "id": doc.id,
            "filed_at": timestamp_text(doc.created_at),
            "pupil": f"{case.pupil_name}, {case.pupil_class}",
            "reference": case.reference,
        }
        for doc, case in rows
    ]
    return render_template("reports/mine.html", reports=reports)
