"""The forms on the case page, filled with what the case already knows.

A form the user just sent and that was refused comes in `bound` and is shown as typed;
every other form is built fresh (formdata=None), so one refused form never blanks another.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from database import db
from forms.base import BaseForm
from forms.cases import (
    ASSIGN,
    OWNER,
    PERSON,
    RECEIVE,
    REOPEN,
    AssignForm,
    ConfirmCaseForm,
    OwnerReportForm,
    PersonForm,
    ReceiptForm,
)
from trygg.accounts.roles import SKOLEEIER
from trygg.calendar.clock import oslo_now
from trygg.cases.leadership import handler_candidates
from trygg.cases.registry import pupil_choices
from trygg.models import Case
from views.cases.person_picking import search_offered


def handler_choices(case: Case) -> list[SelectChoice]:
    """Who can handle the case (trygg.cases.leadership.handler_candidates): never a
    suspect, and in a case hidden from the leadership no leader of the school, but
    handlers from every school of the municipality and the school owner itself."""
    choices = [SelectChoice("", gettext("Velg saksbehandler"))]
    for user in handler_candidates(db.session, case):
        label = f"{user.name} ({user.title})" if user.title else user.name
        if user.role_code == SKOLEEIER:
            label = gettext("%(name)s – skoleeier behandler saken selv", name=label)
        elif user.school_id != case.school_id and user.school is not None:
            label = f"{label} – {user.school.name}"
        choices.append(SelectChoice(f"u{user.id}", label))
    return choices


def _receipt(case: Case) -> ReceiptForm:
    # Typed times are stored as the Oslo wall-clock time they were typed in.
    informed = case.rektor_informed_at
    return ReceiptForm(
        formdata=None,
        prefix=RECEIVE,
        data={
            "rektor_informed_at": informed or oslo_now().replace(second=0, microsecond=0),
            "raised_with_rektor_by_home": case.raised_with_rektor_by_home,
            "serious": case.serious,
        },
    )


def _owner_words(forms: dict[str, BaseForm]) -> None:
    """A case hidden from the leadership was received by the school owner: its forms
    speak of the owner, never of the rektor (§ 12-5)."""
    receive: Any = forms["receive"]
    receive.rektor_informed_at.label.text = gettext("Når fikk skoleeier vite om saken?")
    receive.rektor_informed_at.description = gettext(
        "Dato og klokkeslett da skoleeier mottok meldingen."
    )
    receive.serious.description = ""
    assign: Any = forms["assign"]
    assign.handler.description = gettext(
        "Ingen i skoleledelsen ved skolen kan behandle saken. Velg en kontaktlærer eller "
        "leder ved en av kommunens skoler, eller behandle saken selv som skoleeier."
    )


def _owner(case: Case) -> OwnerReportForm:
    reported = case.owner_reported_at
    return OwnerReportForm(
        formdata=None,
        prefix=OWNER,
        data={
            "reported_at": reported or oslo_now().replace(second=0, microsecond=0),
            "recipient": case.owner_reported_to or case.school.municipality.owner_contact,
        },
    )


def case_forms(case: Case, bound: Mapping[str, BaseForm]) -> dict[str, BaseForm]:
    forms: dict[str, BaseForm] = {
        "receive": bound.get("receive") or _receipt(case),
        "assign": bound.get("assign")
        or AssignForm(
            formdata=None,
            prefix=ASSIGN,
            data={"handler": f"u{case.handler_id}" if case.handler_id else ""},
        ),
        "owner": bound.get("owner") or _owner(case),
        "reopen": bound.get("reopen") or ConfirmCaseForm(formdata=None, prefix=REOPEN),
        "person": bound.get("person")
        or PersonForm(formdata=None, prefix=PERSON, data={"kind": "pupil"}),
    }
    forms["assign"].handler.choices = handler_choices(case)  # type: ignore[attr-defined]
    if case.leadership_suspected:
        _owner_words(forms)
    own_pupil = gettext("Eleven saken gjelder (%(name)s)", name=case.pupil_name)
    forms["person"].guardian_of.choices = [  # type: ignore[attr-defined]
        SelectChoice("", own_pupil),
        *(SelectChoice(key, label) for key, label in pupil_choices(case)),
    ]
    if search_offered(case):
        # A pupil is searched and picked on "Legg til en person" (views/cases/key.py).
        url = url_for("case_key.add_person", case_id=case.id)
        forms["person"].register_search_url = url  # type: ignore[attr-defined]
    return forms
