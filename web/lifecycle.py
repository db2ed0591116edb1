"""One request, one transaction: the request commits once, at its end, when it succeeded,
and rolls back otherwise. Views never call commit() or rollback() themselves.

"Succeeded" means a response below 400. A view that puts a refusal on its form
(web.form_errors.show_error) undoes the request's changes at that moment, so a refused
step never leaves half its rows behind, while the audit event for showing the page again
is kept. Error pages (4xx, 5xx, from the central mapping in web.errors or from an
exception) roll back.

The few commits that must happen before the end of the request are named in
EarlyCommit, with the reason each exists; commit_now() takes one of them and nothing else,
so a new one is a visible decision, not a stray line in a view.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable

from flask import Flask, g
from werkzeug.wrappers import Response

from database import db

log = logging.getLogger("trygg.lifecycle")


class EarlyCommit(enum.Enum):
    # The login gate resumes the session (last seen, or the end of an expired one) before
    # the page runs: a page that then fails must not undo the logout of an expired session.
    SESSION_RESUMED = "session_resumed"
    # A form posted after the session ran out is kept for the same user before the
    # redirect to the login page, and handed back once (form_drafts): never lost.
    FORM_KEPT = "form_kept"
    FORM_RESTORED = "form_restored"
    # Finalising a document first saves the draft as typed: when finalising is then
    # refused (problems, a name leak), what the handler wrote is still saved.
    DRAFT_BEFORE_FINALISE = "draft_before_finalise"
    # A failed login counts towards the lock although the page answers with an error.
    LOGIN_ATTEMPT = "login_attempt"


def commit_now(reason: EarlyCommit) -> None:
    """Commit what the request has done so far, for one of the named reasons."""
    if not isinstance(reason, EarlyCommit):
        raise TypeError("commit_now takes an EarlyCommit")
    db.session.commit()


def discard_changes() -> None:
    """Undo what the request has changed so far, at once. What the page does after this
    (the audit event for showing case data again beside the refusal) is committed as
    usual, so a read of case data is never left unaudited."""
    db.session.rollback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the request's transaction is committed (e-mail for new alerts).

    A failing callback is logged and never fails the request: its work is committed."""
    g.setdefault("trygg_after_commit", []).append(callback)


def _finish(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    db.session.commit()
    # Each callback's own changes (an alert marked as e-mailed) are a transaction of
    # their own, after the request's.
    for callback in g.pop("trygg_after_commit", []):
        try:
            callback()
            db.session.commit()
        except Exception:  # the request's own work is committed; see after_commit
            db.session.rollback()
            log.exception("etterarbeid etter lagring feilet")
    return response


def install(app: Flask) -> None:
    app.after_request(_finish)
