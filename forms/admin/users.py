from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from forms.base import BaseForm

NO_SCHOOL = ""


class UserForm(BaseForm):
    name = StringField(
        _("Navn"), validators=[DataRequired(_("Navn må fylles ut.")), Length(max=200)]
    )
    email = EmailField(
        _("E-postadresse"),
        validators=[DataRequired(_("E-postadresse må fylles ut.")), Length(max=254)],
    )
    title = StringField(
        _("Tittel"),
        validators=[Length(max=200)],
        description=_("For eksempel kontaktlærer 6B, sosiallærer, rektor."),
    )
    role = SelectField(_("Rolle"), validators=[DataRequired()])
    school = SelectField(_("Skole"))


class UserEditForm(UserForm):
    email = None  # type: ignore[assignment]  # the address is the login; it is not edited here


class OwnDetailsForm(BaseForm):
    """An admin's own account: no role or school to choose, since nobody changes their own
    (trygg.accounts.users.change_user refuses it too)."""

    name = UserForm.name
    title = UserForm.title


class ImportUploadForm(BaseForm):
    file = FileField(
        _("CSV-fil"),
        validators=[
            FileRequired(_("Velg en fil.")),
            FileAllowed(["csv", "txt"], _("Filen må være en CSV-fil (.csv).")),
        ],
        description=_(
            "Én ansatt per linje: navn; e-post; tittel; rolle. Semikolon eller komma som skilletegn."
        ),
    )
    school = SelectField(_("Skole"))


class ImportConfirmForm(BaseForm):
    # The checked CSV goes back with the confirmation and is parsed again, so nothing
    # half-checked is stored between the two steps.
    csv_text = HiddenField()
    school = HiddenField()
    # The invitations go out by a background job (trygg.jobs.invitations), not in the request.
    invite = BooleanField(_("Send invitasjon på e-post til de nye brukerne med en gang"))
