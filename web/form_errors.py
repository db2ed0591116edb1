"""A refusal shown on the form it is about. Showing one undoes the request's changes so far
(web.lifecycle.discard_changes): the page answers 200 with the form as typed, and nothing
half-done stays."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext

from forms.documents.fields import find_field
from trygg.errors import DomainError
from web.lifecycle import discard_changes


def show_error(form: Any, error: DomainError) -> None:
    """Put a domain error beside the field it names (nested fields too), else above the
    form."""
    add_error(form, error.field, gettext(error.message, **error.params))


def add_error(form: Any, field_name: str | None, message: str) -> None:
    """An error message, already translated, on the form; the request's changes are
    discarded."""
    discard_changes()
    target = (form._fields.get(field_name) or find_field(form, field_name)) if field_name else None
    if target is None:
        form.form_errors.append(message)
        return
    target.errors = [*target.errors, message]


def flash_refusal(error: DomainError) -> None:
    """A refusal on a page whose form is a single button (deactivate, delete, use this
    version): the view redirects back to where the button was, so the reason goes with it
    as a flash message. Nothing the request did is kept, as on a form."""
    discard_changes()
    flash(gettext(error.message, **error.params), "error")
