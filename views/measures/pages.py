"""«Mine tiltak» (/mine-tiltak): the measures an employee carries out, with the pupil's
name and the plan's next evaluation date, and nothing else of the case
(trygg.cases.measures). Every look is audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from database import db
from trygg.accounts.permissions import can_see_own_measures
from trygg.accounts.principal import Principal
from trygg.calendar.formats import date_text
from trygg.cases.measures import my_measures
from views.cases.loading import acting_user, now
from web.gate import audit_initiator, requires

bp = Blueprint("measures", __name__)


@bp.app_context_processor
def measures_navigation() -> dict[str, Any]:
    user: Principal | None = g.get("principal")
    return {"nav_my_measures": user is not None and can_see_own_measures(user)}


@bp.route("/mine-tiltak")
@requires(can_see_own_measures)
def mine() -> str:
    found = my_measures(db.session, acting_user(), audit_initiator(), now())
    rows = [
        {
            "pupil": measure.pupil_name,
            "description": measure.description,
            "next_evaluation": date_text(measure.next_evaluation),
        }
        for measure in found
    ]
    return render_template("measures/mine.html", measures=rows)
