"""Closing a case: the proposal or decision, declining a proposal, and the follow-up.

Each form has its own prefix: the case page shows several at once. What the law asks of a
closing (the pupil's own experience, an investigation or why not) is checked by the domain
(trygg.cases.closing), so the user reads one Norwegian message at the field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm
from trygg.documents.limits import LONG_TEXT_MAX

CLOSE = "avslutt"
CONFIRM = "bekreft"
DECLINE = "avsla"
FOLLOW_UP = "oppfolging"

TEXT = [Length(max=LONG_TEXT_MAX)]


class ClosingForm(BaseForm):
    pupil_experience = TextAreaField(
        _("Elevens egen opplevelse nå"),
        validators=TEXT,
        description=_("Hva eleven selv sier om skolemiljøet nå, gjerne med elevens egne ord."),
    )
    heard_how = TextAreaField(
        _("Hvordan skolen vet det"),
        validators=TEXT,
        description=_("For eksempel: samtale med eleven og kontaktlæreren 1. desember."),
    )
    pupil_safe = BooleanField(_("Eleven opplever selv skolemiljøet som trygt og godt nå"))
    reason = TextAreaField(
        _("Begrunnelse"),
        validators=TEXT,
        description=_("Hvorfor saken kan avsluttes: hva som er gjort, og hva som har endret seg."),
    )
    no_investigation_reason = TextAreaField(
        _("Hvis saken ikke er undersøkt ferdig: hvorfor den likevel kan avsluttes"),
        validators=TEXT,
        description=_(
            "Skolen har plikt til å undersøke (§ 12-4). Fylles ut bare når det ikke finnes en "
            "ferdigstilt undersøkelse, for eksempel når meldingen viste seg å være grunnløs."
        ),
    )
    follow_up_on = DateField(
        _("Dato for oppfølging"),
        validators=[InputRequired(_("Velg en dato for oppfølging."))],
        description=_("Når skolen skal sjekke at eleven fortsatt har det trygt og godt."),
    )


class ConfirmClosingForm(BaseForm):
    """A button with CSRF only: the leadership confirms the proposal as it stands."""


class DeclineClosingForm(BaseForm):
    decline_reason = TextAreaField(_("Hvorfor saken ikke kan avsluttes ennå"), validators=TEXT)


class FollowUpForm(BaseForm):
    result = RadioField(
        _("Svar ved oppfølgingen"),
        choices=[
            SelectChoice("still_safe", _("Eleven har det fortsatt trygt og godt")),
            SelectChoice("reopen", _("Eleven har det ikke trygt og godt: åpne saken med ny plan")),
        ],
        validators=[InputRequired(_("Velg svaret ved oppfølgingen."))],
    )
    pupil_experience = TextAreaField(
        _("Elevens egen opplevelse nå"),
        validators=TEXT,
        description=_("Hva eleven selv sier om skolemiljøet ved oppfølgingen."),
    )
    heard_how = TextAreaField(
        _("Hvordan skolen vet det"),
        validators=TEXT,
        description=_("For eksempel: samtale med eleven 12. januar."),
    )
