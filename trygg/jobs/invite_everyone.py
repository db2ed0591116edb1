""" "Send invitasjon til alle uten passord": one batch (trygg.jobs.invitations) of everyone
in the admin's reach without a password, sent by a job, never two at once.

A second click (a double click, another tab, a colleague) while an invitations job of the
same reach is queued or running starts nothing: it is given that job instead, which its
owner then watches. Two batches over the same people would race each other for every
person, and a job that has not yet run will pick up anyone added meanwhile anyway
(`invitations._members`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.password_links import users_without_password
from trygg.accounts.permissions import can_manage_user
from trygg.accounts.principal import Principal
from trygg.errors import NotFound, Refused
from trygg.jobs.context import NOT_FOUND
from trygg.jobs.invitations import INVITATIONS, batch_of, queue_invitations
from trygg.models import Job, Municipality, User
from trygg.models.jobs import QUEUED, RUNNING

ALL_HAVE_LOGINS = "Alle aktive brukere har allerede passord, så ingen trenger invitasjon."
OTHERS_RUNNING = (
    "En annen administrator sender allerede invitasjoner til de samme brukerne. Vent til den "
    "sendingen er ferdig, og send deretter til dem som fortsatt mangler passord."
)


@dataclass(frozen=True)
class Queued:
    """A new batch: the caller starts its job."""

    batch_id: int


@dataclass(frozen=True)
class AlreadyRunning:
    """The admin's own invitations job, already under way: the caller shows it."""

    job_id: int


def _overlaps(admin: Principal, school_id: int | None) -> bool:
    # A municipality-wide batch (school None) or admin reaches every school.
    return school_id is None or admin.school_id is None or school_id == admin.school_id


def running_job(session: Session, admin: Principal) -> Job | None:
    """An invitations job queued or running in the municipality whose people overlap the
    admin's reach (the staff import's, a resend, an earlier click)."""
    candidates = session.scalars(
        select(Job)
        .join(User, User.id == Job.owner_id)
        .where(
            Job.kind == INVITATIONS,
            Job.status.in_((QUEUED, RUNNING)),
            User.municipality_id == admin.municipality_id,
        )
        .order_by(Job.id)
    )
    for job in candidates:
        if _overlaps(admin, batch_of(session, job.subject_id).school_id):
            return job
    return None


def queue_everyone(
    session: Session, admin: Principal, by: audit.Initiator, now: dt.datetime
) -> Queued | AlreadyRunning:
    if not can_manage_user(admin, admin.school_id, admin.municipality_id):
        raise NotFound(NOT_FOUND)
    # A write on the municipality's row first: it holds the row (PostgreSQL) or the
    # database (SQLite) until commit, so of two clicks at once the second waits here and
    # then sees the first one's job.
    session.execute(
        update(Municipality)
        .where(Municipality.id == admin.municipality_id)
        .values(name=Municipality.name)
        .execution_options(synchronize_session=False)
    )
    running = running_job(session, admin)
    if running is not None:
        if running.owner_id != admin.id:
            raise Refused(OTHERS_RUNNING)
        return AlreadyRunning(running.id)
    waiting = users_without_password(session, admin.municipality_id, admin.school_id)
    if not waiting:
        raise Refused(ALL_HAVE_LOGINS)
    ids = [user.id for user in waiting]
    return Queued(queue_invitations(session, admin, admin.school_id, ids, by, now, everyone=True))
