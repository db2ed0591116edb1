"""The meldeskjema: what a staff member tells the rektor, on a phone, in a minute or two.

Choice values are the document engine's vocabulary (`trygg.documents.inputs`); the
labels are what the reporter reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import BaseForm
from trygg.cases.reports import SUSPECT_LEADERSHIP, SUSPECT_UNKNOWN

ACCOUNT_MAX = 10_000
TEXT_MAX = 3_000
NAME_MAX = 200
CLASS_MAX = 40  # the column holding the pupil's class
# Far above any real report; below it FieldList never drops a row someone typed.
MAX_OTHER_PUPILS = 40
BLANK_ROWS = 2

ARENAS = {
    "klasserom": _("Klasserom / undervisning"),
    "friminutt": _("Friminutt"),
    "sfo_aks": _("SFO/AKS"),
    "skoleveien": _("Skoleveien"),
    "digitalt": _("Digitalt"),
    "annet": _("Annet"),
}
VIOLATION_KINDS = {
    "mobbing": _("Mobbing"),
    "utestenging": _("Utestenging"),
    "uthenging": _("Uthenging"),
    "rasisme": _("Rasisme"),
    "seksuell trakassering": _("Seksuell trakassering"),
    "andre hatefulle ytringer": _("Andre hatefulle ytringer"),
    "vold": _("Vold"),
    "digital krenkelse": _("Digital krenkelse"),
    "annet": _("Annet"),
}
PUPIL_ROLES = {
    "utøvende": _("Utøvende (den som krenker)"),
    "medelev": _("Medelev"),
    "vitne": _("Vitne"),
}
YES_NO = {"ja": _("Ja"), "nei": _("Nei")}
# The answers about the suspect that name nobody (trygg.cases.reports' values).
SUSPECT_ANSWERS = {
    SUSPECT_LEADERSHIP: _("En i skoleledelsen (uten navn)"),
    SUSPECT_UNKNOWN: _("Vet ikke hvem"),
}


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _length(limit: int) -> Length:
    return Length(max=limit, message=_("Kan være høyst %(max)d tegn. Nå er det %(length)d tegn."))


def _datetime(label: Any, description: Any = None) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        validators=[Optional()],
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        invalid_value_message=_("Skriv dato og klokkeslett, for eksempel 14.09.2026 12:40."),
        description=description,
    )


def _yes_no(label: Any, message: Any, default: str | None = None) -> RadioField:
    # validate_choice is off so the Norwegian message below is the only one shown.
    return RadioField(
        label,
        choices=_choices(YES_NO),
        default=default,
        validate_choice=False,
        validators=[InputRequired(message), AnyOf(["ja", "nei"], message=message)],
    )


def _digits(text: str) -> bool:
    # isascii: str.isdigit also accepts digits of other scripts, which int() refuses.
    return text.isascii() and text.isdigit()


class _CleanedForm(Form):
    """A sub-form (no CSRF of its own) that cleans text like BaseForm does."""

    class Meta:
        bind_field = BaseForm.Meta.bind_field


class OtherPupilForm(_CleanedForm):
    # The register pupil picked for the row (views/reports/pupil_picking.py, or the
    # script); empty for a typed name. Filing checks it and takes the register's name.
    pupil_id = HiddenField()
    name = StringField(_("Navn"), validators=[_length(NAME_MAX)])
    role = SelectField(
        _("Rolle"),
        choices=[SelectChoice("", _("Velg rolle")), *_choices(PUPIL_ROLES)],
        validate_choice=False,
    )
    aliases = StringField(
        _("Kallenavn (valgfritt)"),
        validators=[_length(NAME_MAX)],
        description=_("Skill med komma, for eksempel «Jonte, JB»."),
    )

    def validate_role(self, field: SelectField) -> None:
        if not (self.name.data or "").strip():
            return
        if field.data not in PUPIL_ROLES:
            raise ValidationError(_("Velg rollen til eleven."))

    def validate_name(self, field: StringField) -> None:
        if not field.data and (self.aliases.data or "").strip():
            raise ValidationError(_("Skriv navnet til eleven med kallenavnet."))

    def alias_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in (self.aliases.data or "").split(",") if a.strip())


class ReportForm(BaseForm):
    # The pupil picked from the school's register (trygg.pupils.register); empty for a
    # typed pupil. Only the id counts: the name and class come from the register.
    pupil_id = HiddenField()
    pupil_search = StringField(
        _("Søk i elevregisteret"),
        validators=[_length(NAME_MAX)],
        description=_("Skriv navn eller klasse, for eksempel «Lea» eller «6B»."),
        render_kw={"autocomplete": "off", "type": "search"},
    )
    pupil_name = StringField(
        _("Elevens navn"),
        validators=[DataRequired(_("Skriv navnet på eleven.")), _length(NAME_MAX)],
        render_kw={"autocomplete": "off"},
    )
    pupil_class = StringField(
        _("Klasse"),
        validators=[DataRequired(_("Skriv klassen til eleven.")), _length(CLASS_MAX)],
        description=_("For eksempel 6B."),
        render_kw={"autocomplete": "off"},
    )
    happened_at = _datetime(
        _("Når skjedde det? (valgfritt)"),
        _("Når det skjedde, eller når du fikk vite om det."),
    )
    arena = RadioField(
        _("Hvor skjedde det?"),
        choices=_choices(ARENAS),
        validate_choice=False,
        validators=[
            InputRequired(_("Velg hvor det skjedde.")),
            AnyOf(list(ARENAS), message=_("Velg hvor det skjedde.")),
        ],
    )
    arena_detail = StringField(
        _("Nærmere sted (valgfritt)"),
        validators=[_length(NAME_MAX)],
        description=_("For eksempel «ved sykkelstativet» eller «Snapchat»."),
    )
    pupil_said_so = _yes_no(_("Sa eleven det selv?"), _("Svar ja eller nei: sa eleven det selv?"))
    account = TextAreaField(
        _("Hva så du, eller hva ble du fortalt?"),
        validators=[
            DataRequired(_("Skriv hva du så eller hva du ble fortalt.")),
            _length(ACCOUNT_MAX),
        ],
        description=_(
            "Skriv konkret hva som skjedde. Skriv elevens egne ord i anførselstegn. "
            "Skriv navn som vanlig: andre elever får en betegnelse (Elev A, Elev B) "
            "i dokumentet."
        ),
        render_kw={"rows": 7},
    )
    intervention = TextAreaField(
        _("Grep du inn? Hva gjorde du? (valgfritt)"),
        validators=[_length(TEXT_MAX)],
        render_kw={"rows": 3},
    )
    kinds = SelectMultipleField(
        _("Hva slags krenkelse?"),
        choices=_choices(VIOLATION_KINDS),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_("Kryss av for alt som passer."),
    )
    others = FieldList(
        FormField(OtherPupilForm),
        min_entries=BLANK_ROWS,
        max_entries=MAX_OTHER_PUPILS,
    )
    staff_suspected = _yes_no(
        _("Mistenkes en ansatt ved skolen for å krenke eleven?"),
        _("Svar ja eller nei: mistenkes en ansatt?"),
        default="nei",
    )
    # Who: one of the school's staff ("u12"), or one of SUSPECT_ANSWERS. Whether the
    # person is in the leadership is read from the accounts (trygg.cases.reports), so
    # the reporter is never asked to guess it. Choices are set per request (the staff).
    suspected_name = SelectField(
        _("Hvem mistenkes?"),
        validate_choice=False,
        description=_(
            "Velg den ansatte fra listen. Er det en i skoleledelsen, eller vet du ikke "
            "hvem, går meldingen direkte til skoleeier."
        ),
    )
    guardians_informed_at = _datetime(
        _("Når ble foresatte informert? (valgfritt)"),
        _("La stå tomt hvis foresatte ikke er informert ennå."),
    )

    def posted_row(self, posted: Iterable[str], index: str) -> Any | None:
        """The other pupils' row (a FormField entry) a button names by the index the row had
        in the posted form (`posted`: its keys); None for a row that is not there. WTForms
        renumbers the posted rows 0…n-1 in the order of their indices, and the page's rows
        may have gaps (a row removed by the server or by static/js/rows.js)."""
        prefix = f"{self.others.name}-"
        numbers = {key[len(prefix) :].split("-", 1)[0] for key in posted if key.startswith(prefix)}
        indices = sorted(int(n) for n in numbers if _digits(n))[:MAX_OTHER_PUPILS]
        if not _digits(index) or int(index) not in indices:
            return None
        return self.others.entries[indices.index(int(index))]

    def validate_kinds(self, field: SelectMultipleField) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError(_("Kryss av for minst én type krenkelse."))
        if any(kind not in VIOLATION_KINDS for kind in chosen):
            raise ValidationError(_("Velg bare blant typene i listen."))

    def validate_suspected_name(self, field: SelectField) -> None:
        if self.staff_suspected.data == "ja" and not field.data:
            raise ValidationError(_("Velg hvem som mistenkes, eller «Vet ikke hvem»."))
        if field.data and self.staff_suspected.data != "ja":
            raise ValidationError(
                _("Velg bare hvem som mistenkes når du har svart ja på at en ansatt mistenkes.")
            )
