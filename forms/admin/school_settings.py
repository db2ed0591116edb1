"""A school's document settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField

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
