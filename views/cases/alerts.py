"""The in-app alerts (/varsler) and the unread count in the menu.

An alert never shows a case the user may not see now (trygg.cases.alerts).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from database import db
from forms.cases import ConfirmCaseForm
from trygg.accounts.permissions import any_user, can_see_cases
from trygg.accounts.principal import Principal
from trygg.calendar.formats import timestamp_text
from trygg.cases import alerts
from trygg.cases.events import NOTICE_TEXTS
from views.cases.loading import now
from views.cases.pages import list_title
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def case_navigation() -> dict[str, Any]:
    user: Principal | None = g.get("principal")
    if user is None:
        return {"nav_cases": "", "unread_notices": 0}
    try:
        unread = alerts.unread_count(db.session, user)
    except SQLAlchemyError:
        # An error page after a failed transaction must still render; the count can wait.
        unread = 0
    return {"nav_cases": list_title(user) if can_see_cases(user) else "", "unread_notices": unread}


def _row(alert: alerts.Alert) -> dict[str, Any]:
    return {
        "text": gettext(NOTICE_TEXTS.get(alert.code, alert.code)),
        "at": timestamp_text(alert.created_at),
        "unread": alert.unread,
        "reference": alert.case_reference,
        "url": url_for("cases.show", case_id=alert.case_id) if alert.case_id else "",
        "plan_url": url_for("acknowledgements.plan") if alert.school_plan else "",
        "measures_url": url_for("measures.mine") if alert.my_measures else "",
    }


@bp.route("/varsler")
@requires(any_user)
def notifications() -> str:
    rows = [_row(alert) for alert in alerts.alerts_for(db.session, current_user())]
    return render_template(
        "cases/notifications.html", notices=rows, form=ConfirmCaseForm(formdata=None)
    )


@bp.route("/varsler/lest", methods=["POST"])
@requires(any_user)
def mark_read() -> Response:
    form = ConfirmCaseForm()
    if form.validate_on_submit():
        alerts.mark_all_read(db.session, current_user(), audit_initiator(), now())
        flash(gettext("Alle varsler er merket som lest."), "success")
    return redirect(url_for("alerts.notifications"))
