"""Text typed into a form when the session ran out is kept, and given back after login.

A teacher who spends 40 minutes on an investigation must not lose it to the idle
timeout. The draft is tied to the user of the expired login (found from the cookie's
token), so nobody else logging in on the same browser gets it, and it lives one day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trygg.accounts.authentication import token_hash
from trygg.models import FormDraft, LoginSession

KEEP_FOR = timedelta(days=1)
# Never stored: the stale CSRF token and the buttons that would act on resubmission.
SKIPPED_FIELDS = frozenset({"csrf_token", "ferdigstill", "confirm"})


def keep(
    session: Session, token: str, path: str, fields: dict[str, list[str]], now: datetime
) -> bool:
    """Store the posted fields for the user behind `token`; False if there is none."""
    login = session.get(LoginSession, token_hash(token))
    if login is None:
        return False
    kept = {
        k: v
        for k, v in fields.items()
        # Passwords are never written to the database in clear text, not even here.
        if k not in SKIPPED_FIELDS and "password" not in k.lower() and "passord" not in k.lower()
    }
    # Expired drafts are removed here, where a write happens anyway, not on every page view:
    # a DELETE on each GET would hold SQLite's write lock for the whole request.
    session.execute(delete(FormDraft).where(FormDraft.saved_at < now - KEEP_FOR))
    session.add(FormDraft(user_id=login.user_id, path=path[:500], fields=kept, saved_at=now))
    return True


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
