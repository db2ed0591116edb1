"""The reporter's receipt: their own meldeskjema, read back, and its Word file.

A reporter sees their report, never the case: the receipt lists only what this report
said (the pupils it named, not those of other reports on the same case), where it went
and exactly who received it, as decided when it was filed (trygg.cases.reports). The caller loads
the document with its owner check (trygg.cases.access.load_own_report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.roles import role_name
from trygg.archive import Archive
from trygg.cases.documents import archived_file
from trygg.errors import NotFound
from trygg.models import Case, CaseDocument, CaseEvent, User

NO_WORD_FILE = "Meldeskjemaet finnes ikke som Word-fil."


@dataclass(frozen=True)
class MentionedPupil:
    name: str
    role: str  # a key of trygg.cases.actors.PUPIL_ROLES, or ""
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Recipient:
    name: str
    title: str


@dataclass(frozen=True)
class ReportReceipt:
    document_id: int
    case_reference: str
    filed_at: dt.datetime  # UTC
    school: str
    municipality: str
    pupil_name: str
    pupil_class: str
    # The meldeskjema's section as filed (trygg.cases.reports._section).
    data: dict[str, Any]
    others: tuple[MentionedPupil, ...]
    # Where this report went ("leadership" or "owner"), and exactly who received it.
    route: str = "leadership"
    recipients: tuple[Recipient, ...] = ()
    # The reporter's answer about the suspect: "named", "ledelse", "vet_ikke" or "".
    suspect_answer: str = ""
    suspect_name: str = ""


@dataclass(frozen=True)
class ReceiptFile:
    content: bytes
    filename: str


def _case(session: Session, doc: CaseDocument) -> Case:
    case = session.get(Case, doc.case_id)
    assert case is not None  # a document always belongs to a case
    return case


def _filed_event(session: Session, case: Case, doc: CaseDocument) -> CaseEvent | None:
    """The report_filed event of this report: what it said and where it went."""
    events = session.execute(
        select(CaseEvent).where(
            CaseEvent.case_id == case.id,
            CaseEvent.code == "report_filed",
            CaseEvent.user_id == doc.created_by,
        )
    ).scalars()
    for event in events:
        if (event.details or {}).get("number") == doc.number:
            return event
    return None


def mentioned_pupils(session: Session, case: Case, doc: CaseDocument) -> list[MentionedPupil]:
    """The other pupils this report named, as the reporter typed them; none from other
    reports on the same case (the report_filed event keeps which)."""
    event = _filed_event(session, case, doc)
    keys: list[str] = list((event.details or {}).get("others") or []) if event else []
    by_key = {a.key: a for a in case.actors}
    return [
        MentionedPupil(
            name=by_key[key].name,
            role=by_key[key].role or "",
            aliases=tuple(by_key[key].aliases or ()),
        )
        for key in keys
        if key in by_key
    ]


def _recipients(session: Session, ids: list[int]) -> tuple[Recipient, ...]:
    if not ids:
        return ()
    users = session.execute(select(User).where(User.id.in_(ids)).order_by(User.name)).scalars()
    return tuple(Recipient(u.name, u.title or role_name(u.role_code)) for u in users)


def open_receipt(
    session: Session, doc: CaseDocument, by: audit.Initiator, now: dt.datetime
) -> ReportReceipt:
    """The receipt as its reporter reads it again; each reading is audited."""
    case = _case(session, doc)
    audit.record(session, by, "report.viewed", "case", str(case.id), {"document": doc.id}, now=now)
    event = _filed_event(session, case, doc)
    details: dict[str, Any] = dict(event.details or {}) if event is not None else {}
    data = dict(doc.data)
    # Reports filed before the route was kept: the leadership case went to the owner.
    legacy = "owner" if data.get("leadership_suspected") else "leadership"
    suspect = {a.key: a.name for a in case.actors}.get(details.get("suspect_actor") or "", "")
    return ReportReceipt(
        document_id=doc.id,
        case_reference=case.reference,
        filed_at=doc.created_at,
        school=case.school.name,
        municipality=case.school.municipality.name,
        pupil_name=case.pupil_name,
        pupil_class=case.pupil_class,
        data=data,
        others=tuple(mentioned_pupils(session, case, doc)),
        route=str(details.get("route") or legacy),
        recipients=_recipients(session, list(details.get("recipients") or [])),
        suspect_answer=str(details.get("suspect") or ""),
        suspect_name=suspect,
    )


def receipt_word(
    session: Session, archive: Archive, doc: CaseDocument, by: audit.Initiator, now: dt.datetime
) -> ReceiptFile:
    """The archived Word file of the report, audited as a download. ArchiveDamaged when
    the file is missing or altered in the archive."""
    stored = archived_file(session, doc, "docx")
    if stored is None:
        raise NotFound(NO_WORD_FILE)
    content = archive.get(stored.sha256, "docx")
    audit.record(
        session,
        by,
        "document.downloaded",
        "case",
        str(doc.case_id),
        {"document": doc.id, "format": "docx"},
        now=now,
    )
    return ReceiptFile(content=content, filename=stored.filename)
