"""The invitations job's own button: send again to those who did not get their invitation.

The job page (views/jobs/pages.py) lists them once the job has stopped; this POST makes a
new batch of exactly those and starts its job. The domain refuses a second retry of the
same batch and a retry beside a running job, so nobody gets two invitations by a double
click.
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm
from trygg import jobs
from trygg.accounts.permissions import can_administer
from trygg.errors import Refused
from trygg.jobs import invitations
from views.cases.loading import now
from views.jobs.pages import start
from web.form_errors import flash_refusal
from web.gate import audit_initiator, current_user, requires

bp = Blueprint("job_invitations", __name__, url_prefix="/jobber")


@bp.route("/<id:job_id>/send-igjen", methods=["POST"])
@requires(can_administer)
def retry(job_id: int) -> Response:
    job = jobs.own_job(db.session, job_id, current_user().id)
    if ConfirmForm().validate_on_submit():
        try:
            batch_id = invitations.retry_failed(
                db.session, current_user(), job, audit_initiator(), now()
            )
        except Refused as error:
            flash_refusal(error)
        else:
            return start(jobs.INVITATIONS, batch_id)
    return redirect(url_for("jobs.show", job_id=job_id))
