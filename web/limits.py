"""How much one request may carry, and the page that says so with the real limit.

The upload pages set their own limit for their requests (the school's plan:
trygg.acknowledgements.MAX_PLAN_BYTES, 15 MB; a Word template: MAX_TEMPLATE_BYTES, 5 MB;
a case's attachment: trygg.cases.attachments.MAX_ATTACHMENT_BYTES, 10 MB, in
views/cases/notes.py) and say it in their own words at the file field. Every other page takes form text only, and the largest
valid form, the evaluation (60 measures; its length limits allow about 760,000
characters), is under 7 MB even if every character took nine bytes URL-encoded. The
staff CSV (2,000 lines) is far smaller. A body over this limit is refused unread.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from web.errors import page

MAX_REQUEST_BYTES = 8 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    limit = request.max_content_length or MAX_REQUEST_BYTES
    return page(
        413,
        gettext(
            "Det som ble sendt, er større enn grensen på %(limit)s MB for denne siden. "
            "Gå tilbake og send mindre om gangen.",
            limit=_megabytes(limit),
        ),
        gettext("For mye på én gang"),
    )


def install_limits(app: Flask) -> None:
    # Beside web.errors' handler for every HTTP error: this one knows the limit.
    app.register_error_handler(RequestEntityTooLarge, _too_large)
