"""Background jobs: the progress page, its status for the page's script, and the download.

Only the job's owner sees any of it; another user's job is a 404 like a missing one. The
export pages start their jobs with `start` (a POST they own) and land here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from database import db
from trygg import jobs
from trygg.accounts.permissions import any_user
from trygg.jobs.queue import JobQueue
from trygg.models.jobs import DONE, FAILED, QUEUED
from views.cases.loading import archive, now
from web.files import attachment
from web.gate import audit_initiator, current_user, requires, settings
from web.lifecycle import after_commit

bp = Blueprint("jobs", __name__, url_prefix="/jobber")

# Seconds between reloads of the page without JavaScript.
REFRESH_SECONDS = 3


def job_queue() -> JobQueue:
    """The app's queue, built once from its settings; enqueueing only (the worker runs)."""
    queue = current_app.extensions.get("trygg.jobs")
    if queue is None:
        queue = current_app.extensions["trygg.jobs"] = JobQueue(settings())
    return queue  # type: ignore[no-any-return]


def start(kind: str, subject_id: int) -> Response:
    """Queue a job for the current user and go to its progress page. The message is sent
    after the commit: the worker must find the row."""
    job = jobs.start_job(db.session, kind, current_user().id, subject_id, now())
    job_id = job.id
    queue = job_queue()
    after_commit(lambda: queue.enqueue(job_id))
    return redirect(url_for("jobs.show", job_id=job_id))


def _titles() -> dict[str, str]:
    return {
        jobs.ACKNOWLEDGEMENTS_PDF: gettext("Alle kvitteringer som én PDF"),
        jobs.CASE_PDF: gettext("Hele saken som PDF"),
    }


def _status_text(view: jobs.JobView) -> str:
    if view.status == DONE:
        return gettext("Ferdig. Filen er klar til nedlasting.")
    if view.status == FAILED:
        return gettext("Eksporten mislyktes.")
    if view.status == QUEUED:
        return gettext("Venter i kø …")
    return gettext("Lages nå: %(percent)d %% ferdig.", percent=view.progress)


def _values(view: jobs.JobView) -> dict[str, Any]:
    return {
        "status": view.status,
        "progress": view.progress,
        "status_text": _status_text(view),
        "error": view.error,
        "finished": view.finished,
        "download_url": url_for(".download", job_id=view.id) if view.status == DONE else None,
        "filename": view.filename,
        "download_text": gettext("Last ned %(name)s", name=view.filename or ""),
    }


@bp.route("/<id:job_id>")
@requires(any_user)
def show(job_id: int) -> str:
    view = jobs.job_view(jobs.own_job(db.session, job_id, current_user().id))
    return render_template(
        "jobs/show.html",
        job=_values(view),
        title=_titles()[view.kind],
        refresh_seconds=REFRESH_SECONDS,
        status_url=url_for(".status", job_id=job_id),
        page_url=url_for(".show", job_id=job_id),
    )


@bp.route("/<id:job_id>/status")
@requires(any_user)
def status(job_id: int) -> Response:
    view = jobs.job_view(jobs.own_job(db.session, job_id, current_user().id))
    response = jsonify(_values(view))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<id:job_id>/fil")
@requires(any_user)
def download(job_id: int) -> Response:
    job = jobs.own_job(db.session, job_id, current_user().id)
    content, filename = jobs.job_result(db.session, archive(), job, audit_initiator(), now())
    return attachment(content, "application/pdf", filename)
