"""Picking the pupil of a meldeskjema from the school's register (issue 13).

Without JavaScript the form's own buttons do it: "Søk" lists the matching pupils, "Velg"
ties the report to one, "Velg en annen elev" unties it. static/js/pupil_search.js sends
the same "Søk" request as the reporter types and asks for the matches as JSON, for a
combobox under the field; it also suggests names for the other pupils' rows.

Each other pupil's row has the same buttons ("Søk i elevregisteret" with the row's typed
name, "Velg …", "Velg en annen elev"), named by the row's index in the page ("others-3"
is row "3"; ReportForm.posted_row finds it after WTForms has renumbered the rows)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.reports import OtherPupilForm, ReportForm
from trygg.accounts.permissions import can_search_pupils
from trygg.errors import Refused
from trygg.models import Pupil
from trygg.pupils import register
from trygg.pupils.report_search import find_for_report, school_has_register
from views.cases.loading import now
from web.converters import parse_id
from web.form_errors import add_error
from web.gate import audit_initiator, current_user


def pick_pupil(form: ReportForm) -> list[dict[str, Any]] | None:
    """The form's pupil buttons: "Søk" lists the school's matching pupils (also when the
    script sends it), "Velg" ties the report to one, "Velg en annen elev" unties it.
    Everything typed is kept. Returns the matches to list, or None when the request was
    none of these."""
    user = current_user()
    school_id = user.school_id or 0
    if "clear_pupil" in request.form:
        form.pupil_id.data = ""
        return []
    picked = request.form.get("pick_pupil")
    if picked is not None:
        try:
            pupil = register.pupil_for_report(db.session, school_id, parse_id(picked) or 0)
        except Refused as error:
            add_error(form, "pupil_search", gettext(error.message, **error.params))
            return []
        form.pupil_id.data = str(pupil.id)
        form.pupil_name.data, form.pupil_class.data = pupil.full_name, pupil.class_name
        return []
    if "search_pupil" not in request.form:
        return None
    if not can_search_pupils(user, school_id):
        return []  # a search never files the report
    found = find_for_report(
        db.session, school_id, form.pupil_search.data or "", audit_initiator(), now()
    )
    return [pupil_match(p) for p in found]


def pupil_match(pupil: Pupil) -> dict[str, Any]:
    """A register pupil as the search lists it (and as pupil_search.js reads it)."""
    return {
        "id": pupil.id,
        "name": pupil.full_name,
        "class": pupil.class_name,
        "label": pupil_label(pupil),
    }


def pick_other(form: ReportForm) -> dict[str, list[dict[str, Any]]] | None:
    """The buttons of another pupil's row: "Søk i elevregisteret" lists the school's pupils
    matching the row's name, "Velg …" ties the row to one (its name from the register),
    "Velg en annen elev" unties it. Everything typed is kept. Returns the searched row's
    matches by row index ({} after a pick), or None when the request was none of these."""
    user = current_user()
    school_id = user.school_id or 0
    cleared = request.form.get("clear_other")
    if cleared is not None:
        row = _row(form, cleared)
        if row is not None:
            row.pupil_id.data = ""
        return {}
    picked_value = request.form.get("pick_other")
    if picked_value is not None:
        index, _, pupil_id = picked_value.partition(":")
        row = _row(form, index)
        if row is not None:
            _tie_row(form, row, school_id, parse_id(pupil_id) or 0)
        return {}
    posted = request.form.get("search_other")
    if posted is None:
        return None
    entry = form.posted_row(request.form.keys(), posted)
    if entry is None or not can_search_pupils(user, school_id):
        return {}
    typed = entry.form.name.data or ""
    found = find_for_report(db.session, school_id, typed, audit_initiator(), now())
    # By the row's index in the page this answers with (WTForms numbered them afresh).
    return {row_index(entry): [pupil_match(p) for p in found]}


def row_index(entry: Any) -> str:
    """A row's index in the page ("others-3" is "3"), which its buttons carry."""
    return str(entry.name.rsplit("-", 1)[1])


