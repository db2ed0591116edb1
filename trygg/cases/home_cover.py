"""The cover page of a copy sent home: whom to contact about the case, and how to take it
to Statsforvalteren (opplæringslova § 12-6) with the office's own contact details.

It is made for each copy from the settings as they are now (trygg.accounts.
school_settings), never archived: the archived document stays as it was finalised, and a
new phone number reaches the next letter home. It names no one in the case but its own
pupil's school, so the leak scanner passes it like any page that leaves the case.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from sqlalchemy.orm import Session

from trygg.accounts.school_settings import (
    CaseContact,
    Statsforvalteren,
    case_contact,
    statsforvalteren,
)
from trygg.cases.overview import statsforvalteren_date
from trygg.documents.vocabulary import format_date
from trygg.models import Case

COVER_TITLE = "Til eleven og foresatte"
# Where to find the office when the municipality has not said which it is.
STATSFORVALTEREN_FALLBACK = (
    "Statsforvalteren i fylket deres: se statsforvalteren.no for adresse og telefon."
)


@dataclass(frozen=True)
class CoverFacts:
    """What the cover says, read from the case and the settings."""

    document_title: str
    reference: str
    school: str
    # "Kontaktperson ved skolen" or "Kontakt hos skoleeier", and its lines.
    contact_heading: str
    contact_lines: tuple[str, ...]
    # Hidden from the school's leadership (§ 12-5): taken up with the school owner.
    about_leadership: bool
    statsforvalteren: Statsforvalteren | None
    from_date: str | None  # the first day the case can go to Statsforvalteren


def _contact_lines(contact: CaseContact) -> tuple[str, ...]:
    lines = [f"{contact.name} ({contact.role})" if contact.role else contact.name]
    if contact.phone:
        lines.append(f"Telefon: {contact.phone}")
    if contact.email:
        lines.append(f"E-post: {contact.email}")
    return tuple(lines)


def cover_facts(session: Session, case: Case, document_title: str) -> CoverFacts:
    """The school's contact person; in a case the school owner received (§ 12-5), or when
    the contact person is suspected in this case, the school owner's contact instead: the
    home must not be sent to the person the case is about."""
    municipality = case.school.municipality
    contact = case_contact(session, case.school)
    suspected = {actor.name.casefold() for actor in case.actors if actor.suspected}
    lines: tuple[str, ...]
    if case.routed_to_owner or (contact is not None and contact.name.casefold() in suspected):
        heading, lines = "Kontakt hos skoleeier", (municipality.owner_contact or municipality.name,)
    elif contact is None:
        heading, lines = "Kontakt ved skolen", (case.school.name,)
    else:
        heading, lines = "Kontaktperson ved skolen", _contact_lines(contact)
    from_day = statsforvalteren_date(session, case)
    return CoverFacts(
        document_title=document_title,
        reference=case.reference,
        school=case.school.name,
        contact_heading=heading,
        contact_lines=lines,
        about_leadership=case.leadership_suspected,
        statsforvalteren=statsforvalteren(municipality),
        from_date=format_date(from_day) if from_day else None,
    )


def cover_text(facts: CoverFacts) -> list[tuple[str, str]]:
    """The cover's paragraphs in order, each with its style ("title", "heading", "text")."""
    parts = [
        ("title", COVER_TITLE),
        (
            "text",
            f"Vedlagt er «{facts.document_title}» i sak {facts.reference} ved "
            f"{facts.school}. Dokumentet er taushetsbelagt og er bare for eleven og "
            "foresatte.",
        ),
        ("heading", facts.contact_heading),
        *(("text", line) for line in facts.contact_lines),
        ("heading", "Rett til å melde saken til Statsforvalteren"),
    ]
    raised_with = "rektor – i denne saken med skoleeier –" if facts.about_leadership else "rektor"
    right = (
        "Hvis eleven ikke opplever at skolemiljøet er trygt og godt, kan eleven eller "
        f"foresatte melde saken til Statsforvalteren når saken er tatt opp med {raised_with} "
        "og det har gått minst én uke (opplæringslova § 12-6). Statsforvalteren kan da "
        "vedta hva skolen skal gjøre."
    )
    if facts.from_date:
        right += f" Denne saken kan meldes fra og med {facts.from_date}."
    parts.append(("text", right))
    office = facts.statsforvalteren
    if office is None:
        parts.append(("text", STATSFORVALTEREN_FALLBACK))
        return parts
    parts.append(("text", office.name))
    for label, value in (
        ("Adresse", office.address),
        ("Telefon", office.phone),
        ("E-post", office.email),
        ("Nettside", office.web),
    ):
        if value:
            parts.append(("text", f"{label}: {value}"))
    return parts


SIZES = {"title": 18, "heading": 13, "text": 11}


def cover_docx(facts: CoverFacts) -> bytes:
    """The cover as a Word file, converted to PDF like every other document."""
    document = Document()
    document.core_properties.title = COVER_TITLE
    for style, line in cover_text(facts):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.font.size = Pt(SIZES[style])
        run.font.bold = style != "text"
        if style != "text":
            paragraph.paragraph_format.space_before = Pt(12)
            paragraph.paragraph_format.keep_with_next = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
