"""Publishing the school's plan (leadership) and signing the kvittering (every employee)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from forms.base import BaseForm
from forms.documents.fields import DateText
from trygg.documents.ack_contexts import CONFIRMATION_STATEMENTS


class PublishPlanForm(BaseForm):
    title = StringField(
        _("Tittel"),
        validators=[InputRequired(_("Skriv tittelen på planen.")), Length(max=200)],
    )
    school_year = StringField(
        _("Skoleår"),
        validators=[InputRequired(_("Skriv skoleåret, for eksempel 2026/2027.")), Length(max=20)],
        description=_("For eksempel 2026/2027."),
    )
    version_date = DateText(
        _("Versjonsdato"),
        validators=[InputRequired(_("Skriv datoen planen er datert."))],
        description=_("Datoen som står på planen, for eksempel 10.08.2026."),
    )
    file = FileField(
        _("Planen (PDF eller Word)"),
        validators=[
            FileRequired(_("Velg filen med planen.")),
            FileAllowed(
                ["pdf", "docx"], _("Planen må være en PDF eller et Word-dokument (.docx).")
            ),
        ],
        description=_(
            "Høyst 15 MB. Filen arkiveres uendret, og sjekksummen står på hver kvittering, "
            "så det er alltid klart hvilken tekst de ansatte har lest."
        ),
        render_kw={
            "accept": ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document"
        },
    )


def _confirmation(key: str, missing: str) -> BooleanField:
    # The label is the sentence the kvittering document prints beside «Ja»: what the
    # employee ticks is, word for word, what the signed document says they confirmed.
    return BooleanField(_(CONFIRMATION_STATEMENTS[key]), validators=[DataRequired(missing)])


class SignForm(BaseForm):
    # The version the employee read; signing refuses it if a newer one was published.
    plan_id = HiddenField()
    read_plan = _confirmation("read_plan", _("Kryss av for at du har lest planen."))
    knows_five_duties = _confirmation(
        "knows_five_duties", _("Kryss av for at du kjenner de fem delpliktene.")
    )
    knows_12_5_route = _confirmation(
        "knows_12_5_route", _("Kryss av for at du kjenner meldeveien etter § 12-5.")
    )
    knows_confidentiality = _confirmation(
        "knows_confidentiality", _("Kryss av for at du kjenner taushetsplikten.")
    )
    typed_signature = StringField(
        _("Signatur: skriv fullt navn"),
        validators=[InputRequired(_("Skriv navnet ditt som signatur.")), Length(max=200)],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
