"""Errors the PDF layer raises; their text is shown to teachers as it is.

Every user-facing sentence lives here, in one place, so a nynorsk variant can follow
without hunting through the converter code.
"""

from __future__ import annotations

from trygg.errors import DomainError

DOCX_STILL_AVAILABLE = "Word-filen (.docx) kan fortsatt lastes ned."

NO_LIBREOFFICE = (
    f"PDF kan ikke lages: LibreOffice er ikke installert på serveren. {DOCX_STILL_AVAILABLE}"
)
NO_UNO_PYTHON = (
    "PDF kan ikke lages: Python-støtten for LibreOffice (python3-uno med unoserver) "
    f"mangler på serveren. {DOCX_STILL_AVAILABLE}"
)
NO_SERVICE_CONFIGURED = (
    f"PDF kan ikke lages: PDF-tjenesten er ikke satt opp på serveren. {DOCX_STILL_AVAILABLE}"
)
SERVICE_UNREACHABLE = (
    "PDF kan ikke lages akkurat nå: PDF-tjenesten på serveren svarer ikke. "
    f"{DOCX_STILL_AVAILABLE} Prøv igjen om litt."
)
SERVICE_DID_NOT_START = (
    "PDF-tjenesten startet ikke: LibreOffice kom ikke i gang. Se loggfilene i {workdir}."
)
PORT_IN_USE = "PDF-tjenesten kan ikke starte: porten {port} er allerede i bruk."
TIMED_OUT = (
    "PDF-en ble ikke ferdig i tide. Dokumentet kan ha svært lange avsnitt; del dem opp "
    f"og prøv igjen. {DOCX_STILL_AVAILABLE}"
)
CRASHED = f"LibreOffice klarte ikke å lage PDF av dokumentet. {DOCX_STILL_AVAILABLE}"
NOT_A_PDF = f"LibreOffice leverte ikke en gyldig PDF. {DOCX_STILL_AVAILABLE}"
NOT_A_DOCX = "Filen er ikke et Word-dokument (.docx), så det kan ikke lages PDF av den."
EMPTY_PASSWORD = "Passordet kan ikke være tomt."  # noqa: S105 - a message, not a password
NOTHING_TO_MERGE = "Det er ingen PDF-er å slå sammen."


class PdfError(DomainError):
    """Base for PDF errors; the message is a complete Norwegian sentence for the user."""


class PdfUnavailable(PdfError):
    """LibreOffice or the converter service is missing or cannot be reached."""


class ConversionFailed(PdfError):
    """The converter was there but did not deliver: timeout, crash or garbage."""
