"""Skolens plan: every employee reads the plan and signs the kvittering; the leadership
publishes the plan and keeps the register of who has signed.

Plans, kvitteringer and registers of another school are a 404, never a 403.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from database import db
from forms.acknowledgements import PublishPlanForm, SignForm
from forms.documents.fields import parse_date
from trygg import acknowledgements
from trygg.accounts.permissions import can_acknowledge_school_plan, can_manage_school_plan
from trygg.accounts.principal import Principal
from trygg.calendar.formats import date_text, timestamp_text
from trygg.errors import Refused
from trygg.jobs import ACKNOWLEDGEMENTS_PDF
from trygg.models import SchoolPlan
from views.acknowledgements.page_content import (
    acknowledgement_or_404,
    acknowledgement_row,
    acknowledgement_url,
    plan_or_404,
    plan_row,
    register_context,
)
from views.cases.loading import acting_user, archive, now, today
from views.jobs.pages import start as start_job
from web.converters import parse_id
from web.errors import offer_links
from web.files import attachment, converters
from web.form_errors import show_error
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("acknowledgements", __name__, url_prefix="/skolens-plan")

# The multipart body carries the form fields and boundaries beside the file.
_FORM_OVERHEAD = 64 * 1024


@bp.app_context_processor
def navigation() -> dict[str, bool]:
    """Menu links: «Skolens plan» for every employee, «Kvitteringer» for the leadership."""
    user: Principal | None = g.get("principal")
    return {
        "nav_school_plan": user is not None and can_acknowledge_school_plan(user),
        "nav_acknowledgements": user is not None and can_manage_school_plan(user),
    }


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Before the CSRF check reads the form, so a huge upload is refused unread.
    if endpoint == "acknowledgements.publish":
        request.max_content_length = acknowledgements.MAX_PLAN_BYTES + _FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    form = PublishPlanForm(formdata=None)
    form.file.errors = [
        gettext(
            "Filen er for stor. Planen kan være høyst %(limit)d MB; lagre den gjerne som PDF "
            "med mindre bilder.",
            limit=acknowledgements.MAX_PLAN_BYTES // 1024 // 1024,
        )
    ]
    return _publish_page(form), 413


def home_tile(user: Principal) -> dict[str, Any] | None:
    """The front page's plan tile (views/home.py); None for people without a school."""
    if not can_acknowledge_school_plan(user) or user.school_id is None:
        return None
    status = acknowledgements.home_status(
        db.session, user.id, user.school_id, leads=can_manage_school_plan(user)
    )
    return {
        "published": status.published,
        "title": status.title,
        "school_year": status.school_year,
        "signed_at": timestamp_text(status.signed_at),
        "signed_count": status.signed_count,
        "total": status.total,
        "leads": can_manage_school_plan(user),
    }


# --- every employee ------------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
@requires(can_acknowledge_school_plan)
def plan() -> str | Response:
    user = current_user()
    assert user.school_id is not None  # the page rule
    form = SignForm()
    superseded = False
    if request.method == "POST" and form.validate_on_submit():
        signature = acknowledgements.Signature(
            plan_id=parse_id(form.plan_id.data) or 0,
            confirmations={key: bool(form[key].data) for key in acknowledgements.CONFIRMATIONS},
            typed_signature=form.typed_signature.data or "",
        )
        try:
            acknowledgements.sign(
                db.session, archive(), acting_user(), signature, audit_initiator(), now()
            )
        except acknowledgements.PlanSuperseded as error:
            show_error(form, error)
            # They have not read this version: that box must be ticked again.
            form.read_plan.data = False
            superseded = True
        except Refused as error:
            # Already signed (in another tab, even in the same instant) is one of these:
            # the page below then shows the kvittering that stands.
            show_error(form, error)
        else:
            flash(gettext("Takk! Kvitteringen er signert og arkivert."), "success")
            return redirect(url_for(".plan", _anchor="kvittering"))
    page = acknowledgements.my_plan(db.session, user.id, user.school_id)
    # A form restored after a timeout keeps the version that was being read.
    fresh = request.method == "GET" and not form.plan_id.data
    if page.current is not None and (superseded or fresh):
        form.plan_id.data = str(page.current.id)
    return _plan_page(user, page, form)


def _plan_page(user: Principal, page: acknowledgements.MyPlan, form: SignForm) -> str:
    form.typed_signature.description = gettext(
        "Skriv navnet ditt slik det står i Trygg: %(name)s.", name=user.name
    )
    return render_template(
        "acknowledgements/plan.html",
        plan=plan_row(page.current) if page.current else None,
        signed=acknowledgement_row(page.signed) if page.signed else None,
        earlier=[acknowledgement_row(a) for a in page.earlier],
        owner_contact=page.owner_contact or gettext("Ikke oppgitt – spør rektor"),
        can_manage=can_manage_school_plan(user),
        form=form,
        confirmations=[form[key] for key in acknowledgements.CONFIRMATIONS],
    )


