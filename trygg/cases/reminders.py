"""What is due today, as alerts in the app and by e-mail (`flask send-reminders`, for cron).

Alerts are deduplicated per deadline and state, so running the command every hour sends
each reminder once. Recipients follow the case's visibility: a case hidden from the
leadership (§ 12-5) alerts the school owner instead, and a suspected person never.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Row, or_, select, update
from sqlalchemy.orm import Session

from trygg.acknowledgements import reminders as plan_reminders
from trygg.calendar.deadlines import FOLLOW_UP, REPORT_TO_OWNER, CaseFacts, reminders_due
from trygg.cases import measures
from trygg.cases.reminder_batch import (
    NO_DAYS_OFF,
    NewAlert,
    Recipients,
    calendars_after,
    chunked,
    create_alerts,
    deadline_facts,
    suspects_of,
)
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


def collect(session: Session, today: dt.date, now: dt.datetime) -> list[NewAlert]:
    """Create the in-app alerts for every deadline due soon, today or overdue.

    The cases, their documents, suspects, calendars and recipients are read for all
    cases at once (trygg.cases.reminder_batch): a handful of queries, not some per case."""
    # A closed case with a follow-up still to answer has its follow-up deadline.
    wanted_cases = or_(Case.status == OPEN, Case.follow_up_on.is_not(None))
    cases = session.execute(select(Case).where(wanted_cases).order_by(Case.id)).scalars().all()
    if not cases:
        return []
    ids = select(Case.id).where(wanted_cases)
    facts = deadline_facts(session, cases, ids)
    calendars = calendars_after(session, _earliest_start(facts.values(), today))
    suspects = suspects_of(session, ids)
    recipients = Recipients.load(session)
    wanted: list[NewAlert] = []
    for case in cases:
        calendar = calendars.get(case.school_id, NO_DAYS_OFF)
        suspected = suspects.get(case.id, set())
        for deadline in reminders_due(facts[case.id], calendar, today):
            chosen = set(recipients.for_case(case, suspected))
            # The leadership alone reports to the owner and answers at the follow-up.
            leadership_only = deadline.code in (REPORT_TO_OWNER, FOLLOW_UP)
            if not leadership_only and case.handler_id is not None:
                chosen.add(case.handler_id)
            chosen -= suspected
            key = f"deadline:{case.id}:{deadline.code}:{deadline.due}:{deadline.state}"
            wanted += [NewAlert(user_id, case.id, "deadline", key) for user_id in sorted(chosen)]
    return create_alerts(session, wanted, now)


def _earliest_start(facts: Iterable[CaseFacts], today: dt.date) -> dt.date:
    """The earliest day a deadline is counted from in school days (a closed case's
    follow-up counts calendar days): the calendars are read from there on."""
    starts = [today]
    for item in facts:
        if not item.closed:
            starts.append(item.reported_on)
            if item.unsafe_since is not None:
                starts.append(item.unsafe_since)
    return min(starts)


def pending(session: Session) -> list[Row[int, str, int | None, str]]:
    """The alerts not yet e-mailed to active users, oldest first: (id, code, case, address)."""
    rows = session.execute(
        select(Notification.id, Notification.code, Notification.case_id, User.email)
        .join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.active.is_(True))
        .order_by(Notification.id)
    )
    return list(rows)


def link_for(base_url: str, code: str, case_id: int | None) -> str:
    # Only a link: the case id says nothing about the case, and the page checks access.
    if code == plan_reminders.NOTICE_CODE:
        path = plan_reminders.NOTICE_PATH
    elif code == measures.NOTICE_CODE:
        # A measure's owner may not open the case; "Mine tiltak" shows their measures.
        path = measures.NOTICE_PATH
    elif case_id is not None:
        path = f"/saker/{case_id}"
    else:
        path = "/varsler"
    return f"{base_url.rstrip('/')}{path}"


def deliver(session: Session, mailer: Mailer, base_url: str, now: dt.datetime) -> tuple[int, int]:
    """E-mail every alert not yet e-mailed; returns (sent, failed). Failures stay pending
    and are retried by the next run."""
    batch = pending(session)
    if not batch:
        return 0, 0
    notices: list[Notice] = [
        notice(email, code, link_for(base_url, code, case_id)) for _, code, case_id, email in batch
    ]
    try:
        mailer.send(notices)
    except MailError as error:
        sent = error.delivered
        log.warning("e-post feilet etter %d av %d varsler", sent, len(batch))
    else:
        sent = len(batch)
    # Marked a chunk at a time: one UPDATE per alert took seconds for a day's thousands.
    for chunk in chunked([row.id for row in batch[:sent]]):
        session.execute(
            update(Notification).where(Notification.id.in_(chunk)).values(emailed_at=now)
        )
    return sent, len(batch) - sent


def run(
    session: Session, mailer: Mailer, base_url: str, today: dt.date, now: dt.datetime
) -> ReminderRun:
    # Cases first, then the owners of measures due for evaluation; then employees who
    # have not acknowledged their school's plan.
    alerts = (
        len(collect(session, today, now))
        + len(measures.collect_reminders(session, today, now))
        + len(plan_reminders.collect(session, now))
    )
    session.flush()
    sent, failed = deliver(session, mailer, base_url, now)
    return ReminderRun(alerts=alerts, emailed=sent, failed=failed)
