"""Text typed into a form when the session ran out is kept, and given back after login.

A teacher who spends 40 minutes on an investigation must not lose it to the idle
timeout. The draft is tied to the user of the expired login (found from the cookie's
token), so nobody else logging in on the same browser gets it, and it lives one day.

Only the idle timeout is a reason to keep anything. A session that was ended on purpose
(logout, a deactivated account) or that outlived its absolute lifetime writes nothing: a
copied cookie must not be a way to store data after its login is over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trygg.accounts.authentication import token_hash
from trygg.models import FormDraft, LoginSession

KEEP_FOR = timedelta(days=1)
# Never stored: the stale CSRF token and the buttons that would act on resubmission.
SKIPPED_FIELDS = frozenset({"csrf_token", "ferdigstill", "confirm"})
# Characters of field names and values in one kept form. Above what any valid form can
# hold, so a real user's text is never refused: the largest, the evaluation, allows about
# 760,000 characters (60 measures of four texts of up to 3,000); tested against the forms.
# Anything larger is no one's work, and is not stored.
KEEP_AT_MOST = 800_000
# Drafts kept per user at a time: one per timed-out login is the real case, a few more
# allow for several browsers; older ones go first.
DRAFTS_PER_USER = 5


class Kept(Enum):
    KEPT = "kept"
    NOTHING = "nothing"  # no session that the idle timeout ended
    TOO_LARGE = "too_large"


def _ended_by_idle_timeout(
    login: LoginSession, idle_timeout: timedelta, absolute_lifetime: timedelta
) -> bool:
    """Whether the stored login was ended because it was idle, and for no other reason.

    A logout or a deactivation ends a login that was in use (seen within the idle
    timeout); the gate ends an idle one when the next request comes. A login past its
    absolute lifetime counts as ended by that lifetime, idle or not."""
    if login.ended_at is None or not login.user.active:
        return False
    idle = login.ended_at - login.last_seen_at > idle_timeout
    return idle and login.ended_at - login.created_at <= absolute_lifetime


def _size(fields: dict[str, list[str]]) -> int:
    return sum(len(key) + sum(len(value) for value in values) for key, values in fields.items())


def keep(
    session: Session,
    token: str,
    path: str,
    fields: dict[str, list[str]],
    now: datetime,
    idle_timeout: timedelta,
    absolute_lifetime: timedelta,
) -> Kept:
    """Store the posted fields for the user behind `token`, if the idle timeout ended
    that login. The caller checks that this request is the one that found it idle (the
    session was resumed as expired) and that the form carried the session's CSRF token."""
    login = session.get(LoginSession, token_hash(token))
    if login is None or not _ended_by_idle_timeout(login, idle_timeout, absolute_lifetime):
        return Kept.NOTHING
    kept = {
        k: v
        for k, v in fields.items()
        # Passwords are never written to the database in clear text, not even here.
        if k not in SKIPPED_FIELDS and "password" not in k.lower() and "passord" not in k.lower()
    }
    if _size(kept) > KEEP_AT_MOST:
        return Kept.TOO_LARGE
    # Expired drafts are removed here, where a write happens anyway, not on every page view:
    # a DELETE on each GET would hold SQLite's write lock for the whole request.
    session.execute(delete(FormDraft).where(FormDraft.saved_at < now - KEEP_FOR))
    older = (
        select(FormDraft.id)
        .where(FormDraft.user_id == login.user_id)
        .order_by(FormDraft.id.desc())
        .offset(DRAFTS_PER_USER - 1)
    )
    stale = list(session.execute(older).scalars())
    if stale:
        session.execute(delete(FormDraft).where(FormDraft.id.in_(stale)))
    session.add(FormDraft(user_id=login.user_id, path=path[:500], fields=kept, saved_at=now))
    return Kept.KEPT


def take(session: Session, user_id: int, path: str, now: datetime) -> dict[str, list[str]] | None:
    """The newest kept draft of this user for this page, removed as it is handed back."""
    draft = session.execute(
        select(FormDraft)
        .where(
            FormDraft.user_id == user_id,
            FormDraft.path == path,
            FormDraft.saved_at >= now - KEEP_FOR,
        )
        .order_by(FormDraft.id.desc())
    ).scalar()
    if draft is None:
        return None
    fields = dict(draft.fields)
    session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.path == path))
    return fields
