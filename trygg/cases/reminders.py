"""What is due today, as alerts in the app and by e-mail (`flask send-reminders`, for cron).

Alerts are deduplicated per deadline and state, so running the command every hour sends
each reminder once. Recipients follow the case's visibility: a case hidden from the
leadership (§ 12-5) alerts the school owner instead, and a suspected person never.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trygg.acknowledgements import reminders as plan_reminders
from trygg.calendar.deadlines import FOLLOW_UP, REPORT_TO_OWNER, reminders_due
from trygg.cases import measures
from trygg.cases.events import leaders_to_alert, notify, suspected_user_ids
from trygg.cases.overview import calendar_for, case_facts
from trygg.config import Settings
from trygg.mail import Mailer, MailError, Notice, notice
from trygg.models import Case, Notification, User
from trygg.models.cases import OPEN

log = logging.getLogger("trygg.reminders")


@dataclass(frozen=True)
class ReminderRun:
    alerts: int
    emailed: int
    failed: int


def mailer_for(settings: Settings) -> Mailer:
    # Without SMTP the messages land as .eml files in output/outbox/ for the operator.
    return Mailer(settings.smtp, settings.output_dir / "outbox")


def collect(session: Session, today: dt.date, now: dt.datetime) -> list[Notification]:
    """Create the in-app alerts for every deadline due soon, today or overdue."""
    created: list[Notification] = []
    # A closed case with a follow-up still to answer has its follow-up deadline.
    cases = session.execute(
        select(Case).where(or_(Case.status == OPEN, Case.follow_up_on.is_not(None)))
    ).scalars()
    for case in cases:
        facts = case_facts(session, case)
        for deadline in reminders_due(facts, calendar_for(session, case.school_id), today):
            recipients = set(leaders_to_alert(session, case))
            # The leadership alone reports to the owner and answers at the follow-up.
            leadership_only = deadline.code in (REPORT_TO_OWNER, FOLLOW_UP)
            if not leadership_only and case.handler_id is not None:
                recipients.add(case.handler_id)
            recipients -= suspected_user_ids(case)
            key = f"deadline:{case.id}:{deadline.code}:{deadline.due}:{deadline.state}"
            created += notify(session, recipients, case, "deadline", key, now)
    return created


def pending(session: Session) -> list[tuple[Notification, User]]:
    rows = session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.active.is_(True))
        .order_by(Notification.id)
    ).all()
    return [(n, u) for n, u in rows]


def link_for(base_url: str, note: Notification) -> str:
    # Only a link: the case id says nothing about the case, and the page checks access.
    if note.code == plan_reminders.NOTICE_CODE:
        path = plan_reminders.NOTICE_PATH
    elif note.code == measures.NOTICE_CODE:
        # A measure's owner may not open the case; "Mine tiltak" shows their measures.
        path = measures.NOTICE_PATH
    elif note.case_id is not None:
        path = f"/saker/{note.case_id}"
    else:
        path = "/varsler"
    return f"{base_url.rstrip('/')}{path}"


def deliver(session: Session, mailer: Mailer, base_url: str, now: dt.datetime) -> tuple[int, int]:
    """E-mail every alert not yet e-mailed; returns (sent, failed). Failures stay pending
    and are retried by the next run."""
    batch = pending(session)
    if not batch:
        return 0, 0
    notices: list[Notice] = [notice(u.email, n.code, link_for(base_url, n)) for n, u in batch]
    try:
        mailer.send(notices)
    except MailError as error:
        sent = error.delivered
        log.warning("e-post feilet etter %d av %d varsler", sent, len(batch))
    else:
        sent = len(batch)
    for note, _ in batch[:sent]:
        note.emailed_at = now
    session.flush()
    return sent, len(batch) - sent


def run(
    session: Session, mailer: Mailer, base_url: str, today: dt.date, now: dt.datetime
) -> ReminderRun:
    # Cases first, then the owners of measures due for evaluation; then employees who
    # have not acknowledged their school's plan.
    alerts = (
        collect(session, today, now)
        + measures.collect_reminders(session, today, now)
        + plan_reminders.collect(session, now)
    )
    session.flush()
    sent, failed = deliver(session, mailer, base_url, now)
    return ReminderRun(alerts=len(alerts), emailed=sent, failed=failed)
