"""The in-app alerts (/varsler) and the unread count in the menu.

An alert never shows a case the user may not see now: the list is filtered with the same
SQL rule as the case lists, and each link is checked again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from database import db
from forms.cases import ConfirmCaseForm
from trygg.accounts.permissions import any_user, can_see_cases, can_view_case
from trygg.accounts.principal import Principal
from trygg.acknowledgements.signing import NOTICE_CODE as PLAN_NOTICE
from trygg.cases.access import case_access, visible_to
from trygg.cases.events import NOTICE_TEXTS
from trygg.models import Case, Notification
from views.cases.loading import now
from views.cases.page_content import time_text
from views.cases.pages import list_title
from web.gate import current_user, requires

bp = Blueprint("alerts", __name__)


@bp.app_context_processor
def case_navigation() -> dict[str, Any]:
    user: Principal | None = g.get("principal")
    if user is None:
        return {"nav_cases": "", "unread_notices": 0}
    try:
        unread = db.session.execute(
            select(func.count()).select_from(
                _my_alerts(user).where(Notification.read_at.is_(None)).subquery()
            )
        ).scalar_one()
    except SQLAlchemyError:
        # An error page after a failed transaction must still render; the count can wait.
        unread = 0
    return {"nav_cases": list_title(user) if can_see_cases(user) else "", "unread_notices": unread}


def _my_alerts(user: Principal) -> Select[tuple[Notification]]:
    """The user's alerts about cases they may see now, and alerts about no case.

    An alert outlives access: a handler or leader may later be suspected (§ 12-5). Such an
    alert is left out, not shown as "no access", which would tell the suspect about it.
    """
    return (
        select(Notification)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(
            Notification.user_id == user.id,
            or_(Notification.case_id.is_(None), visible_to(user)),
        )
    )


@bp.route("/varsler")
@requires(any_user)
def notifications() -> str:
    user = current_user()
    notes = db.session.execute(
        _my_alerts(user).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(200)
    ).scalars()
    rows = []
    for note in notes:
        case = db.session.get(Case, note.case_id) if note.case_id else None
        # visible_to agrees with can_view_case (tests/test_case_visibility.py); checked
        # again here because a link must never point at a case the user may not see.
        visible = case is not None and can_view_case(user, case_access(case))
        rows.append(
            {
                "text": gettext(NOTICE_TEXTS.get(note.code, note.code)),
                "at": time_text(note.created_at),
                "unread": note.read_at is None,
                "reference": case.reference if visible and case else "",
                "url": url_for("cases.show", case_id=case.id) if visible and case else "",
                # A reminder to acknowledge the school's plan is about no case.
                "plan_url": url_for("acknowledgements.plan") if note.code == PLAN_NOTICE else "",
            }
        )
    return render_template(
        "cases/notifications.html", notices=rows, form=ConfirmCaseForm(formdata=None)
    )


@bp.route("/varsler/lest", methods=["POST"])
@requires(any_user)
def mark_read() -> Response:
    form = ConfirmCaseForm()
    if form.validate_on_submit():
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == current_user().id, Notification.read_at.is_(None))
            .values(read_at=now())
        )
        db.session.commit()
        flash(gettext("Alle varsler er merket som lest."), "success")
    return redirect(url_for("alerts.notifications"))
