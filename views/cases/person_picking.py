"""Picking a pupil from the school's register on "Legg til en person" (issue 13), with the
meldeskjema's buttons (views/reports/pupil_picking.py): "Søk i elevregisteret" lists the
school's pupils matching the typed name as "Velg …" buttons, "Velg …" fills the form's
hidden pupil_id, "Velg en annen elev" empties it. Everything typed is kept.
static/js/pupil_search.js sends the same search as the user types and gets the matches as
JSON.

Only staff of the case's school may search its register (can_search_pupils); anyone else
who sends a search, a pick or a pupil id gets 403. The case page's person form has a
prefix; its search button posts it here as it is (formaction), so the fields keep their
prefixed names on this page too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request

from database import db
from forms.cases import PERSON, PersonForm
from trygg.accounts.permissions import can_search_pupils
from trygg.cases.person_register import checked_pick
from trygg.errors import Refused
from trygg.models import Case
from trygg.pupils.register import pupil_for_report
from trygg.pupils.report_search import find_for_report, school_has_register
from views.cases.loading import now
from views.reports.pupil_picking import pupil_match
from web.converters import parse_id
from web.form_errors import show_error
from web.gate import audit_initiator, current_user

BUTTONS = ("search_pupil", "pick_pupil", "clear_pupil")


@dataclass(frozen=True)
class Picking:
    """What the person form shows of the register: whether the search is offered, the
    matches of a search (None when nobody searched), the pupil picked."""

    offered: bool
    matches: list[dict[str, Any]] | None
    picked: dict[str, str] | None


def may_search(case: Case) -> bool:
    return can_search_pupils(current_user(), case.school_id)


def search_offered(case: Case) -> bool:
    """The user may search the case's school's register, and it has pupils to find."""
    return may_search(case) and school_has_register(db.session, case.school_id)


def posted_prefix() -> str:
    """The prefix of the form a POST carries: the case page's form has one."""
    return PERSON if f"{PERSON}-csrf_token" in request.form else ""


def pick(form: PersonForm, case: Case) -> list[dict[str, Any]] | None:
    """The form's register buttons. Returns the matches to list ([] after a pick or a
    clear), or None when the request pressed none of them."""
    if not any(button in request.form for button in BUTTONS):
        return None
    if not may_search(case):
        abort(403)
    if "clear_pupil" in request.form:
        form.pupil_id.data = ""
        return []
    chosen = request.form.get("pick_pupil")
    if chosen is not None:
        form.pupil_id.data = ""
        try:
            pupil = checked_pick(db.session, case, parse_id(chosen) or 0)
        except Refused as error:
            show_error(form, error)
            return []
        form.pupil_id.data, form.name.data, form.kind.data = str(pupil.id), pupil.full_name, "pupil"
        return []
    # The script sends the field's text trimmed as pupil_search; the button, the name.
    query = request.form.get("pupil_search") or form.name.data or ""
    found = find_for_report(db.session, case.school_id, query[:100], audit_initiator(), now())
    return [pupil_match(p) for p in found]


def submitted_pupil_id(form: PersonForm, case: Case) -> int | None:
    """The register pupil the form was tied to: None for a typed name, 0 for a value that
    is no id at all (the domain refuses it as it refuses another school's pupil)."""
    raw = (form.pupil_id.data or "").strip()
    if not raw:
        return None
    if not may_search(case):
        abort(403)
    return parse_id(raw) or 0


def picked(form: PersonForm, case: Case) -> dict[str, str] | None:
    """The register pupil the form is tied to, as the user sees it. An id that is no
    active pupil of the school is dropped, so the form goes back to the typed name."""
    pupil_id = parse_id(form.pupil_id.data)
    if pupil_id is None or not may_search(case):
        form.pupil_id.data = ""
        return None
    try:
        pupil = pupil_for_report(db.session, case.school_id, pupil_id)
    except Refused:
        form.pupil_id.data = ""
        return None
    return {"name": pupil.full_name, "class": pupil.class_name}


def picking(form: PersonForm, case: Case, matches: list[dict[str, Any]] | None) -> Picking:
    return Picking(search_offered(case), matches, picked(form, case))
