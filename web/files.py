"""Files sent to the browser, shared by every page that offers a download: the warm PDF
converters and the attachment response. When a file cannot be made, the error's own page
comes from the one mapping in web.errors."""

from __future__ import annotations

from werkzeug.wrappers import Response

from trygg.pdf import ConverterPool, shared_pool
from web.gate import settings


def converters() -> ConverterPool | None:
    addresses = settings().converters
    # Only the configured warm service: a cold LibreOffice per request would not scale.
    return shared_pool(addresses) if addresses else None


def attachment(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    # headers.set encodes a non-ASCII name properly (RFC 6266); names are ASCII-folded anyway.
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
