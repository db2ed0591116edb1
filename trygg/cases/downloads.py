"""A case document as a file to download: the archived Word file of a final document, a
fresh rendering of a draft, and PDF/A made from either.

A final document is served from the archive, byte for byte what was archived; its PDF
is made once, stamped, archived beside it and served from there afterwards. A draft is
internal work: rendered fresh each time (the same anonymised document) and never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg.archive import Archive, ArchiveDamaged
from trygg.cases.documents import archived_file, filename_for, render_case_document
from trygg.documents.vocabulary import DOCUMENT_TITLES
from trygg.models import ArchivedFile, Case, CaseDocument
from trygg.models.documents import FINAL
from trygg.pdf import ConverterPool, PdfUnavailable, convert_docx_to_pdfa, stamp_metadata
from trygg.pdf.errors import NO_SERVICE_CONFIGURED

FORMATS = ("docx", "pdf")
MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
MISSING = "Det arkiverte dokumentet mangler i arkivet. Kontakt IT-ansvarlig."


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    filename: str
    mimetype: str


def document_title(doc: CaseDocument) -> str:
    """«Aktivitetsplan, versjon 2»: what the PDF's title says; never a name."""
    title = DOCUMENT_TITLES[doc.kind]
    if doc.kind == "aktivitetsplan":
        return f"{title}, versjon {doc.number}"
    if doc.kind in ("evaluering", "meldeskjema"):
        return f"{title} nr. {doc.number}"
    return title


def _docx(session: Session, archive: Archive, case: Case, doc: CaseDocument) -> bytes:
    if doc.status != FINAL:
        return render_case_document(session, case, doc).docx
    stored = archived_file(session, doc, "docx")
    if stored is None:
        raise ArchiveDamaged(MISSING)
    return archive.get(stored.sha256, "docx")


def word_file(session: Session, archive: Archive, case: Case, doc: CaseDocument) -> DocumentFile:
    """Raises DocumentProblems for a draft that cannot be rendered yet."""
    return DocumentFile(
        _docx(session, archive, case, doc), filename_for(case, doc), MIMETYPES["docx"]
    )


def pdf_file(
    session: Session,
    archive: Archive,
    case: Case,
    doc: CaseDocument,
    converters: ConverterPool | None,
    user_id: int,
    now: dt.datetime,
) -> DocumentFile:
    """The PDF/A of the document. A final document's PDF is archived the first time it
    is asked for (adds an ArchivedFile row; the caller commits).

    Raises PdfUnavailable without converters (never a cold start on the web path),
    ConversionFailed when LibreOffice fails, DocumentProblems for an unfinished draft.
    """
    name = filename_for(case, doc, "pdf")
    if doc.status == FINAL:
        stored = archived_file(session, doc, "pdf")
        if stored is not None:
            return DocumentFile(archive.get(stored.sha256, "pdf"), name, MIMETYPES["pdf"])
    if converters is None:
        raise PdfUnavailable(NO_SERVICE_CONFIGURED)
    docx = _docx(session, archive, case, doc)
    made = doc.finalised_at if doc.status == FINAL and doc.finalised_at else now
    pdf = stamp_metadata(
        convert_docx_to_pdfa(docx, allow_cold=False, converters=converters),
        title=document_title(doc),
        reference=case.reference,
        school=case.school.name,
        # Stored times are naive UTC.
        created=made.replace(tzinfo=dt.UTC),
        source_sha256=hashlib.sha256(docx).hexdigest(),
    )
    if doc.status == FINAL:
        sha256 = archive.put(pdf, "pdf")
        session.add(
            ArchivedFile(
                case_id=case.id,
                document_id=doc.id,
                format="pdf",
                sha256=sha256,
                size=len(pdf),
                filename=name,
                archived_at=now,
                archived_by=user_id,
            )
        )
        session.flush()
    return DocumentFile(pdf, name, MIMETYPES["pdf"])
