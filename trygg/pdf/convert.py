"""DOCX → PDF/A-2b: the warm converter service first, a cold soffice only if allowed."""

from __future__ import annotations

from trygg.pdf.client import ConverterPool, ConvertersUnreachable, pool_from_env
from trygg.pdf.cold import convert_cold
from trygg.pdf.errors import (
    NO_SERVICE_CONFIGURED,
    NOT_A_DOCX,
    NOT_A_PDF,
    ConversionFailed,
    PdfUnavailable,
)
from trygg.pdf.locate import find_soffice
from trygg.pdf.offline import without_external_links


def convert_docx_to_pdfa(
    docx: bytes,
    *,
    timeout: float = 60.0,
    allow_cold: bool = True,
    converters: ConverterPool | None = None,
) -> bytes:
    """Convert a Word document to PDF/A-2b and return the PDF bytes.

    Uses ``converters`` or, when not given, the pool named by TRYGG_CONVERTERS. Without a
    reachable service a cold ``soffice`` is started if ``allow_cold``; the web path passes
    ``allow_cold=False`` because a cold start per request costs 1.4 s of a core and does
    not bound concurrency.

    External relationships (linked images, a remote attached template) are removed
    first; hyperlinks stay. Raises PdfUnavailable (nothing to convert with) or ConversionFailed (timeout, crash).
    """
    # A .docx is a zip file; anything else would only make LibreOffice guess.
    if not docx.startswith(b"PK\x03\x04"):
        raise ConversionFailed(NOT_A_DOCX)
    # LibreOffice is also set never to fetch links (trygg.pdf.offline); this is the second
    # wall: nothing external is left in the package to fetch.
    docx = without_external_links(docx)
    pool = converters if converters is not None else pool_from_env()
    if pool is not None:
        try:
            return _checked(pool.convert(docx, timeout=timeout))
        except ConvertersUnreachable:
            if not allow_cold:
                raise
    elif not allow_cold:
        raise PdfUnavailable(NO_SERVICE_CONFIGURED)
    return _checked(convert_cold(docx, soffice=find_soffice(), timeout=timeout))


def _checked(pdf: bytes) -> bytes:
    if not pdf.startswith(b"%PDF-"):
        raise ConversionFailed(NOT_A_PDF)
    return pdf
