"""Journeys 2–3: the case lists, the case page, the leadership's actions and the case's
people (the in-app alerts are in views/cases/alerts.py).

Every case is loaded through case_or_404: a case the user may not see (§ 12-5) is absent,
on the page and on every action.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from forms.base import BaseForm
from forms.cases import (
    ASSIGN,
    OWNER,
    PERSON,
    RECEIVE,
    REOPEN,
    AssignForm,
    ConfirmCaseForm,
    OwnerReportForm,
    PersonForm,
    ReceiptForm,
)
from trygg import audit
from trygg.accounts.permissions import (
    can_manage_case,
    can_report_to_owner,
    can_see_cases,
)
from trygg.accounts.principal import Principal
from trygg.accounts.roles import KONTAKTLAERER, LEDELSE, SKOLEEIER
from trygg.calendar.formats import date_text
from trygg.cases import actors, leadership, overview
from trygg.cases.access import case_access, linked_cases
from trygg.cases.registry import register_person
from trygg.errors import Refused
from trygg.models import Case
from trygg.models.cases import CLOSED, OPEN
from views.cases.closing_content import closing_forms, closing_state
from views.cases.loading import acting_user, case_or_404, now, today
from views.cases.merge import surviving_case_of
from views.cases.page_content import case_page, deadline_badges
from views.cases.page_forms import case_forms
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires
from web.notifications import deliver_new_notifications

bp = Blueprint("cases", __name__)

STATUSES = (OPEN, CLOSED, "all")
YES = ("1", "ja", "on", "true")


def list_title(user: Principal) -> str:
    if user.role == SKOLEEIER:
        return gettext("Innboks")
    if user.role == KONTAKTLAERER:
        return gettext("Mine saker")
    return gettext("Saker")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _handler_choices(user: Principal) -> list[tuple[int, str]]:
    if user.role != LEDELSE or user.school_id is None:
        return []
    staff = actors.roster(db.session, user.school_id)
    return [(u.id, u.name) for u in staff if u.role_code in (KONTAKTLAERER, LEDELSE)]


@bp.route("/saker")
@requires(can_see_cases)
def index() -> str:
    user = current_user()
    leader = user.role == LEDELSE
    status = request.args.get("status", OPEN)
    status = status if status in STATUSES else OPEN
    handlers = _handler_choices(user)
    handler_id = _int_arg("behandler")
    handler_id = handler_id if handler_id in {h for h, _ in handlers} else None
    classes = overview.visible_classes(db.session, user) if leader else []
    class_name = request.args.get("klasse", "")
    class_name = class_name if class_name in classes else ""
    filters = overview.CaseFilter(
        status=status,
        overdue_only=request.args.get("forsinket", "") in YES,
        handler_id=handler_id,
        class_name=class_name,
    )
    page = overview.list_cases(
        db.session,
        user,
        today(),
        filters,
        _int_arg("side") or 1,
        after=overview.Cursor.parse(request.args.get("etter", "")),
        before=overview.Cursor.parse(request.args.get("foer", "")),
    )
    # Who saw which pupils' names in a list is part of the trail, like opening a case.
    audit.record(
        db.session,
        audit_initiator(),
        "case.listed",
        "case",
        "",
        {"cases": [row.id for row in page.rows]},
        now=now(),
    )
    # "Neste" and "Forrige" keep the filters and carry where the page ends (keyset: the
    # next page costs what the first did); `side` is the number shown.
    params: dict[str, Any] = {
        "status": status,
        "forsinket": "1" if filters.overdue_only else None,
        "behandler": handler_id,
        "klasse": class_name or None,
    }
    prev_url = next_url = ""
    if page.previous_cursor is not None:
        prev_url = url_for(
            "cases.index", **params, side=page.page - 1, foer=page.previous_cursor.token
        )
    if page.next_cursor is not None:
        next_url = url_for(
            "cases.index", **params, side=page.page + 1, etter=page.next_cursor.token
        )
    return render_template(
        "cases/index.html",
        title=list_title(user),
        rows=[_row(r) for r in page.rows],
        total=page.total,
        page=page.page,
        pages=page.pages,
        prev_url=prev_url,
        next_url=next_url,
        filters=filters,
        filtered=filters != overview.CaseFilter(),
        handlers=handlers,
        classes=classes,
        leader=leader,
        owner=user.role == SKOLEEIER,
    )


def _row(row: overview.CaseRow) -> dict[str, Any]:
    return {
        "serious": row.serious,
        "informed": date_text(row.rektor_informed_on),
        "days": row.school_days_since_report,
        "next": deadline_badges(row.deadlines[:1]),
        "later": max(len(row.deadlines) - 1, 0),
        "id": row.id,
        "reference": row.reference,
        "pupil": row.pupil_name,
        "class": row.pupil_class,
        "school": row.school,
        "stage": gettext(row.stage),
        "handler": row.handler,
        "opened": date_text(row.opened_on),
        "section_12_5": row.section_12_5,
    }


def _render_case(case: Case, failed: BaseForm | None = None, **bound: BaseForm) -> str:
    user = current_user()
    values = case_page(case, user, today())
    # The pupil's ordinary case and the one hidden from the leadership, as far as the user
    # may see them: only someone who may see both (the school owner) sees the link.
    values["linked"] = [
        {"id": c.id, "reference": c.reference, "open": c.status != CLOSED}
        for c in linked_cases(db.session, user, case)
    ]
    # Closing: proposal, decision and follow-up (views/cases/closing.py).
    values["closing"] = closing_state(case, user)
    forms = {**case_forms(case, bound), **closing_forms(bound)}
    actor = audit_initiator()
    audit.record(db.session, actor, "case.viewed", "case", str(case.id), now=now())
    # The key (names next to labels) is on the page, in a <details> section.
    audit.record(db.session, actor, "case.key_viewed", "case", str(case.id), now=now())
    return render_template("cases/show.html", **values, forms=forms, failed=failed)


@bp.route("/saker/<id:case_id>")
@requires(can_see_cases)
def show(case_id: int) -> str | Response:
    case = case_or_404(case_id)
    surviving = surviving_case_of(case)
    if surviving is not None:
        # A merged case's page leads to the case it was merged into (trygg.cases.merging).
        flash(
            gettext(
                "Sak %(merged)s er slått sammen med sak %(surviving)s.",
                merged=case.reference,
                surviving=surviving.reference,
            ),
            "info",
        )
        return redirect(url_for("cases.show", case_id=surviving.id))
    return _render_case(case)


def _managed_case(case_id: int, *, owner_report: bool = False) -> Case:
    case = case_or_404(case_id, edit=True)
    rule = can_report_to_owner if owner_report else can_manage_case
    if not rule(current_user(), case_access(case)):
        abort(403)
    return case


def _refused(case: Case, name: str, form: BaseForm, error: Refused | None = None) -> str:
    """The case page again, with the refused form's typed values and its errors. A
    refusal discards the request's changes (web.form_errors.show_error); the rules
    refuse before they change the case, so the page shows it as stored."""
    if error is not None:
        show_error(form, error)
    return _render_case(case, failed=form, **{name: form})


def _done(case: Case, message: str, anchor: str | None = None, alerts: bool = False) -> Response:
    if alerts:
        # Assigning a handler and reporting to the owner alert people; e-mail follows.
        deliver_new_notifications()
    flash(message, "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))


@bp.route("/saker/<id:case_id>/mottatt", methods=["POST"])
@requires(can_see_cases)
def receive(case_id: int) -> str | Response:
    case = _managed_case(case_id)
    form = ReceiptForm(prefix=RECEIVE)
    if not form.validate_on_submit():
        return _refused(case, "receive", form)
    assert form.rektor_informed_at.data is not None  # InputRequired
    try:
        leadership.receive(
            db.session,
            case,
            leadership.Receipt(
                rektor_informed_at=form.rektor_informed_at.data,
                raised_with_rektor_by_home=form.raised_with_rektor_by_home.data,
                serious=bool(form.serious.data),
            ),
            acting_user(),
            audit_initiator(),
            now(),
        )
    except Refused as error:
        return _refused(case, "receive", form, error)
    return _done(case, gettext("Det er registrert når rektor fikk vite om saken."))


@bp.route("/saker/<id:case_id>/saksbehandler", methods=["POST"])
@requires(can_see_cases)
def assign(case_id: int) -> str | Response:
    case = _managed_case(case_id)
    form = AssignForm(prefix=ASSIGN)
    if not form.validate_on_submit():
        return _refused(case, "assign", form)
    try:
        handler = leadership.assign_handler(
            db.session, case, form.handler.data or "", acting_user(), audit_initiator(), now()
        )
    except Refused as error:
        return _refused(case, "assign", form, error)
    return _done(
        case, gettext("%(name)s er satt som saksbehandler.", name=handler.name), alerts=True
    )


@bp.route("/saker/<id:case_id>/skoleeier", methods=["POST"])
@requires(can_see_cases)
def owner_report(case_id: int) -> str | Response:
    case = _managed_case(case_id, owner_report=True)
    form = OwnerReportForm(prefix=OWNER)
    if not form.validate_on_submit():
        return _refused(case, "owner", form)
    assert form.reported_at.data is not None  # InputRequired
    try:
        leadership.record_owner_report(
            db.session,
            case,
            form.reported_at.data,
            form.recipient.data or "",
            acting_user(),
            audit_initiator(),
            now(),
        )
    except Refused as error:
        return _refused(case, "owner", form, error)
    return _done(case, gettext("Det er registrert at saken er meldt til skoleeier."), alerts=True)


@bp.route("/saker/<id:case_id>/gjenapne", methods=["POST"])
@requires(can_see_cases)
def reopen(case_id: int) -> str | Response:
    case = _managed_case(case_id)
    form = ConfirmCaseForm(prefix=REOPEN)
    if not form.validate_on_submit():
        return _refused(case, "reopen", form)
    # A button with nothing typed: a refusal (already open, another open case) is
    # flashed on the case page by web.errors.
    leadership.reopen_case(db.session, case, acting_user(), audit_initiator(), now())
    return _done(case, gettext("Saken er åpnet igjen."))


@bp.route("/saker/<id:case_id>/personer", methods=["POST"])
@requires(can_see_cases)
def add_person(case_id: int) -> str | Response:
    case = case_or_404(case_id, edit=True)
    form = PersonForm(prefix=PERSON)
    if not form.validate_on_submit():
        return _refused(case, "person", form)
    person = form.person()
    try:
        actor = register_person(db.session, case, person, acting_user(), audit_initiator(), now())
    except Refused as error:
        return _refused(case, "person", form, error)
    if actor.label:
        message = gettext(
            "%(name)s er lagt til i saken og heter %(label)s i dokumentene.",
            name=actor.name,
            label=actor.label,
        )
    else:
        message = gettext("%(name)s er lagt til i saken.", name=actor.name)
    return _done(case, message, anchor="personer")
