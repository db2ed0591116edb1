"""E-mail for new in-app alerts, sent right after the request that created them commits
(web.lifecycle.after_commit).

A failed e-mail never fails the request: the alert is already in the app, and
`send-reminders` retries what was not e-mailed.
"""

from __future__ import annotations

from database import db
from trygg.cases import reminders
from trygg.models import utcnow
from web.gate import settings
from web.lifecycle import after_commit


def deliver_new_notifications() -> None:
    """Queue the e-mail for after the request's commit; the lifecycle commits what the
    delivery marks, and a failure is logged there (the alert is in the app already)."""
    after_commit(_deliver)


def _deliver() -> None:
    config = settings()
    reminders.deliver(db.session, reminders.mailer_for(config), config.base_url, utcnow())
