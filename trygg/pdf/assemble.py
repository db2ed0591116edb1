"""Putting finished PDFs together for reading and sending: merge and password-protect.

Neither result is an archive copy. ``append()`` drops the parts' XMP and /OutputIntents,
and PDF/A forbids encryption, so the archive keeps the individual, unencrypted PDF/A
files and these are made from them on demand.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions

from trygg.pdf.errors import EMPTY_PASSWORD, NOTHING_TO_MERGE
from trygg.pdf.metadata import clone, read_xmp, set_xmp
from trygg.pdf.xmp import read_pdfa_id, update_xmp

# Parents may print and use a screen reader; editing needs the (random) owner password.
SEND_HOME_PERMISSIONS = (
    UserAccessPermissions.PRINT
    | UserAccessPermissions.PRINT_TO_REPRESENTATION
    | UserAccessPermissions.EXTRACT_TEXT_AND_GRAPHICS
)
PDFA_ID_PROPERTIES = ("pdfaid:part", "pdfaid:conformance", "pdfaid:amd")


def merge_pdfs(parts: Sequence[tuple[str, bytes]]) -> bytes:
    """One PDF of all parts in order, with one bookmark (titled as given) per part."""
    if not parts:
        raise ValueError(NOTHING_TO_MERGE)
    writer = PdfWriter()
    for title, pdf in parts:
        first_page = len(writer.pages)
        # The parts' own outlines (LibreOffice exports headings) would drown the part list.
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        writer.add_outline_item(title=title, page_number=first_page)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def protect_pdf(pdf: bytes, password: str) -> bytes:
    """An AES-256 encrypted copy that opens only with ``password``; ``pdf`` is untouched.

    A PDF/A claim is removed from the copy, since an encrypted file cannot be PDF/A and
    an archive must not be misled into treating the copy as one.
    """
    if not password:
        raise ValueError(EMPTY_PASSWORD)
    writer = clone(pdf)
    xmp = read_xmp(pdf)
    if read_pdfa_id(xmp) is not None:
        set_xmp(writer, update_xmp(xmp, {}, remove=PDFA_ID_PROPERTIES))
    writer.encrypt(
        user_password=password,
        owner_password=secrets.token_urlsafe(32),
        permissions_flag=SEND_HOME_PERMISSIONS,
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
