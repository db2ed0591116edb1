"""Uploading a municipality's or a school's own Word template, and the buttons that put
a version back in use or return to the default."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField

from forms.base import BaseForm

# The school select's value for "the whole municipality" (no school).
MUNICIPALITY = "kommune"


class TemplateUploadForm(BaseForm):
    # Both are checked by the view and the domain, which answer a school outside the
    # admin's reach with 404 and an unknown kind with a Norwegian message.
    kind = SelectField(_("Dokument"), validate_choice=False)
    school = SelectField(
        _("Gjelder"),
        validate_choice=False,
        description=_(
            "En mal for hele kommunen brukes av alle skoler som ikke har lastet opp sin egen."
        ),
    )
    file = FileField(
        _("Word-mal (.docx)"),
        validators=[
            FileRequired(_("Velg en Word-fil.")),
            FileAllowed(["docx"], _("Malen må være et Word-dokument (.docx).")),
        ],
        description=_(
            "Høyst 5 MB. Malen kontrolleres før den tas i bruk; en mal med feil blir lagret "
            "som avvist, og malen som er i bruk nå, fortsetter å gjelde."
        ),
        render_kw={
            "accept": ".docx,application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document"
        },
    )


class TemplateScopeForm(BaseForm):
    """«Bruk standardmal igjen» for one kind in one scope."""

    kind = HiddenField()
    school = HiddenField()


class TemplateActionForm(BaseForm):
    """A button with CSRF only: put an earlier version back in use."""
