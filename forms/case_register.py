"""Forms of issue 13 on the case: merging two cases, linking a typed pupil to the register,
recording that the guardians were informed, and sending a document to them by e-mail.

The rules are the domain's (trygg.cases.merging, guardians, send_home_mail); these forms
only read the typed values, so a refusal comes back at its field with the values kept."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import BaseForm


def _ids(values: list[str] | None) -> tuple[int, ...]:
    return tuple(int(v) for v in values or () if v.isdigit() and len(v) < 10)


class MergeForm(BaseForm):
    other = RadioField(
        _("Saken som ble opprettet ved en feil"),
        choices=[],
        validate_choice=False,
        description=_(
            "Saken du velger, slås sammen med denne saken. Dokumentene, notatene og "
            "vedleggene følger med og kan leses herfra."
        ),
    )
    confirm = BooleanField(_("Jeg bekrefter at begge sakene gjelder samme elev."))

    def other_id(self) -> int | None:
        value = self.other.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else None


class LinkPupilForm(BaseForm):
    pupil_id = RadioField(_("Eleven i elevregisteret"), choices=[], validate_choice=False)

    def chosen(self) -> int | None:
        value = self.pupil_id.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else None


class InformedForm(BaseForm):
    informed_on = DateField(
        _("Dato"),
        validators=[InputRequired(_("Skriv datoen de foresatte ble informert."))],
    )
    how = RadioField(_("Hvordan"), choices=[], validate_choice=False)
    guardians = SelectMultipleField(
        _("Hvilke foresatte"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def guardian_ids(self) -> tuple[int, ...]:
        return _ids(self.guardians.data)


class SendToGuardiansForm(BaseForm):
    guardians = SelectMultipleField(
        _("Send til"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    confirm = BooleanField(
        _(
            "Jeg bekrefter at dokumentet skal sendes også til foresatte som mangler rett til "
            "informasjon eller har sperret adresse."
        )
    )

    def guardian_ids(self) -> tuple[int, ...]:
        return _ids(self.guardians.data)
