"""What every case page needs: the case (and its documents) loaded with the access check,
the acting user, the archive, and the clock. A case the user may not see is a 404, never a 403, so the
existence of a § 12-5 case cannot be probed."""

from __future__ import annotations

import datetime as dt

from flask import abort, request

from database import db
from trygg.archive import Archive, open_archive
from trygg.calendar.clock import oslo_now
from trygg.cases.access import load_case, load_document, load_own_report
from trygg.errors import NotFound, Refused
from trygg.models import Case, CaseDocument, User, utcnow
from trygg.models.cases import MERGED
from web.gate import current_user, settings

MERGED_CASE = "Saken er slått sammen med en annen sak. Arbeid videre i den."


def case_or_404(case_id: int, *, edit: bool = False) -> Case:
    try:
        case = load_case(db.session, current_user(), case_id, edit=edit)
    except NotFound:
        abort(404)
    if case.status == MERGED and request.method not in ("GET", "HEAD"):
        # Every case page loads its case here: one check closes every action address of a
        # merged case. Its documents stay readable; work goes on in the surviving case.
        raise Refused(MERGED_CASE)
    return case


def document_or_404(
    case: Case, document_id: int, *, kind: str | None = None, final: bool = False
) -> CaseDocument:
    """A document of the case, loaded once the case's own access check has passed."""
    try:
        return load_document(db.session, case, document_id, kind=kind, final=final)
    except NotFound:
        abort(404)


def own_report_or_404(document_id: int) -> CaseDocument:
    try:
        return load_own_report(db.session, current_user(), document_id)
    except NotFound:
        abort(404)


def acting_user() -> User:
    user = db.session.get(User, current_user().id)
    assert user is not None  # the gate loaded this user for this request
    return user


def archive() -> Archive:
    return open_archive(settings())


def now() -> dt.datetime:
    return utcnow()


def today() -> dt.date:
    # Deadlines are school dates in Norway, not UTC dates.
    return oslo_now().date()
