"""DOCX → PDF/A-2b through warm LibreOffice instances, and the PDF work that follows.

- :func:`convert_docx_to_pdfa` converts through the converter service
  (``TRYGG_CONVERTERS``), or a cold ``soffice`` when allowed.
- :func:`stamp_metadata` writes archive metadata into Info and XMP together.
- :func:`merge_pdfs` and :func:`protect_pdf` make reading and sending copies.
- :class:`ConverterService` runs and supervises the unoserver instances
  (``python -m trygg.pdf.service``).

Errors carry a Norwegian message for the user: :class:`PdfUnavailable` when there is
nothing to convert with, :class:`ConversionFailed` when a conversion goes wrong.
"""

from typing import TYPE_CHECKING, Any

from trygg.pdf.assemble import merge_pdfs, protect_pdf
from trygg.pdf.client import (
    CONVERTERS_ENV,
    ConverterAddress,
    ConverterPool,
    pool_from_env,
    shared_pool,
)
from trygg.pdf.convert import convert_docx_to_pdfa
from trygg.pdf.errors import ConversionFailed, PdfError, PdfUnavailable
from trygg.pdf.metadata import pdfa_id, read_xmp, stamp_metadata
from trygg.pdf.xmp import PdfAId

if TYPE_CHECKING:
    from trygg.pdf.service import ConverterService


def __getattr__(name: str) -> Any:
    # Imported lazily so `python -m trygg.pdf.service` does not import itself twice.
    if name == "ConverterService":
        from trygg.pdf.service import ConverterService

        return ConverterService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONVERTERS_ENV",
    "ConversionFailed",
    "ConverterAddress",
    "ConverterPool",
    "ConverterService",
    "PdfAId",
    "PdfError",
    "PdfUnavailable",
    "convert_docx_to_pdfa",
    "merge_pdfs",
    "pdfa_id",
    "pool_from_env",
    "protect_pdf",
    "read_xmp",
    "shared_pool",
    "stamp_metadata",
]
