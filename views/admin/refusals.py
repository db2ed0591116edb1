"""A refusal on an admin page whose form is a single button (deactivate, delete, use this
version): the page redirects back to where the button was, so the reason goes with it
as a flash message. Nothing the request did is kept, as on a form (web.form_errors)."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext

from trygg.errors import Refused
from web.lifecycle import discard_changes


def flash_refusal(error: Refused) -> None:
    discard_changes()
    flash(gettext(error.message, **error.params), "error")
