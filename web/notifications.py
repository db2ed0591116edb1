"""E-mail for new in-app alerts, sent right after the request that created them commits.

A failed e-mail never fails the request: the alert is already in the app, and
`send-reminders` retries what was not e-mailed.
"""

from __future__ import annotations

import logging

from database import db
from trygg.cases import reminders
from trygg.models import utcnow
from web.gate import settings

log = logging.getLogger("trygg.notifications")


def deliver_new_notifications() -> None:
    config = settings()
    try:
        reminders.deliver(db.session, reminders.mailer_for(config), config.base_url, utcnow())
        db.session.commit()
    except Exception:  # the request's own work is committed; e-mail is retried later
        db.session.rollback()
        log.exception("kunne ikke sende e-post for nye varsler")
