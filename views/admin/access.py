"""Access changes: the school leadership confirms or refuses a school admin's grant of a
role with case access, and the rektor and the school owner read who got which role, when,
and who confirmed it (trygg.accounts.access_changes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm
from trygg.accounts import access_changes
from trygg.accounts.permissions import can_decide_role_grants, can_view_access_changes
from trygg.accounts.principal import Principal
from trygg.accounts.roles import role_name
from trygg.errors import Refused
from trygg.models import utcnow
from web.converters import query_page
from web.form_errors import flash_refusal
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("access", __name__, url_prefix="/tilganger")

STATUS_NAMES = {
    access_changes.DONE: _l("Gjennomført"),
    access_changes.PENDING: _l("Venter på bekreftelse"),
    access_changes.CONFIRMED: _l("Bekreftet"),
    access_changes.REFUSED: _l("Avvist"),
    access_changes.WITHDRAWN: _l("Trukket tilbake"),
}


@bp.app_context_processor
def access_navigation() -> dict[str, Any]:
    user: Principal | None = g.get("principal")
    if user is None or not can_view_access_changes(user):
        return {"nav_access": False, "nav_access_pending": 0}
    try:
        pending = access_changes.pending_count(db.session, user)
    except SQLAlchemyError:
        # An error page after a failed transaction must still render; the count can wait.
        pending = 0
    return {"nav_access": True, "nav_access_pending": pending}


def _place(role: str | None, school: str | None) -> str:
    if role is None:
        return gettext("Ny bruker")
    return f"{role_name(role)}, {school}" if school else role_name(role)


@bp.route("")
@requires(can_view_access_changes)
def changes() -> str:
    viewer = current_user()
    listing = access_changes.changes_page(db.session, viewer, query_page())
    decided = (access_changes.CONFIRMED, access_changes.REFUSED)
    return render_template(
        "admin/access_changes.html",
        rows=[
            {
                "at": row.at,
                "by": row.by_name,
                "user": row.user_name,
                "from": _place(row.role_from, row.school_from),
                "to": _place(row.role_to, row.school_to),
                "status": STATUS_NAMES.get(row.status, row.status),
                "decided_by": row.decided_by_name if row.status in decided else None,
                "decided_at": row.decided_at if row.status in decided else None,
            }
            for row in listing.rows
        ],
        page=listing.page,
        has_next=listing.has_next,
        pending=access_changes.pending_count(db.session, viewer),
    )


@bp.route("/foresporsler")
@requires(can_decide_role_grants)
def requests() -> str:
    return render_template(
        "admin/access_requests.html",
        requests=[
            {
                "id": pending.id,
                "user": pending.user_name,
                "email": pending.user_email,
                "role_from": role_name(pending.role_from or ""),
                "role_to": role_name(pending.role_to),
                "by": pending.requested_by,
                "at": pending.requested_at,
            }
            for pending in access_changes.pending_for(db.session, current_user())
        ],
        confirm_form=ConfirmForm(),
    )


@bp.route("/foresporsler/<id:request_id>/bekreft", methods=["POST"])
@requires(can_decide_role_grants)
def confirm(request_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            done = access_changes.confirm(
                db.session, current_user(), request_id, audit_initiator(), utcnow()
            )
        except Refused as error:
            flash_refusal(error)
        else:
            flash(
                gettext("Brukeren har fått rollen «%(role)s».", role=role_name(done.role_to)),
                "success",
            )
    return redirect(url_for("access.requests"))


@bp.route("/foresporsler/<id:request_id>/avvis", methods=["POST"])
@requires(can_decide_role_grants)
def refuse(request_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            access_changes.refuse(
                db.session, current_user(), request_id, audit_initiator(), utcnow()
            )
        except Refused as error:
            flash_refusal(error)
        else:
            flash(gettext("Forespørselen er avvist. Brukeren beholder rollen sin."), "success")
    return redirect(url_for("access.requests"))
