"""Closing a case as a documented decision: a handler proposes, the leadership (or the
school owner in its cases) confirms or declines, or closes directly; at the follow-up
date the leadership records the answer (trygg.cases.closing).

Each view loads the case with its access check, checks the closing rule for this user
(trygg.accounts.permissions), validates its form and calls one domain function.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.closing import (
    CLOSE,
    CONFIRM,
    DECLINE,
    FOLLOW_UP,
    ClosingForm,
    ConfirmClosingForm,
    DeclineClosingForm,
    FollowUpForm,
)
from trygg.accounts.permissions import (
    CaseAccess,
    can_decide_closing,
    can_follow_up_closing,
    can_propose_closing,
    can_see_cases,
)
from trygg.accounts.principal import Principal
from trygg.cases import closing
from trygg.cases.access import case_access
from trygg.errors import Refused
from trygg.models import Case, ClosingDecision
from views.cases.loading import acting_user, archive, case_or_404, now
from views.cases.pages import _done, _refused
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("case_closing", __name__)


def _case(case_id: int, rule: Callable[[Principal, CaseAccess], bool]) -> Case:
    case = case_or_404(case_id, edit=True)
    if not rule(current_user(), case_access(case)):
        abort(403)
    return case


def _grounds(form: ClosingForm) -> closing.ClosingGrounds:
    return closing.ClosingGrounds(
        reason=form.reason.data or "",
        pupil_experience=form.pupil_experience.data or "",
        heard_how=form.heard_how.data or "",
        follow_up_on=form.follow_up_on.data,
        pupil_safe=bool(form.pupil_safe.data),
        no_investigation_reason=form.no_investigation_reason.data or "",
    )


def _proposal(case: Case, decision_id: int) -> ClosingDecision:
    decision = db.session.get(ClosingDecision, decision_id)
    if decision is None or decision.case_id != case.id:
        abort(404)
    return decision


@bp.route("/saker/<id:case_id>/avslutt", methods=["POST"])
@requires(can_see_cases)
def close(case_id: int) -> str | Response:
    """The leadership closes the case itself: its own proposal, confirmed at once."""
    case = _case(case_id, can_decide_closing)
    form = ClosingForm(prefix=CLOSE)
    if not form.validate_on_submit():
        return _refused(case, "close", form)
    try:
        closing.close_case(
            db.session, archive(), case, _grounds(form), acting_user(), audit_initiator(), now()
        )
    except Refused as error:
        return _refused(case, "close", form, error)
    return _done(case, gettext("Saken er avsluttet. «Avslutning av saken» er arkivert."))


@bp.route("/saker/<id:case_id>/avslutning/forslag", methods=["POST"])
@requires(can_see_cases)
def propose(case_id: int) -> str | Response:
    """A handler proposes closing; the leadership is alerted."""
    case = _case(case_id, can_propose_closing)
    form = ClosingForm(prefix=CLOSE)
    if not form.validate_on_submit():
        return _refused(case, "close", form)
    try:
        closing.propose_closing(
            db.session, case, _grounds(form), acting_user(), audit_initiator(), now()
        )
    except Refused as error:
        return _refused(case, "close", form, error)
    return _done(
        case,
        gettext("Forslaget om å avslutte saken er sendt til ledelsen."),
        anchor="avslutning",
        alerts=True,
    )


@bp.route("/saker/<id:case_id>/avslutning/<id:decision_id>/bekreft", methods=["POST"])
@requires(can_see_cases)
def confirm(case_id: int, decision_id: int) -> str | Response:
    case = _case(case_id, can_decide_closing)
    decision = _proposal(case, decision_id)
    form = ConfirmClosingForm(prefix=CONFIRM)
    if not form.validate_on_submit():
        return _refused(case, "confirm", form)
    try:
        closing.confirm_closing(
            db.session, archive(), case, decision, acting_user(), audit_initiator(), now()
        )
    except Refused as error:
        return _refused(case, "confirm", form, error)
    return _done(case, gettext("Saken er avsluttet. «Avslutning av saken» er arkivert."))


@bp.route("/saker/<id:case_id>/avslutning/<id:decision_id>/avsla", methods=["POST"])
@requires(can_see_cases)
def decline(case_id: int, decision_id: int) -> str | Response:
    case = _case(case_id, can_decide_closing)
    decision = _proposal(case, decision_id)
    form = DeclineClosingForm(prefix=DECLINE)
    if not form.validate_on_submit():
        return _refused(case, "decline", form)
    try:
        closing.decline_closing(
            db.session,
            case,
            decision,
            form.decline_reason.data or "",
            acting_user(),
            audit_initiator(),
            now(),
        )
    except Refused as error:
        return _refused(case, "decline", form, error)
    return _done(
        case,
        gettext("Forslaget er avslått. Saken er fortsatt åpen."),
        anchor="avslutning",
        alerts=True,
    )


@bp.route("/saker/<id:case_id>/oppfolging", methods=["POST"])
@requires(can_see_cases)
def follow_up(case_id: int) -> str | Response:
    case = _case(case_id, can_follow_up_closing)
    form = FollowUpForm(prefix=FOLLOW_UP)
    if not form.validate_on_submit():
        return _refused(case, "follow_up", form)
    answer = closing.FollowUpAnswer(
        still_safe=form.result.data == "still_safe",
        pupil_experience=form.pupil_experience.data or "",
        heard_how=form.heard_how.data or "",
    )
    try:
        closing.record_follow_up(db.session, case, answer, acting_user(), audit_initiator(), now())
    except Refused as error:
        return _refused(case, "follow_up", form, error)
    if answer.still_safe:
        return _done(case, gettext("Oppfølgingen er registrert: eleven har det fortsatt trygt."))
    # Opened again so that a new plan is made: straight to it.
    flash(gettext("Saken er åpnet igjen. Lag en ny versjon av aktivitetsplanen."), "success")
    return redirect(url_for("case_documents.edit", case_id=case.id, kind="aktivitetsplan"))
