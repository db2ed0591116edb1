"""The front page for each role, and the health check for load balancers."""

from __future__ import annotations

from flask import Blueprint, render_template

from database import db
from trygg.accounts import permissions
from trygg.accounts.permissions import any_user
from trygg.cases.overview import case_counts
from views.acknowledgements.pages import home_tile
from views.cases.loading import today
from web.gate import current_user, requires

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(any_user)
def index() -> str:
    user = current_user()
    return render_template(
        "home/index.html",
        can_administer=permissions.can_administer(user),
        can_file_report=permissions.can_file_report(user),
        can_handle_cases=permissions.can_handle_cases(user),
        is_school_owner=permissions.can_act_as_school_owner(user),
        # Counted in SQL over the cases the user may see: a hidden § 12-5 case is not counted.
        case_counts=case_counts(db.session, user, today())
        if permissions.can_see_cases(user)
        else None,
        school_plan=home_tile(user),
    )


@bp.route("/helse")
def health() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
