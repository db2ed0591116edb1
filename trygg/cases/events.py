"""The chronology of a case and the in-app alerts, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.actors import display_name
from trygg.models import Case, CaseEvent, Notification, User

# What the chronology says for each code; Norwegian msgids the UI translates.
EVENT_TEXTS = {
    "report_filed": "Melding til rektor registrert",
    "received": "Rektor har mottatt saken",
    "handler_assigned": "Saksbehandler satt",
    "owner_reported": "Saken er meldt til skoleeier",
    "person_added": "Person lagt til i saken",
    "document_saved": "Utkast lagret",
    "document_finalised": "Dokument ferdigstilt og arkivert",
    "plan_version_started": "Ny versjon av aktivitetsplanen påbegynt",
    "case_closed": "Saken er avsluttet",
    "case_reopened": "Saken er åpnet igjen",
}

# In-app alerts. Never case content: only that something needs the user's attention.
NOTICE_TEXTS = {
    "new_report": "Ny melding om skolemiljø",
    "section_12_5": "Melding etter § 12-5 – haster",
    "assigned": "Du er satt som saksbehandler",
    "deadline": "En frist nærmer seg eller er passert",
    "owner_report": "Sak meldt til skoleeier",
    "school_plan": "Du har ikke kvittert for skolens plan ennå (se «Skolens plan»)",
}


def record_event(
    session: Session,
    case: Case,
    code: str,
    user_id: int | None,
    now: datetime,
    **details: Any,
) -> CaseEvent:
    event = CaseEvent(case_id=case.id, code=code, user_id=user_id, at=now, details=details)
    session.add(event)
    return event


def notify(
    session: Session,
    user_ids: Iterable[int],
    case: Case,
    code: str,
    dedupe_key: str,
    now: datetime,
) -> list[Notification]:
    """One alert per user and event; repeating a run adds nothing."""
    created = []
    for user_id in sorted(set(user_ids)):
        exists = session.execute(
            select(Notification.id).where(
                Notification.user_id == user_id, Notification.dedupe_key == dedupe_key
            )
        ).first()
        if exists:
            continue
        note = Notification(
            user_id=user_id, case_id=case.id, code=code, dedupe_key=dedupe_key, created_at=now
        )
        session.add(note)
        created.append(note)
    session.flush()
    return created


def suspected_user_ids(case: Case) -> set[int]:
    return {a.user_id for a in case.actors if a.suspected and a.user_id is not None}


def leaders_to_alert(session: Session, case: Case) -> list[int]:
    """Who receives a new report: the school's leadership, or, when a leader is suspected,
    the school owner's users (§ 12-5). A suspected person is never alerted."""
    if case.leadership_suspected:
        query = select(User.id).where(
            User.role_code == SKOLEEIER,
            User.municipality_id == case.school.municipality_id,
            User.active.is_(True),
        )
    else:
        query = select(User.id).where(
            User.role_code == LEDELSE, User.school_id == case.school_id, User.active.is_(True)
        )
    suspects = suspected_user_ids(case)
    return [uid for uid in session.execute(query).scalars() if uid not in suspects]


def owner_users(session: Session, case: Case) -> list[int]:
    suspects = suspected_user_ids(case)
    query = select(User.id).where(
        User.role_code == SKOLEEIER,
        User.municipality_id == case.school.municipality_id,
        User.active.is_(True),
    )
    return [uid for uid in session.execute(query).scalars() if uid not in suspects]


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """The names of these users, by id (who finalised a document, who was made handler)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows}


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime  # UTC
    who: str  # "" when the system did it
    code: str  # a key of EVENT_TEXTS
    document_kind: str = ""
    document_number: int | None = None
    # Whom the event is about: the new handler's name, or the added person as the case
    # page names them.
    about: str = ""


def chronology(session: Session, case: Case) -> list[ChronologyEntry]:
    """The case's events, oldest first."""
    events = list(
        session.execute(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.at, CaseEvent.id)
        ).scalars()
    )
    handlers = user_names(session, ((e.details or {}).get("handler") for e in events))
    entries = []
    for event in events:
        details = event.details or {}
        about = ""
        if event.code == "handler_assigned" and details.get("handler"):
            about = handlers.get(details["handler"], "")
        elif event.code == "person_added" and details.get("actor"):
            about = display_name(case, details["actor"])
        entries.append(
            ChronologyEntry(
                at=event.at,
                who=event.user.name if event.user else "",
                code=event.code,
                document_kind=str(details.get("kind") or ""),
                document_number=details.get("number") or None,
                about=about,
            )
        )
    return entries
