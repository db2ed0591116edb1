"""The municipality's settings for login with Feide."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from forms.base import BaseForm


class FeideSettingsForm(BaseForm):
    enabled = BooleanField(
        _("Ansatte i kommunen kan logge inn med Feide"),
        description=_(
            "Kontoer som finnes i Trygg, kjennes igjen på Feide-brukeren eller på "
            "e-postadressen første gang."
        ),
    )
    local_login_hidden = BooleanField(
        _("Skjul innlogging med e-post og passord på innloggingssiden"),
        description=_(
            "Innloggingen med passord blir en lenke under Feide-knappen, slik at den første "
            "administratoren og kontoer uten Feide fortsatt kommer inn."
        ),
    )
    account_domains = TextAreaField(
        _("Opprett kontoer automatisk for disse e-postdomenene"),
        validators=[Length(max=1000, message=_("Listen kan ha høyst %(max)d tegn."))],
        description=_(
            "Ett domene per linje, for eksempel skole.kommune.no. Den som logger inn med "
            "Feide med en slik e-postadresse og ikke har konto, får en konto som ansatt "
            "uten skole, til en administrator plasserer dem. Tomt: ingen får konto uten "
            "en administrator."
        ),
        render_kw={"rows": 4},
    )
