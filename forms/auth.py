from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from forms.base import BaseForm
from trygg.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(BaseForm):
    email = EmailField(
        _("E-postadresse"),
        validators=[DataRequired(_("Skriv inn e-postadressen din.")), Length(max=254)],
        # No autofocus: the page starts at its top like every other, so the skip link is
        # the first Tab stop and a screen reader reads the heading before the field.
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _("Passord"),
        validators=[DataRequired(_("Skriv inn passordet ditt.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class NewPasswordMixin:
    new_password = PasswordField(
        _("Nytt passord"),
        validators=[
            DataRequired(_("Skriv inn et nytt passord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_("Passordet må ha mellom %(min)d og %(max)d tegn."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
        description=_(
            "Minst %(min)d tegn. En setning på flere ord er lett å huske.", min=MIN_PASSWORD_LENGTH
        ),
    )
    confirm = PasswordField(
        _("Gjenta nytt passord"),
        validators=[EqualTo("new_password", _("Passordene er ikke like."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(BaseForm, NewPasswordMixin):
    current_password = PasswordField(
        _("Nåværende passord"),
        validators=[DataRequired(_("Skriv inn passordet du har nå."))],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(BaseForm, NewPasswordMixin):
    pass


class ConfirmForm(BaseForm):
    """A form with only the CSRF token, for buttons that change state (logout, deactivate)."""

    reason = StringField(render_kw={"hidden": True})


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _("E-postadresse"),
        validators=[DataRequired(_("Skriv inn e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
