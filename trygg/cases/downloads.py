"""A case document as a file to download: the archived Word file of a final document, a
fresh rendering of a draft, and PDF/A made from either.

A final document is served from the archive, byte for byte what was archived; its PDF
is made once, stamped, archived beside it and served from there afterwards. A draft is
internal work: rendered fresh each time (the same anonymised document) and never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg.anonymise import scan_text
from trygg.archive import Archive, ArchiveDamaged
from trygg.cases.actors import anonymiser_actor
from trygg.cases.documents import (
    NameLeak,
    archived_file,
    filename_for,
    render_case_document,
)
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


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    # Title, subject, author…: LibreOffice copies Word's document properties here.
    info = reader.metadata
    properties = [str(v) for v in info.values() if isinstance(v, str)] if info else []
    return "\n".join(pages + properties)


def pdf_leak_problems(case: Case, pdf: bytes, where: str) -> list[str]:
    """Names of labelled people in the PDF's text (pages and document properties)."""
    hits = scan_text(
        pdf_text(pdf), where, case.pupil_name, [anonymiser_actor(a) for a in case.actors]
    )
    return [
        f"Navnet «{hit.name}» står i PDF-en ({hit.where}). Skriv om teksten, eller legg "
        "personen til i saken, før dokumentet sendes ut."
        for hit in hits
    ]


def check_pdf(case: Case, pdf: bytes, where: str) -> None:
    """The leak scanner over the PDF: LibreOffice's text is checked like the Word file
    was, so a name that reached the PDF by another road (a field, a font substitution
    of a label) still stops it before it is archived or sent."""
    problems = pdf_leak_problems(case, pdf, where)
    if problems:
        raise NameLeak(problems)


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
    ConversionFailed when LibreOffice fails, DocumentProblems for an unfinished draft,
    NameLeak when a labelled person's name is in the PDF's text, ArchiveDamaged when an
    archived file is missing or altered. Two requests archiving the same PDF at once
    both get the one archived first.
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
        check_pdf(case, pdf, document_title(doc))
        sha256 = archive.put(pdf, "pdf")
        stored = _archive_once(
            session,
            doc,
            case_id=case.id,
            document_id=doc.id,
            format="pdf",
            sha256=sha256,
            size=len(pdf),
            filename=name,
            archived_at=now,
            archived_by=user_id,
        )
        if stored.sha256 != sha256:
            # Archived by someone else in the same instant: theirs is the document's PDF,
            # for them and for everyone after. (Ours stays on disk, unreferenced.)
            return DocumentFile(archive.get(stored.sha256, "pdf"), name, MIMETYPES["pdf"])
    return DocumentFile(pdf, name, MIMETYPES["pdf"])


def _archive_once(session: Session, doc: CaseDocument, **values: Any) -> ArchivedFile:
    """The archive row of the document's PDF: this one, unless another request archived
    the PDF a moment ago (both found none before converting); then theirs, which stands.

    ON CONFLICT DO NOTHING rather than catching the unique violation, as in
    trygg.acknowledgements.signing: a failed INSERT would undo the whole request."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(ArchivedFile)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["document_id", "format"])
    )
    stored = archived_file(session, doc, values["format"])
    assert stored is not None  # inserted just now, or by the request that came first
    return stored
