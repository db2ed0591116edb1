"""A dated note, an attachment, and withdrawing either (views/cases/notes.py).

The file field takes any file: what it is is decided by its content in the domain
(trygg.cases.attachments), never by its name or the browser's content type, so no
FileAllowed here. The kinds are checked by the domain too, so the user reads its message.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from forms.base import BaseForm
from forms.cases import LOCAL_FORMAT
from trygg.cases.attachments import MAX_ATTACHMENT_BYTES
from trygg.cases.notes import MAX_DESCRIPTION_LENGTH, MAX_NOTE_LENGTH, MAX_REASON_LENGTH

KIND_CHOICES = [
    SelectChoice("phone_call", _("Telefonsamtale")),
    SelectChoice("meeting", _("Møte")),
    SelectChoice("observation", _("Observasjon")),
    SelectChoice("message_from_home", _("Melding fra hjemmet")),
    SelectChoice("other", _("Annet")),
]
_NOT_NAMES = _("Ordene som er markert, er ikke navn")
_NOT_NAMES_HINT = _("Kryss av bare hvis Trygg har spurt om ord som ligner navn.")


class NoteForm(BaseForm):
    kind = SelectField(_("Hva gjelder notatet?"), choices=KIND_CHOICES, validate_choice=False)
    happened_at = DateTimeLocalField(
        _("Når skjedde det?"),
        format=LOCAL_FORMAT,
        validators=[InputRequired(_("Skriv dato og klokkeslett for når det skjedde."))],
        description=_("Dato og klokkeslett. Ikke frem i tid."),
    )
    text = TextAreaField(
        _("Notat"),
        validators=[Length(max=MAX_NOTE_LENGTH)],
        description=_(
            "Hva ble sagt eller observert, og av hvem. Andre elever får merkelapp "
            "(«Elev A») når saken skrives ut som PDF."
        ),
        render_kw={"rows": 8},
    )
    not_names_confirmed = BooleanField(_NOT_NAMES, description=_NOT_NAMES_HINT)


class AttachmentForm(BaseForm):
    file = FileField(
        _("Fil (PDF, PNG eller JPEG)"),
        validators=[FileRequired(_("Velg filen som skal legges ved."))],
        description=_(
            "Høyst %(limit)d MB. Skjermbilder, bilder og PDF-er. Vedlegg sendes aldri hjem.",
            limit=MAX_ATTACHMENT_BYTES // 1024 // 1024,
        ),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"},
    )
    description = TextAreaField(
        _("Hva viser vedlegget? (valgfritt)"),
        validators=[Length(max=MAX_DESCRIPTION_LENGTH)],
        render_kw={"rows": 3},
    )
    not_names_confirmed = BooleanField(_NOT_NAMES, description=_NOT_NAMES_HINT)


class WithdrawForm(BaseForm):
    reason = TextAreaField(
        _("Hvorfor trekkes det tilbake?"),
        validators=[
            InputRequired(_("Skriv hvorfor det trekkes tilbake.")),
            Length(max=MAX_REASON_LENGTH),
        ],
        description=_(
            "For eksempel: lagt i feil sak. Det blir stående i saken, merket som trukket "
            "tilbake, men kommer ikke med i PDF-en av saken."
        ),
        render_kw={"rows": 3},
    )