@bp.route("/<id:plan_id>/fil")
@requires(can_acknowledge_school_plan)
def plan_file(plan_id: int) -> Response:
    plan = plan_or_404(plan_id)
    content = acknowledgements.plan_file(db.session, archive(), plan, audit_initiator(), now())
    return attachment(content, acknowledgements.MIMETYPES[plan.format], plan.filename)


@bp.route("/kvittering/<id:acknowledgement_id>/<fmt>")
@requires(can_acknowledge_school_plan)
def acknowledgement_file(acknowledgement_id: int, fmt: str) -> Response:
    ack = acknowledgement_or_404(acknowledgement_id)
    # The Word file is always there when the PDF cannot be made.
    offer_links(word_url=acknowledgement_url(ack.id, "docx"))
    content = acknowledgements.acknowledgement_file(
        db.session, archive(), ack, fmt, converters(), audit_initiator(), now()
    )
    return attachment(
        content, acknowledgements.MIMETYPES[fmt], acknowledgements.download_name(ack, fmt)
    )


# --- the school leadership ---------------------------------------------------------------


@bp.route("/publiser", methods=["GET", "POST"])
@requires(can_manage_school_plan)
def publish() -> str | Response:
    user = current_user()
    assert user.school_id is not None  # the page rule
    form = PublishPlanForm()
    if request.method == "GET":
        current = acknowledgements.current_summary(db.session, user.school_id)
        form.title.data = current.title if current else acknowledgements.DEFAULT_TITLE
        form.school_year.data = acknowledgements.school_year_of(today())
        form.version_date.data = date_text(today())
    if form.validate_on_submit():
        upload = form.file.data
        version_date = parse_date(form.version_date.data)
        assert version_date is not None  # DateText checked it
        try:
            published = acknowledgements.publish_plan(
                db.session,
                archive(),
                user.school_id,
                acknowledgements.NewPlan(
                    title=form.title.data or "",
                    school_year=form.school_year.data or "",
                    version_date=version_date,
                    filename=upload.filename or "",
                    # One byte past the limit is enough to refuse it as too large.
                    content=upload.read(acknowledgements.MAX_PLAN_BYTES + 1),
                ),
                audit_initiator(),
                now(),
            )
        except Refused as error:
            show_error(form, error)
        else:
            flash(
                gettext(
                    "Planen for %(year)s er publisert. Alle ansatte ser nå at de skal kvittere "
                    "for den, og de som ikke har gjort det, får påminnelser.",
                    year=published.school_year,
                ),
                "success",
            )
            return redirect(url_for(".register", plan_id=published.id))
    return _publish_page(form)


def _publish_page(form: PublishPlanForm) -> str:
    user = current_user()
    current = (
        acknowledgements.current_summary(db.session, user.school_id) if user.school_id else None
    )
    return render_template(
        "acknowledgements/publish.html",
        form=form,
        current=plan_row(current) if current else None,
    )


@bp.route("/kvitteringer")
@requires(can_manage_school_plan)
def register_current() -> str:
    user = current_user()
    assert user.school_id is not None  # the page rule
    current = acknowledgements.current_plan(db.session, user.school_id)
    return _register_page(current)


@bp.route("/<id:plan_id>/kvitteringer")
@requires(can_manage_school_plan)
def register(plan_id: int) -> str:
    return _register_page(plan_or_404(plan_id))


def _register_page(plan: SchoolPlan | None) -> str:
    page = (
        acknowledgements.viewed_register(db.session, plan, audit_initiator(), now())
        if plan is not None
        else None
    )
    return render_template("acknowledgements/register.html", **register_context(page))


@bp.route("/<id:plan_id>/kvitteringsliste")
@requires(can_manage_school_plan)
def register_docx(plan_id: int) -> Response:
    plan = plan_or_404(plan_id)
    rendered = acknowledgements.acknowledgement_list(
        db.session, plan, today(), audit_initiator(), now()
    )
    return attachment(rendered.docx, acknowledgements.MIMETYPES["docx"], rendered.filename)


@bp.route("/<id:plan_id>/kvitteringer.pdf", methods=["POST"])
@requires(can_manage_school_plan)
def acknowledgements_pdf(plan_id: int) -> Response:
    """Every signed kvittering as one PDF, made by a background job (one conversion per
    kvittering not yet converted): to its progress page."""
    plan = plan_or_404(plan_id)
    return start_job(ACKNOWLEDGEMENTS_PDF, plan.id)
