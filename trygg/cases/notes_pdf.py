"""The case's notes and attachments in the combined PDF ("Hele saken som PDF").

The notes become one section of text, written with labels instead of the names of other
pupils (the same anonymiser as the documents), converted by LibreOffice and scanned for
names like every document's PDF (trygg.cases.downloads.check_pdf). The attachments follow
it, each under its own bookmark: a PDF as it was added, an image on a page of its own.
Withdrawn notes and attachments stay in the case but leave the combined PDF.

The attachments themselves are copies of what the school received (a screenshot, a
letter): they are kept as they are, since labels cannot be written into a picture. The
combined PDF is read by those who may see the case; nothing here is ever sent home.
"""

from __future__ import annotations

import io

import docx
from sqlalchemy.orm import Session

from trygg.anonymise import AmbiguousName
from trygg.archive import Archive
from trygg.calendar.formats import timestamp_text
from trygg.cases.attachments import FORMAT_NAMES, image_page
from trygg.cases.case_records import AttachmentEntry, NoteEntry, case_records
from trygg.cases.documents import NameLeak
from trygg.cases.downloads import check_pdf
from trygg.cases.names_check import case_people
from trygg.cases.notes import NOTE_KIND_TITLES
from trygg.models import Case
from trygg.pdf import ConverterPool, PdfUnavailable, convert_docx_to_pdfa
from trygg.pdf.errors import NO_SERVICE_CONFIGURED

SECTION_TITLE = "Notater og vedlegg"


def attachment_title(number: int, attachment: AttachmentEntry) -> str:
    """The bookmark of an attachment: a number and the kind of file, never its name (a
    file name may hold a pupil's name, and bookmarks are not labelled)."""
    kind = "bilde" if attachment.format in ("png", "jpg") else "PDF"
    return f"Vedlegg {number} ({kind}, {FORMAT_NAMES[attachment.format]})"


def bundle_parts(
    session: Session,
    archive: Archive,
    case: Case,
    converters: ConverterPool | None,
) -> list[tuple[str, bytes]]:
    """(bookmark title, PDF) for the notes section and each attachment; [] when the case
    has none. Raises NameLeak when a labelled name reached the section's text, PdfUnavailable
    without converters, ArchiveDamaged for a missing or altered attachment."""
    records = case_records(session, case)
    notes = [n for n in records.notes if n.withdrawn is None]
    attachments = [a for a in records.attachments if a.withdrawn is None]
    if not notes and not attachments:
        return []
    if converters is None:
        raise PdfUnavailable(NO_SERVICE_CONFIGURED)
    section = section_docx(case, notes, attachments)
    pdf = convert_docx_to_pdfa(section, allow_cold=False, converters=converters)
    check_pdf(case, pdf, SECTION_TITLE)
    parts = [(SECTION_TITLE, pdf)]
    for number, attachment in enumerate(attachments, start=1):
        content = archive.get(attachment.sha256, attachment.format)
        page = content if attachment.format == "pdf" else image_page(content)
        parts.append((attachment_title(number, attachment), page))
    return parts


def section_docx(case: Case, notes: list[NoteEntry], attachments: list[AttachmentEntry]) -> bytes:
    """The section as a Word file: each note with when it happened, what it was, who wrote
    it and its text with labels; then the list of attachments."""
    anonymiser = case_people(case).anonymiser()
    problems: list[str] = []

    def labelled(text: str, where: str) -> str:
        try:
            return anonymiser.text(text)
        except AmbiguousName as error:
            problems.append(
                f"{where} nevner «{error.word}», som nå kan være flere personer i saken. "
                "Trekk det tilbake og skriv det på nytt med hele navnet."
            )
            return ""

    document = docx.Document()
    document.core_properties.title = f"{SECTION_TITLE}, sak {case.reference}"
    document.core_properties.author = case.school.name
    document.add_heading(f"{SECTION_TITLE} – sak {case.reference}", level=1)
    document.add_heading("Notater", level=2)
    if not notes:
        document.add_paragraph("Saken har ingen notater.")
    for note in notes:
        when = timestamp_text(note.happened_at)
        title = f"{when} – {NOTE_KIND_TITLES.get(note.kind, note.kind)}"
        document.add_heading(title, level=3)
        written = f"Ført inn av {note.author or 'ukjent'}, {timestamp_text(note.created_at)}."
        document.add_paragraph().add_run(written).italic = True
        for line in labelled(note.text, f"Notatet fra {when}").split("\n"):
            document.add_paragraph(line)
    document.add_heading("Vedlegg", level=2)
    if not attachments:
        document.add_paragraph("Saken har ingen vedlegg.")
    for number, attachment in enumerate(attachments, start=1):
        added = timestamp_text(attachment.created_at)
        line = (
            f"{attachment_title(number, attachment)}: lagt til {added} av "
            f"{attachment.author or 'ukjent'}."
        )
        if attachment.description:
            description = labelled(attachment.description, f"Vedlegg {number}")
            line += f" {description}"
        document.add_paragraph(line)
    if attachments:
        document.add_paragraph(
            "Vedleggene følger etter denne delen slik skolen mottok dem, og er ikke anonymisert."
        )
    if problems:
        raise NameLeak(problems)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bundle_extras_exist(session: Session, case: Case) -> bool:
    """Whether the combined PDF has notes or attachments to add (withdrawn ones leave)."""
    records = case_records(session, case)
    return any(n.withdrawn is None for n in records.notes) or any(
        a.withdrawn is None for a in records.attachments
    )


__all__ = ["SECTION_TITLE", "attachment_title", "bundle_extras_exist", "bundle_parts"]
