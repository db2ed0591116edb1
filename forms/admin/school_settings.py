"""A school's document settings, its contact person for cases, and the municipality's
Statsforvalteren."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from forms.base import BaseForm


class LabelSettingsForm(BaseForm):
    perpetrator_labels = BooleanField(
        _("Kall elever med rollen «utøvende» for «Utøvende elev 1», «Utøvende elev 2» …"),
        description=_(
            "Ellers får alle andre elever betegnelsene «Elev A», «Elev B» …. Endringen "
            "gjelder personer som legges til i sakene fra nå av; de som allerede har en "
            "betegnelse, beholder den, slik at alle dokumentene i en sak stemmer med "
            "hverandre."
        ),
    )


def _length(limit: int) -> Length:
    return Length(max=limit, message=_("Skriv høyst %(max)d tegn."))


class CaseContactForm(BaseForm):
    """The school's contact person for a case, on the cover of documents sent home."""

    contact_name = StringField(
        _("Kontaktperson"),
        validators=[_length(200)],
        description=_(
            "Den foresatte kan ringe eller skrive til om saken. Tomt: rektor, slik "
            "rektoren står i brukerkontoene."
        ),
    )
    contact_role = StringField(
        _("Rolle"),
        validators=[_length(200)],
        description=_("For eksempel «sosiallærer» eller «rektor»."),
    )
    contact_phone = StringField(
        _("Telefon"), validators=[_length(40)], render_kw={"autocomplete": "off"}
    )
    contact_email = StringField(
        _("E-post"), validators=[_length(254)], render_kw={"autocomplete": "off"}
    )


class StatsforvalterenForm(BaseForm):
    """The municipality's Statsforvalteren, on the cover of documents sent home."""

    statsforvalteren_name = StringField(
        _("Embete"),
        validators=[_length(200)],
        description=_("For eksempel «Statsforvalteren i Oslo og Viken»."),
    )
    statsforvalteren_address = StringField(_("Postadresse"), validators=[_length(300)])
    statsforvalteren_phone = StringField(_("Telefon"), validators=[_length(40)])
    statsforvalteren_email = StringField(_("E-post"), validators=[_length(254)])
    statsforvalteren_web = StringField(
        _("Nettside"),
        validators=[_length(200)],
        description=_("For eksempel statsforvalteren.no/oslo-viken."),
    )
