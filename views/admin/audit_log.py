"""The audit trail as the admin reads it: plain rows, newest first, in pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.models import AuditEvent

PAGE_SIZE = 50

ACTION_NAMES = {
    "login.succeeded": _l("Innlogging"),
    "login.failed": _l("Mislykket innlogging"),
    "login.refused_locked": _l("Innlogging avvist (sperret)"),
    "login.refused_throttled": _l("Innlogging avvist (for raskt)"),
    "logout": _l("Utlogging"),
    "session.expired": _l("Utlogget etter inaktivitet"),
    "user.created": _l("Bruker opprettet"),
    "user.changed": _l("Bruker endret"),
    "user.deactivated": _l("Bruker deaktivert"),
    "user.reactivated": _l("Bruker aktivert"),
    "user.password_set": _l("Passord satt"),
    "staff.imported": _l("Ansatte importert"),
}


def page_of_events(session: Session, page: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AuditEvent)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).scalars()
    return [
        {
            "id": event.id,
            "occurred_at": event.occurred_at,
            "actor": event.actor_email or "–",
            "action": ACTION_NAMES.get(event.action, event.action),
            "object": f"{event.object_type} {event.object_id}".strip(),
            "ip": event.ip,
        }
        for event in rows
    ]
