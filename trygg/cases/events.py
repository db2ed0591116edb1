"""The chronology of a case and the in-app alerts, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.accounts.roles import LEDELSE, SKOLEEIER
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
