"""PDFs that leave the case page: the whole case as one PDF, and a password-protected
copy of a final document for sending home.

Both are made from the archived PDF/A (never changing it), whose text was scanned for
names before it was archived (trygg.cases.downloads.pdf_file).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from trygg.archive import Archive
from trygg.cases.documents import documents_of
from trygg.cases.downloads import MIMETYPES, DocumentFile, document_title, pdf_file
from trygg.errors import Refused
from trygg.models import Case, CaseDocument
from trygg.models.documents import FINAL
from trygg.pdf import ConverterPool, merge_pdfs, protect_pdf

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
) -> DocumentFile:
    """Every final document of the case as one PDF, one bookmark per document.

    Raises DomainError when nothing is final yet, and what pdf_file raises."""
    docs = final_documents(session, case)
    if not docs:
        raise Refused("Saken har ingen ferdigstilte dokumenter ennå.")
    parts = []
    for doc in docs:
        pdf = pdf_file(session, archive, case, doc, converters, user_id, now).content
        parts.append((document_title(doc), pdf))
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
    """An AES-256 protected copy of a final document's PDF, to send home.

    Only final documents go home: a draft can still change. The archived PDF/A is not
    touched; the copy is made in memory and never stored."""
    if doc.status != FINAL:
        raise Refused("Bare ferdigstilte dokumenter kan sendes hjem.")
    pdf = pdf_file(session, archive, case, doc, converters, user_id, now)
    protected = protect_pdf(pdf.content, password)
    filename = pdf.filename.removesuffix(".pdf") + "_passord.pdf"
    return DocumentFile(protected, filename, MIMETYPES["pdf"])