def _row(form: ReportForm, index: str) -> OtherPupilForm | None:
    """The row a button names by its index; None for a row that is gone (or a forged one)."""
    entry = form.posted_row(request.form.keys(), index)
    return None if entry is None else entry.form


def _tie_row(form: ReportForm, row: OtherPupilForm, school_id: int, pupil_id: int) -> None:
    """Tie the row to the register pupil, or say at the row why not. Filing checks the
    same again (trygg.cases.register_people.checked_others): this is the early answer."""
    try:
        pupil = register.pupil_for_report(db.session, school_id, pupil_id)
    except Refused:
        row.pupil_id.data = ""
        message = "Eleven finnes ikke i elevregisteret ved skolen. Søk på nytt, eller skriv navnet."
        add_error(row, "name", gettext(message))
        return
    taken = [r.form.pupil_id.data for r in form.others if r.form is not row]
    if str(pupil.id) in (form.pupil_id.data, *taken):
        message = "%(name)s står allerede i meldingen. Velg en annen elev på denne raden."
        add_error(row, "name", gettext(message, name=pupil.full_name))
        return
    row.pupil_id.data = str(pupil.id)
    row.name.data = pupil.full_name


def others_picked(form: ReportForm) -> dict[str, dict[str, str]]:
    """The register pupils the other pupils' rows are tied to, by row index, as the
    reporter sees them. A row whose id is no pupil of the school is untied again."""
    user = current_user()
    if not can_search_pupils(user, user.school_id or 0):
        return {}
    shown = {}
    for entry in form.others:
        row, index = entry.form, row_index(entry)
        if not (row.pupil_id.data or "").strip():
            continue
        pupil_id = parse_id(row.pupil_id.data) or 0
        try:
            pupil = register.pupil_for_report(db.session, user.school_id or 0, pupil_id)
        except Refused:
            row.pupil_id.data = ""
            continue
        shown[index] = {"name": pupil.full_name, "class": pupil.class_name}
    return shown


def search_as_you_type() -> bool:
    """Whether the form offers the script's search: the reporter may search, and the
    school has a register to search in."""
    user = current_user()
    school_id = user.school_id or 0
    return can_search_pupils(user, school_id) and school_has_register(db.session, school_id)


def pupil_label(pupil: Pupil) -> str:
    return f"{pupil.full_name}, {pupil.class_name}"


def wants_json() -> bool:
    """static/js/pupil_search.js asks for the search's matches alone, as JSON."""
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def matches_json(matches: list[dict[str, Any]]) -> Response:
    """The search as the user types: the same request as the "Søk" button (the whole form,
    so a session that ran out keeps what was typed, web.gate), answered with the matches
    alone: the register's id, name and class of each, and the sentence the list's live
    region reads out. Nothing of the form or of any case is sent back."""
    count = len(matches)
    if not count:
        status = gettext("Ingen elever i registeret passer.")
    elif count >= register.SEARCH_LIMIT:
        status = gettext(
            "Viser de %(count)d første elevene som passer. Skriv mer for å finne eleven. "
            "Bruk pil ned og opp for å velge.",
            count=count,
        )
    else:
        status = ngettext(
            "%(num)d elev passer. Bruk pil ned og opp for å velge.",
            "%(num)d elever passer. Bruk pil ned og opp for å velge.",
            count,
        )
    return jsonify({"pupils": matches, "status": status})


def picked(form: ReportForm) -> dict[str, Any] | None:
    """The register pupil the form is tied to, as the reporter sees it."""
    pupil_id = parse_id(form.pupil_id.data)
    user = current_user()
    if pupil_id is None or not can_search_pupils(user, user.school_id or 0):
        return None
    try:
        pupil = register.pupil_for_report(db.session, user.school_id or 0, pupil_id)
    except Refused:
        return None  # file_report says so at the field
    return {"name": pupil.full_name, "class": pupil.class_name}
