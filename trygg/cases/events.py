"""The chronology of a case and the in-app alerts, written in the caller's transaction.

Who acts on a case for the school is decided in one place (`report_recipients`): the
leadership, or the school owner when the case is hidden from the leadership (§ 12-5) or
the school has no leader who can receive it. Alerts, reminders and receipts follow it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.actors import display_name
from trygg.cases.actors import suspected_user_ids as suspected_user_ids  # used by reminders
from trygg.models import Case, CaseEvent, Notification, User

# What the chronology says for each code; Norwegian msgids the UI translates.
EVENT_TEXTS = {
    "report_filed": "Melding til rektor registrert",
    "report_filed_owner": "Melding til skoleeier registrert",
    "received": "Rektor har mottatt saken",
    "received_owner": "Skoleeier har mottatt saken",
    "handler_assigned": "Saksbehandler satt",
    "handler_removed": "Saksbehandler fjernet: mistenkt etter § 12-5",
    "case_linked": "Elevens ordinære sak ved skolen er knyttet til denne saken",
    "pupil_linked": "Saken er knyttet til eleven i elevregisteret",
    "owner_reported": "Saken er meldt til skoleeier",
    "person_added": "Person lagt til i saken",
    "document_saved": "Utkast lagret",
    "document_finalised": "Dokument ferdigstilt og arkivert",
    "plan_version_started": "Ny versjon av aktivitetsplanen påbegynt",
    "closing_proposed": "Foreslått å avslutte saken",
    "closing_declined": "Forslaget om å avslutte saken er avslått",
    "case_closed": "Saken er avsluttet",
    "case_reopened": "Saken er åpnet igjen",
    "follow_up_confirmed": "Oppfølging etter avslutning: eleven har det fortsatt trygt og godt",
    "follow_up_reopened": "Oppfølging etter avslutning: saken er åpnet igjen med ny plan",
    # Issue 13 (trygg.cases.merging, guardians, send_home_mail); `about` in the details.
    "case_merged": "En sak opprettet ved en feil er slått sammen med denne saken",
    "case_merged_into": "Saken er slått sammen med en annen sak",
    "guardians_informed": "Foresatte er informert",
    "sent_to_guardians": "Dokument sendt til foresatte på e-post",
    "send_to_guardian_failed": "Dokumentet ble ikke sendt: e-postserveren tok ikke imot e-posten",
    "person_linked": "En annen elev i saken er knyttet til elevregisteret",
}

# In-app alerts. Never case content: only that something needs the user's attention.
NOTICE_TEXTS = {
    "new_report": "Ny melding om skolemiljø",
    "section_12_5": "Melding etter § 12-5 – haster",
    "assigned": "Du er satt som saksbehandler",
    "deadline": "En frist nærmer seg eller er passert",
    "owner_report": "Sak meldt til skoleeier",
    "school_plan": "Du har ikke kvittert for skolens plan ennå (se «Skolens plan»)",
    "measure_evaluation": "Et tiltak du har ansvar for, skal snart evalueres (se «Mine tiltak»)",
    "closing_proposed": "Forslag om å avslutte en sak venter på ledelsen",
    "closing_declined": "Forslaget om å avslutte saken er avslått",
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


def school_leaders(session: Session, case: Case) -> list[int]:
    """The school's active leaders, never a suspect."""
    suspects = suspected_user_ids(case)
    query = select(User.id).where(
        User.role_code == LEDELSE, User.school_id == case.school_id, User.active.is_(True)
    )
    return [uid for uid in session.execute(query).scalars() if uid not in suspects]


def owner_users(session: Session, case: Case) -> list[int]:
    """The school owner's active users in the case's municipality, never a suspect."""
    suspects = suspected_user_ids(case)
    query = select(User.id).where(
        User.role_code == SKOLEEIER,
        User.municipality_id == case.school.municipality_id,
        User.active.is_(True),
    )
    return [uid for uid in session.execute(query).scalars() if uid not in suspects]


def report_recipients(session: Session, case: Case) -> tuple[list[int], bool]:
    """Who receives a report on this case, and whether that is the school owner: the
    owner's users when the case is hidden from the leadership (§ 12-5), else the school's
    leadership, or the owner when no leader can receive it. A suspect never receives it."""
    if not case.leadership_suspected:
        leaders = school_leaders(session, case)
        if leaders:
            return leaders, False
    return owner_users(session, case), True


def leaders_to_alert(session: Session, case: Case) -> list[int]:
    """Who is alerted about the case for the school (new reports, deadlines)."""
    return report_recipients(session, case)[0]


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
        code = _worded(case, event)
        about = ""
        if event.code in ("handler_assigned", "handler_removed") and details.get("handler"):
            about = handlers.get(details["handler"], "")
        elif event.code in ("person_added", "person_linked") and details.get("actor"):
            about = display_name(case, details["actor"])
        elif isinstance(details.get("about"), str):
            about = details["about"]
        if isinstance(details.get("merged_from"), str):
            # Moved here by a merge (trygg.cases.merging): the case it was written in.
            about = f"{about} ({details['merged_from']})" if about else details["merged_from"]
        entries.append(
            ChronologyEntry(
                at=event.at,
                who=event.user.name if event.user else "",
                code=code,
                document_kind=str(details.get("kind") or ""),
                document_number=details.get("number") or None,
                about=about,
            )
        )
    return entries


def _worded(case: Case, event: CaseEvent) -> str:
    """The event's code, in the words of the route: a report that went to the school
    owner, and a receipt the owner recorded, never speak of the rektor."""
    details = event.details or {}
    if event.code == "report_filed":
        to_owner = (
            details.get("route") == "owner" if "route" in details else case.leadership_suspected
        )
        return "report_filed_owner" if to_owner else event.code
    if event.code == "received" and event.user is not None and event.user.role_code == SKOLEEIER:
        return "received_owner"
    return event.code
