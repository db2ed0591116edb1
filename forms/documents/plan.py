"""The activity plan (aktivitetsplan): the five things § 12-4 demands for every measure,
the pupil's voice and best interest. «Who» is typed, with staff names suggested, so a
vague owner such as «alle ansatte» reaches the domain and is refused with its reason;
someone outside the school's staff is typed with their role."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice

from forms.base import BaseForm
from forms.documents.fields import (
    DateText,
    People,
    RowForm,
    compact,
    drop_blank_rows,
    text,
)
from forms.documents.investigation import CELL, LINE, LONG
from trygg.cases.measure_owners import ROLE_KEY
from trygg.documents.inputs import MAX_ROWS

STAFF_LIST_ID = "staff-names"
LEVELS = [
    SelectChoice("", _("Velg …")),
    SelectChoice("individ", _("Individ")),
    SelectChoice("gruppe", _("Gruppe")),
    SelectChoice("system", _("System")),
]
ROW_LABELS = {"measures": _("Tiltak")}
PROBLEM_FIELDS: dict[str, str] = {}


class MeasureRow(RowForm):
    description = TextAreaField(
        _("Hva skal gjøres"),
        validators=CELL,
        description=_("Konkret: hva, hvor og med hvem. Ikke «ha fokus på»."),
    )
    level = SelectField(_("Nivå"), choices=LEVELS, validate_choice=False)
    start = DateText(_("Start"))
    frequency = StringField(
        _("Hvor ofte"), validators=LINE, description=_("For eksempel hver skoledag.")
    )
    end = DateText(_("Slutt"))
    by = StringField(
        _("Hvem gjennomfører"),
        validators=LINE,
        description=_("Én navngitt person. «Alle ansatte» godtas ikke alene."),
        render_kw={"list": STAFF_LIST_ID, "autocomplete": "off"},
    )
    by_role = StringField(
        _("Rolle, hvis personen ikke er ansatt ved skolen"),
        validators=LINE,
        description=_("For eksempel helsesykepleier, PPT eller BUP. Tomt for ansatte."),
    )
    evaluate_on = DateText(_("Evalueringsdato"))


class PlanForm(BaseForm):
    document_id = HiddenField()
    revision = HiddenField()
    responsible = SelectField(_("Ansvarlig leder"), validate_choice=False)
    problem = TextAreaField(
        _("Problemet tiltakene skal løse"),
        validators=LONG,
        description=_("Beskriv det eleven opplever, ikke eleven."),
    )
    background = TextAreaField(
        _("Bakgrunn fra undersøkelsen"),
        validators=LONG,
        description=_("Hentet fra analysen i undersøkelsen; tiltakene skal bygge på den."),
    )
    measures_first_reason = TextAreaField(
        _("Hvis tiltak settes inn før undersøkelsen er ferdig: hvorfor"),
        validators=LONG,
        description=_(
            "Planen skal bygge på en ferdigstilt undersøkelse. Må eleven ha tiltak straks, "
            "skriv hvorfor; undersøkelsen fortsetter og har sin egen frist."
        ),
    )
    measures = FieldList(FormField(MeasureRow), min_entries=1, max_entries=MAX_ROWS)
    unadjusted_reason = TextAreaField(
        _("Hvis et tiltak som skulle justeres, er uendret: hvorfor"),
        validators=LONG,
        description=_(
            "Et tiltak evalueringen sa skulle justeres, skal endres i den nye versjonen, "
            "eller planen skal si hvorfor det beholdes som før."
        ),
    )
    pupil_voice = TextAreaField(
        _("Elevens stemme"),
        validators=LONG,
        description=_("Hvordan eleven er hørt, hva eleven ønsker, og hvordan det er vektlagt."),
    )
    best_interest = TextAreaField(_("Vurdering av elevens beste"), validators=LONG)
    guardian_views = TextAreaField(_("Foresattes syn"), validators=LONG)
    reviewed_with_pupil_on = DateText(_("Gjennomgått med elev og foresatte"))


def form_data(section: dict[str, Any], people: People) -> dict[str, Any]:
    return {
        "responsible": people.picker(section.get("responsible")),
        "problem": text(section.get("problem")),
        "background": text(section.get("background")),
        "measures_first_reason": text(section.get("measures_first_reason")),
        "unadjusted_reason": text(section.get("unadjusted_reason")),
        "measures": [
            {
                "description": text(row.get("description")),
                "level": row.get("level") or "",
                "start": text(row.get("start")),
                "frequency": text(row.get("frequency")),
                "end": text(row.get("end")),
                "by": people.name(row.get("by")),
                "by_role": people.external_role_of.get(str(row.get("by") or ""), ""),
                "evaluate_on": text(row.get("evaluate_on")),
            }
            for row in section.get("measures") or []
        ],
        "pupil_voice": text(section.get("pupil_voice")),
        "best_interest": text(section.get("best_interest")),
        "guardian_views": text(section.get("guardian_views")),
        "reviewed_with_pupil_on": text(section.get("reviewed_with_pupil_on")),
    }


def section(form: PlanForm, base: dict[str, Any], people: People) -> dict[str, Any]:
    drop_blank_rows(form.measures)
    measures = [
        compact(
            {
                "description": row.description.data,
                "level": row.level.data or None,
                "start": row.start.iso,
                "frequency": row.frequency.data,
                "end": row.end.iso,
                # A name with a role is someone outside the staff, registered by the
                # domain (trygg.cases.measure_owners); without one, a staff reference.
                "by": (row.by.data if row.by_role.data else people.typed(row.by.data)) or None,
                ROLE_KEY: row.by_role.data or None,
                "evaluate_on": row.evaluate_on.iso,
            }
        )
        for row in (entry.form for entry in form.measures.entries)
    ]
    kept = {k: v for k, v in base.items() if k not in FORM_KEYS}
    return {
        **kept,
        **compact(
            {
                "responsible": form.responsible.data or None,
                "problem": form.problem.data,
                "background": form.background.data,
                "measures_first_reason": form.measures_first_reason.data,
                "measures": measures,
                "unadjusted_reason": form.unadjusted_reason.data,
                "pupil_voice": form.pupil_voice.data,
                "best_interest": form.best_interest.data,
                "guardian_views": form.guardian_views.data,
                "reviewed_with_pupil_on": form.reviewed_with_pupil_on.iso,
            }
        ),
    }


FORM_KEYS = frozenset(
    {
        "responsible",
        "problem",
        "background",
        "measures_first_reason",
        "measures",
        "unadjusted_reason",
        "pupil_voice",
        "best_interest",
        "guardian_views",
        "reviewed_with_pupil_on",
    }
)
