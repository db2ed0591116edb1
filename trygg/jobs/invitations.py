"""Invitations to many accounts at once (after a staff import), sent by a background job
one person at a time. Every person's outcome is an audit event, so the job's page lists
who did not get one, the admin resends to those only, and a run after a crash sends to
nobody twice.

The batch is itself an audit event (BATCH: the school, the user ids, the batch it
retries) and the job's subject. Each person then gets events that name the batch:
ATTEMPTED, committed before the mail is handed to the server, then SENT when the server
took it or FAILED when it did not. A run (the first, huey's retry, `recover` after a dead
worker) skips everyone with an outcome, and never sends again to someone with an attempt
and no outcome: that mail may have left just before the crash, so the person is recorded
as failed (UNCERTAIN), and the admin's retry, which sends to the failed only, decides.
The audit trail is the whole record; the batch needs no table of its own.

"Send invitasjon til alle uten passord" queues a batch of everyone in the admin's reach
(one school, or the whole municipality) without a password (trygg.jobs.invite_everyone,
which also keeps a second click from starting another); see `_members` for who its run
invites.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.password_links import invitation_link, users_without_password
from trygg.accounts.permissions import can_manage_user
from trygg.accounts.principal import Principal
from trygg.cases.reminders import mailer_for
from trygg.errors import NotFound, Refused
from trygg.jobs.context import NOT_FOUND, ExportContext, ExportFile
from trygg.mail import MailError, notice
from trygg.models import AuditEvent, Job, School, User, utcnow
from trygg.models.jobs import DONE, EXPIRED, FAILED

INVITATIONS = "invitations"

BATCH = "staff.invitations_queued"
ATTEMPTED = "user.invitation_attempted"
SENT = "user.invitation_sent"
NOT_SENT = "user.invitation_failed"

# Why an invitation failed, as the audit trail records it (the page says it in words).
REFUSED = "refused"  # the mail server refused the message or did not answer
UNCERTAIN = "uncertain"  # a run stopped between handing the mail over and hearing back

# This many failures in a row is the server down, not one bad address: the job stops
# rather than wait out every remaining person's SMTP timeout.
STOP_AFTER_FAILURES = 5
# Users read per query (bound parameters stay well under every database's limit).
_CHUNK = 500

NOTHING_TO_SEND = "Alle i listen har fått invitasjonen, har valgt passord eller er deaktivert."
ALREADY_RETRIED = "Invitasjonene som ikke ble sendt, er allerede sendt på nytt."
STILL_RUNNING = "Vent til sendingen er ferdig før du sender på nytt."
SERVER_DOWN = (
    "E-postserveren tok ikke imot de {count} siste invitasjonene, så sendingen ble stoppet. "
    "Send på nytt til dem som ikke fikk invitasjon når e-posten virker igjen."
)


@dataclass(frozen=True)
class Batch:
    id: int
    # None: the whole municipality (a municipality admin's "alle uten passord").
    school_id: int | None
    municipality_id: int
    user_ids: tuple[int, ...]
    retry_of: int | None
    # "Alle uten passord": the run also invites whoever lacks a password by then (_members).
    everyone: bool = False

    def reaches(self, user: User) -> bool:
        if self.school_id is None:
            return user.municipality_id == self.municipality_id
        return user.school_id == self.school_id


@dataclass(frozen=True)
class Invitee:
    id: int
    name: str
    email: str
    # REFUSED or UNCERTAIN for a failed one; None for one never tried.
    reason: str | None


@dataclass(frozen=True)
class BatchReport:
    total: int
    sent: int
    failed: tuple[Invitee, ...]
    # Still waiting for their turn, or left when the job stopped.
    not_sent: tuple[Invitee, ...]
    # No invitation needed any more: a password chosen, the account deactivated or moved.
    skipped: int

    @property
    def to_retry(self) -> tuple[Invitee, ...]:
        return self.failed + self.not_sent


def queue_invitations(
    session: Session,
    admin: Principal,
    school_id: int | None,
    user_ids: Sequence[int],
    by: audit.Initiator,
    now: dt.datetime,
    retry_of: int | None = None,
    everyone: bool = False,
) -> int:
    """The batch of accounts a job is to invite, in this order; its id is the job's subject.
    A batch of no school (a municipality admin's) reaches the whole municipality."""
    if not can_manage_user(admin, school_id, admin.municipality_id):
        raise NotFound(NOT_FOUND)
    if not user_ids:
        raise Refused(NOTHING_TO_SEND)
    details: dict[str, object] = {"users": list(user_ids)}
    if retry_of is not None:
        details["retry_of"] = retry_of
    if everyone:
        details["everyone"] = True
    if school_id is None:
        subject: tuple[str, int] = ("municipality", admin.municipality_id)
    else:
        subject = ("school", school_id)
    return audit.record(session, by, BATCH, *subject, details, now=now).id


def batch_of(session: Session, batch_id: int) -> Batch:
    event = session.get(AuditEvent, batch_id)
    if event is None or event.action != BATCH:
        raise NotFound(NOT_FOUND)
    details = json.loads(event.details)
    school_id: int | None = None
    if event.object_type == "municipality":
        municipality_id = int(event.object_id)
    else:
        school = session.get(School, int(event.object_id))
        if school is None:
            raise NotFound(NOT_FOUND)
        school_id, municipality_id = school.id, school.municipality_id
    return Batch(
        event.id,
        school_id,
        municipality_id,
        tuple(int(user_id) for user_id in details["users"]),
        details.get("retry_of"),
        bool(details.get("everyone", False)),
    )


def _outcomes(session: Session, batch: Batch) -> dict[int, tuple[str, str | None]]:
    """Each person's latest event in the batch: (action, reason)."""
    rows = session.execute(
        select(AuditEvent.object_id, AuditEvent.action, AuditEvent.details)
        .where(AuditEvent.action.in_((ATTEMPTED, SENT, NOT_SENT)), AuditEvent.id > batch.id)
        .order_by(AuditEvent.id)
    )
    outcomes: dict[int, tuple[str, str | None]] = {}
    for object_id, action, details in rows:
        data = json.loads(details)
        if data.get("batch") == batch.id:
            outcomes[int(object_id)] = (action, data.get("reason"))
    return outcomes


def _mailed_elsewhere(session: Session, batch: Batch, user_id: int | None = None) -> set[int]:
    """Who another sending has mailed (or is mailing) since this batch was queued: another
    batch's job, or an admin's single invitation. Their fresh link makes this one's
    needless, and two sendings that overlap (the import's job beside "alle uten passord")
    must not both mail them."""
    query = select(AuditEvent.object_id, AuditEvent.action, AuditEvent.details).where(
        AuditEvent.action.in_((ATTEMPTED, SENT, NOT_SENT)), AuditEvent.id > batch.id
    )
    if user_id is not None:
        query = query.where(AuditEvent.object_id == str(user_id))
    latest: dict[int, str] = {}
    for object_id, action, details in session.execute(query.order_by(AuditEvent.id)):
        if json.loads(details).get("batch") != batch.id:
            latest[int(object_id)] = action
    # A refusal elsewhere left them without mail: this batch still owes them one.
    return {uid for uid, action in latest.items() if action != NOT_SENT}


def _listed(batch: Batch, outcomes: Collection[int]) -> list[int]:
    """The batch's list at the click, then those a run added and reached (they have
    records in the batch): whom its report counts."""
    listed = set(batch.user_ids)
    return [*batch.user_ids, *(user_id for user_id in outcomes if user_id not in listed)]


def _members(session: Session, batch: Batch, outcomes: Collection[int]) -> list[int]:
    """Who a run of the batch goes through, in order.

    For "alle uten passord" the set is decided when the job runs, on top of the list taken
    at the click (the audit event says what the admin asked for): someone created or
    imported between the click and the run, or during a crashed run before the next one,
    is not skipped. Deciding at run time never mails anyone twice: every run first reads
    the batch's own records (`outcomes`), and a person another sending has reached since
    the click is left out (`_mailed_elsewhere`, checked again under a lock just before
    each mail)."""
    members = _listed(batch, outcomes)
    if batch.everyone:
        listed = set(members)
        waiting = users_without_password(session, batch.municipality_id, batch.school_id)
        members += [user.id for user in waiting if user.id not in listed]
    return members


def _users(session: Session, ids: Sequence[int]) -> dict[int, User]:
    found: dict[int, User] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update((u.id, u) for u in session.scalars(select(User).where(User.id.in_(chunk))))
    return found


def _waits(user: User, batch: Batch) -> bool:
    """Still without a way to log in, and still within the batch's reach to invite."""
    return user.active and user.password_hash is None and batch.reaches(user)


def _record(
    session: Session, by: audit.Initiator, action: str, user_id: int, batch: Batch, **more: str
) -> None:
    audit.record(session, by, action, "user", user_id, {"batch": batch.id, **more}, now=utcnow())


def _claim(session: Session, by: audit.Initiator, batch: Batch, user_id: int) -> bool:
    """Whether this batch may mail the person now; if so, the attempt is recorded (the
    caller commits). The person's row is locked first: two jobs reaching one person at
    once (two workers) take turns here, and the second sees the first's attempt."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(email=User.email)
        .execution_options(synchronize_session=False)
    )
    if _mailed_elsewhere(session, batch, user_id):
        return False
    _record(session, by, ATTEMPTED, user_id, batch)
    return True


def send_batch(context: ExportContext, batch_id: int) -> ExportFile | None:
    """The job: an invitation to each person of the batch still without a password."""
    session, owner, settings = context.session, context.principal, context.settings
    batch = batch_of(session, batch_id)
    if settings is None or not can_manage_user(owner, batch.school_id, owner.municipality_id):
        raise NotFound(NOT_FOUND)
    by = context.initiator
    outcomes = _outcomes(session, batch)
    for user_id, (action, _reason) in outcomes.items():
        if action == ATTEMPTED:
            _record(session, by, NOT_SENT, user_id, batch, reason=UNCERTAIN)
    # Committed here and below, not with the job's end: each person's record must outlive
    # a crash of the run, or the next run could not tell who has had mail.
    session.commit()
    mailer = mailer_for(settings)
    members = _members(session, batch, outcomes)
    users = _users(session, members)
    total, done, failures_in_row = len(members), len(outcomes), 0
    for user_id in members:
        if user_id in outcomes:
            continue
        user = users.get(user_id)
        if user is None or not _waits(user, batch):
            done += 1
            continue
        message = notice(
            user.email, "invitation", invitation_link(settings.base_url, settings.secret_key, user)
        )
        if not _claim(session, by, batch, user.id):
            session.commit()
            done += 1
            continue
        session.commit()
        try:
            mailer.send([message])
        except MailError as error:
            # `delivered`: the server took the message and the failure came after it.
            failed = not error.delivered
        else:
            failed = False
        if failed:
            _record(session, by, NOT_SENT, user.id, batch, reason=REFUSED)
        else:
            _record(session, by, SENT, user.id, batch)
        failures_in_row = failures_in_row + 1 if failed else 0
        done += 1
        context.progress(done, total)  # commits the outcome with the job's heartbeat
        if failures_in_row >= STOP_AFTER_FAILURES:
            raise MailError(SERVER_DOWN.format(count=failures_in_row))
    return None


def batch_report(session: Session, batch: Batch) -> BatchReport:
    outcomes = _outcomes(session, batch)
    # Someone a run would have added but never reached is not in the report: the users
    # page still counts them, and the next click invites them.
    members = _listed(batch, outcomes)
    users = _users(session, members)
    elsewhere = _mailed_elsewhere(session, batch)
    sent = skipped = 0
    failed: list[Invitee] = []
    not_sent: list[Invitee] = []
    for user_id in members:
        action, reason = outcomes.get(user_id, ("", None))
        user = users.get(user_id)
        if action == SENT:
            sent += 1
        elif user is None or not _waits(user, batch) or (not action and user_id in elsewhere):
            skipped += 1
        elif action == NOT_SENT:
            failed.append(Invitee(user.id, user.name, user.email, reason))
        elif action == ATTEMPTED:
            # Only a run that stopped leaves this; the next run records it as UNCERTAIN.
            failed.append(Invitee(user.id, user.name, user.email, UNCERTAIN))
        else:
            not_sent.append(Invitee(user.id, user.name, user.email, None))
    return BatchReport(len(members), sent, tuple(failed), tuple(not_sent), skipped)


def retry_failed(
    session: Session, admin: Principal, job: Job, by: audit.Initiator, now: dt.datetime
) -> int:
    """A new batch of those in the job's batch who did not get their invitation; its id.

    Only once per batch, and only when its job has stopped: a second click on the button
    (another tab) or a retry beside a running job would send to someone twice."""
    if job.kind != INVITATIONS:
        raise NotFound(NOT_FOUND)
    # A write on the job's row first: it holds the row (PostgreSQL) or the database
    # (SQLite) until commit, so of two retries at once the second sees the first's batch.
    session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(updated_at=Job.updated_at)
        .execution_options(synchronize_session=False)
    )
    session.refresh(job)
    # EXPIRED: an old job the cleanup marked; it has no file, and its batch is all there.
    if job.status not in (DONE, FAILED, EXPIRED):
        raise Refused(STILL_RUNNING)
    batch = batch_of(session, job.subject_id)
    later = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == BATCH, AuditEvent.id > batch.id)
    ).scalars()
    if any(json.loads(details).get("retry_of") == batch.id for details in later):
        raise Refused(ALREADY_RETRIED)
    ids = [invitee.id for invitee in batch_report(session, batch).to_retry]
    return queue_invitations(session, admin, batch.school_id, ids, by, now, retry_of=batch.id)
