"""The pupil register's import: upload, then confirm what the preview showed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField

from forms.base import BaseForm


class PupilImportForm(BaseForm):
    files = MultipleFileField(
        _("Fil fra elevsystemet"),
        description=_(
            "OneRoster 1.2 som zip-fil eller som filene users.csv, classes.csv, "
            "enrollments.csv og orgs.csv, eller en CSV-fil med norske overskrifter (se under)."
        ),
    )


class PupilImportConfirmForm(BaseForm):
    # The token of the upload kept on the server (trygg.pupils.upload.keep_pending); it
    # is parsed again when confirmed.
    payload = HiddenField()
