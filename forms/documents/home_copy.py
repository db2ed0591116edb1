"""The password for a copy of a document sent home."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import PasswordField

from forms.base import BaseForm


class HomeCopyForm(BaseForm):
    # The rule (length, equal) is the domain's, trygg.cases.sending.check_password.
    password = PasswordField(
        _("Passord til PDF-en"),
        description=_(
            "Minst 10 tegn. Gi passordet til de foresatte på en annen måte enn filen, "
            "for eksempel på telefon eller SMS."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(_("Gjenta passordet"), render_kw={"autocomplete": "new-password"})
