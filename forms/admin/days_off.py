"""Entering a school's days without teaching: one day or a period, and deleting a day."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm
from forms.documents.fields import DateText

OTHER = "annet"

# Stored as the reason text, which the deadline calendar never reads: it is for people.
REASONS = [
    SelectChoice("Planleggingsdag", _("Planleggingsdag")),
    SelectChoice("Høstferie", _("Høstferie")),
    SelectChoice("Juleferie", _("Juleferie")),
    SelectChoice("Vinterferie", _("Vinterferie")),
    SelectChoice("Påskeferie", _("Påskeferie")),
    SelectChoice("Sommerferie", _("Sommerferie")),
    SelectChoice(OTHER, _("Annet")),
]


class DaysOffForm(BaseForm):
    start = DateText(
        _("Fra og med"),
        validators=[InputRequired(_("Skriv inn datoen."))],
        description=_("For eksempel 14.10.2026."),
    )
    end = DateText(
        _("Til og med (valgfritt)"),
        description=_(
            "La feltet stå tomt for én dag. I en periode hoppes lørdager, søndager og "
            "helligdager over, og dager som er lagt inn fra før, beholdes."
        ),
    )
    reason = RadioField(
        _("Hva slags fridag?"),
        choices=REASONS,
        validators=[InputRequired(_("Velg hva slags fridag det er."))],
    )
    other = StringField(
        _("Beskriv fridagen"),
        validators=[Length(max=200)],
        description=_("Bare når du har valgt «Annet»."),
    )

    def reason_text(self) -> str:
        if self.reason.data == OTHER:
            return self.other.data or ""
        return self.reason.data or ""


class DayOffDeleteForm(BaseForm):
    """A button with CSRF only: delete one day off."""
