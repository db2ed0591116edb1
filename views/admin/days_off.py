"""A school's days without teaching (planning days, school holidays), which the deadline
calendar skips when it counts school days. A municipality admin picks the school; a
school admin has only their own. Another school is a 404, not a 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.admin.days_off import DayOffDeleteForm, DaysOffForm
from forms.documents.fields import parse_date
from trygg.accounts import scope
from trygg.accounts.permissions import can_administer
from trygg.calendar import days_off
from trygg.calendar.formats import weekday_date_text
from trygg.errors import Refused
from trygg.models import utcnow
from views.cases.loading import today
from web.form_errors import flash_refusal, show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("admin_calendar", __name__, url_prefix="/admin/fridager")


def _school_or_404(school_id: int) -> scope.SchoolInReach:
    # Outside the admin's reach: NotFound, a 404 (web.errors).
    return scope.school_in_reach(db.session, current_user(), school_id)


def _school_year() -> int:
    year = request.args.get("skolear", type=int)
    # Outside this window the number is a typo in the address, not a school year.
    if year is None or not 2000 <= year <= 2100:
        return days_off.school_year_of(today())
    return year


@bp.route("")
@requires(can_administer)
def index() -> str | Response:
    admin = current_user()
    if admin.school_id is not None:
        return redirect(url_for(".school", school_id=admin.school_id))
    year = days_off.school_year_of(today())
    counts = days_off.counts_by_school(db.session, year)
    schools = scope.schools_in_reach(db.session, admin)
    return render_template(
        "admin/days_off/index.html",
        schools=[{"id": s.id, "name": s.name, "count": counts.get(s.id, 0)} for s in schools],
        year_label=f"{year}/{str(year + 1)[2:]}",
    )


@bp.route("/<id:school_id>", methods=["GET", "POST"])
@requires(can_administer)
def school(school_id: int) -> str | Response:
    school = _school_or_404(school_id)
    form = DaysOffForm()
    if form.validate_on_submit():
        start = parse_date(form.start.data)
        assert start is not None  # DateText refused anything that is not a date
        try:
            added = days_off.add_days_off(
                db.session,
                school.id,
                start,
                parse_date(form.end.data),
                form.reason_text(),
                audit_initiator(),
                utcnow(),
            )
        except Refused as error:
            # "Annet" is described in its own field; an empty description belongs there.
            if error.field == "reason" and form.reason.data == "annet":
                error.field = "other"
            show_error(form, error)
        else:
            if added:
                message = ngettext(
                    "%(num)d fridag er lagt til.", "%(num)d fridager er lagt til.", added
                )
            else:
                message = gettext(
                    "Ingen nye fridager ble lagt til: dagene var lagt inn fra før, eller er "
                    "lørdager, søndager eller helligdager."
                )
            flash(message, "success" if added else "info")
            return redirect(
                url_for(".school", school_id=school.id, skolear=days_off.school_year_of(start))
            )
    return _render(school, form, _school_year())


def _render(school: scope.SchoolInReach, form: DaysOffForm, year: int) -> str:
    days = days_off.days_off_for(db.session, school.id, year)
    return render_template(
        "admin/days_off/school.html",
        school={"id": school.id, "name": school.name},
        form=form,
        delete_form=DayOffDeleteForm(),
        year=year,
        year_label=f"{year}/{str(year + 1)[2:]}",
        days=[{"id": d.id, "date": d.day, "reason": d.reason} for d in days],
        holidays=[{"date": h.day, "name": h.name} for h in days_off.public_holidays(year)],
        show_school_picker=current_user().school_id is None,
    )


@bp.route("/<id:school_id>/<id:day_off_id>/slett", methods=["POST"])
@requires(can_administer)
def delete(school_id: int, day_off_id: int) -> Response:
    school = _school_or_404(school_id)
    form = DayOffDeleteForm()
    year = None
    if form.validate_on_submit():
        try:
            day = days_off.remove_day_off(
                db.session, school.id, day_off_id, audit_initiator(), utcnow()
            )
        except Refused as error:
            flash_refusal(error)
        else:
            year = days_off.school_year_of(day)
            flash(gettext("Fridagen %(date)s er slettet.", date=weekday_date_text(day)), "success")
    return redirect(url_for(".school", school_id=school.id, skolear=year))
