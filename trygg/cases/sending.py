"""PDFs that leave the case page: the whole case as one PDF, and a password-protected
copy of a final document for sending home.

Both are made from the archived PDF/A (never changing it), whose text was scanned for
names before it was archived (trygg.cases.downloads.pdf_file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from trygg.archive import Archive
from trygg.cases.documents import documents_of
from trygg.cases.downloads import MIMETYPES, DocumentFile, check_pdf, document_title, pdf_file
from trygg.cases.home_cover import COVER_TITLE, cover_docx, cover_facts
from trygg.cases.notes_pdf import bundle_extras_exist, bundle_parts
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import FINAL
from trygg.pdf import ConverterPool, convert_docx_to_pdfa, merge_pdfs, protect_pdf
from trygg.pdf.errors import NO_SERVICE_CONFIGURED, PdfUnavailable

# A password told by phone or SMS must still resist guessing for the life of the file.
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128


def final_documents(session: Session, case: Case) -> list[CaseDocument]:
    return [d for d in documents_of(session, case) if d.status == FINAL]


def case_bundle(
    session: Session,
    archive: Archive,
    case: Case,
    converters: ConverterPool | None,
    user_id: int,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> DocumentFile:
    """Every final document of the case as one PDF, one bookmark per document, then the
    notes and attachments (trygg.cases.notes_pdf), each under its own bookmark.

    `progress(done, total)` hears of each document made (the background job's progress
    bar, trygg.jobs). Raises DomainError when there is nothing to put in it, and what
    pdf_file and bundle_parts raise."""
    docs = final_documents(session, case)
    if not docs and not bundle_extras_exist(session, case):
        raise Refused("Saken har ingen ferdigstilte dokumenter ennå.")
    # One step per document, one for the notes and attachments, one for the merge.
    total = len(docs) + 2
    parts = []
    for done, doc in enumerate(docs, start=1):
        pdf = pdf_file(session, archive, case, doc, converters, user_id, now).content
        parts.append((document_title(doc), pdf))
        if progress is not None:
            progress(done, total)
    parts += bundle_parts(session, archive, case, converters)
    if progress is not None:
        progress(total - 1, total)
    filename = f"{case.reference.replace('/', '-')}_saksdokumenter.pdf"
    return DocumentFile(merge_pdfs(parts), filename, MIMETYPES["pdf"])


def check_password(password: str, repeated: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(
            "Passordet må ha minst %(length)d tegn.",
            field="password",
            length=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Refused(
            "Passordet kan ha høyst %(length)d tegn.",
            field="password",
            length=MAX_PASSWORD_LENGTH,
        )
    if password != repeated:
        raise Refused("Passordene er ikke like.", field="repeat")


def home_copy(
    session: Session,
    archive: Archive,
    case: Case,
    doc: CaseDocument,
    converters: ConverterPool | None,
    password: str,
    user_id: int,
    now: dt.datetime,
) -> DocumentFile:
    """An AES-256 protected copy of a final document's PDF, to send home, after a cover
    page naming the school's contact person and how to reach Statsforvalteren (§ 12-6;
    trygg.cases.home_cover).

    Only final documents go home: a draft can still change. The archived PDF/A is not
    touched; the copy is made in memory and never stored. It is that one document's PDF
    alone: the case's notes and attachments are never sent home."""
    if doc.status != FINAL:
        raise Refused("Bare ferdigstilte dokumenter kan sendes hjem.")
    pdf = pdf_file(session, archive, case, doc, converters, user_id, now)
    if converters is None:
        raise PdfUnavailable(NO_SERVICE_CONFIGURED)
    title = document_title(doc)
    cover_word = cover_docx(cover_facts(session, case, title))
    cover = convert_docx_to_pdfa(cover_word, allow_cold=False, converters=converters)
    # Scanned like every page that leaves the case: it must name no one in it.
    check_pdf(case, cover, COVER_TITLE)
    letter = merge_pdfs([(COVER_TITLE, cover), (title, pdf.content)])
    protected = protect_pdf(letter, password)
    filename = pdf.filename.removesuffix(".pdf") + "_passord.pdf"
    return DocumentFile(protected, filename, MIMETYPES["pdf"])
