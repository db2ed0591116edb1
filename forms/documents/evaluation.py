"""The evaluation (evaluering) of a plan: one row per measure of the plan, then the
overall judgement and what happens next. The rows are fixed by the plan: a measure's
number and description come from the draft, never from the browser."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice

from forms.base import BaseForm
from forms.documents.fields import (
    DateText,
    People,
    RowForm,
    compact,
    from_bool,
    text,
    to_bool,
    yes_no,
)
from forms.documents.investigation import CELL, LONG
from trygg.documents.inputs import MAX_ROWS

DECISIONS = [
    SelectChoice("", _("Velg …")),
    SelectChoice("fortsette", _("Fortsette")),
    SelectChoice("justere", _("Justere")),
    SelectChoice("avslutte", _("Avslutte")),
    SelectChoice("ny", _("Nytt tiltak")),
]
NEXT_ACTIONS = [
    SelectChoice("ny_evaluering", _("Planen fortsetter som den er; ny evaluering")),
    SelectChoice("ny_versjon", _("Planen revideres (ny versjon); ny evaluering")),
    SelectChoice("avslutte", _("Planen avsluttes; dato for oppfølging")),
]
ROW_LABELS = {"measures": _("Tiltak")}
PROBLEM_FIELDS = {
    "next": "next_action",
    "next-action": "next_action",
    "next-evaluate_on": "next_evaluate_on",
    "next-follow_up_on": "next_follow_up_on",
}


class MeasureEvaluationRow(RowForm):
    carried_out = yes_no(_("Gjennomført som planlagt?"))
    by = SelectField(_("Gjennomført av"), validate_choice=False)
    deviations = TextAreaField(_("Avvik fra planen"), validators=CELL)
    effect_pupil = TextAreaField(_("Effekt slik eleven opplever det"), validators=CELL)
    effect_staff = TextAreaField(_("Effekt slik de ansatte ser det"), validators=CELL)
    effect_guardians = TextAreaField(_("Effekt slik foresatte ser det"), validators=CELL)
    decision = SelectField(_("Beslutning"), choices=DECISIONS, validate_choice=False)


class EvaluationForm(BaseForm):
    document_id = HiddenField()
    revision = HiddenField()
    measures = FieldList(FormField(MeasureEvaluationRow), max_entries=MAX_ROWS)
    participants = TextAreaField(
        _("Deltakere"), validators=LONG, description=_("Én per linje, for eksempel «eleven».")
    )
    date = DateText(_("Dato for evalueringen"))
    date_moved_reason = TextAreaField(
        _("Hvorfor evalueringen ble flyttet"),
        validators=LONG,
        description=_("Fylles ut når datoen ikke er den planlagte."),
    )
    pupil_safe_now = yes_no(
        _("Opplever eleven nå skolemiljøet som trygt og godt?"),
        _("Spør eleven. «Ingenting observert» er ikke nok."),
    )
    overall = TextAreaField(_("Samlet vurdering"), validators=LONG)
    next_action = RadioField(_("Hva skjer videre?"), choices=NEXT_ACTIONS, validate_choice=False)
    next_evaluate_on = DateText(_("Neste evaluering"))
    next_follow_up_on = DateText(_("Oppfølging etter avslutning"))
    external_help_considered = TextAreaField(
        _("Vurdert ekstern hjelp"),
        validators=LONG,
        description=_("For eksempel PPT, ressursteam eller skoleeier, når det ikke blir bedre."),
    )


def form_data(section: dict[str, Any], people: People) -> dict[str, Any]:
    step = section.get("next") or {}
    return {
        "measures": [
            {
                "carried_out": from_bool(row.get("carried_out")),
                "by": people.picker(row.get("by")),
                "deviations": text(row.get("deviations")),
                "effect_pupil": text(row.get("effect_pupil")),
                "effect_staff": text(row.get("effect_staff")),
                "effect_guardians": text(row.get("effect_guardians")),
                "decision": row.get("decision") or "",
            }
            for row in section.get("measures") or []
        ],
        "participants": "\n".join(section.get("participants") or []),
        "date": text(section.get("date")),
        "date_moved_reason": text(section.get("date_moved_reason")),
        "pupil_safe_now": from_bool(section.get("pupil_safe_now")),
        "overall": text(section.get("overall")),
        "next_action": step.get("action"),
        "next_evaluate_on": text(step.get("evaluate_on")),
        "next_follow_up_on": text(step.get("follow_up_on")),
        "external_help_considered": text(section.get("external_help_considered")),
    }


def _answers(row: MeasureEvaluationRow) -> dict[str, Any]:
    return compact(
        {
            "carried_out": to_bool(row.carried_out.data),
            "by": row.by.data or None,
            "deviations": row.deviations.data,
            "effect_pupil": row.effect_pupil.data,
            "effect_staff": row.effect_staff.data,
            "effect_guardians": row.effect_guardians.data,
            "decision": row.decision.data or None,
        }
    )


def section(form: EvaluationForm, base: dict[str, Any]) -> dict[str, Any]:
    planned = base.get("measures") or []
    rows = [entry.form for entry in form.measures.entries]
    measures = []
    for index, measure in enumerate(planned):
        answers = _answers(rows[index]) if index < len(rows) else {}
        measures.append(
            {
                **answers,
                "measure": measure.get("measure", index + 1),
                "description": measure.get("description", ""),
            }
        )
    participants = [line.strip() for line in (form.participants.data or "").split("\n")]
    step = compact(
        {
            "action": form.next_action.data or None,
            "evaluate_on": form.next_evaluate_on.iso,
            "follow_up_on": form.next_follow_up_on.iso,
        }
    )
    kept = {k: v for k, v in base.items() if k not in FORM_KEYS}
    return {
        **kept,
        **compact(
            {
                "measures": measures,
                "participants": [p for p in participants if p],
                "date": form.date.iso,
                "date_moved_reason": form.date_moved_reason.data,
                "pupil_safe_now": to_bool(form.pupil_safe_now.data),
                "overall": form.overall.data,
                "next": step,
                "external_help_considered": form.external_help_considered.data,
            }
        ),
    }


FORM_KEYS = frozenset(
    {
        "measures",
        "participants",
        "date",
        "date_moved_reason",
        "pupil_safe_now",
        "overall",
        "next",
        "external_help_considered",
    }
)
