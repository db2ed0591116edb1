"""Background jobs: the progress page, its status for the page's script, and the download.

Only the job's owner sees any of it; another user's job is a 404 like a missing one. The
export pages start their jobs with `start` (a POST they own) and land here. A job that
makes no file (the invitations) shows what it did instead of a download: who did not get
their invitation, and the button that sends to them again (views/jobs/invitations.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from database import db
from forms.auth import ConfirmForm
from trygg import jobs
from trygg.accounts.permissions import any_user
from trygg.jobs import invitations
from trygg.jobs.outputs import open_outputs, output_ext
from trygg.jobs.queue import JobQueue
from trygg.models import Job
from trygg.models.jobs import DONE, FAILED, QUEUED
from views.cases.loading import now
from web.files import attachment
from web.gate import audit_initiator, current_user, requires, settings
from web.lifecycle import after_commit

bp = Blueprint("jobs", __name__, url_prefix="/jobber")

# Seconds between reloads of the page without JavaScript.
REFRESH_SECONDS = 3
# The download's type by the kind of file (trygg.jobs.outputs.EXTENSIONS); werkzeug adds
# "; charset=utf-8" to text/csv itself.
MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv", "zip": "application/zip"}


def job_queue() -> JobQueue:
    """The app's queue, built once from its settings; enqueueing only (the worker runs)."""
    queue = current_app.extensions.get("trygg.jobs")
    if queue is None:
        queue = current_app.extensions["trygg.jobs"] = JobQueue(
            settings(), settings().job_queue_name
        )
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
        jobs.KEYS_CSV: gettext("Navnenøkler for alle sakene"),
        jobs.INVITATIONS: gettext("Invitasjoner på e-post"),
    }


def _back(job: Job) -> tuple[str, str] | None:
    """Where the job was started from, to go back to."""
    if job.kind == jobs.CASE_PDF:
        return url_for("cases.show", case_id=job.subject_id), gettext("Tilbake til saken")
    if job.kind == jobs.KEYS_CSV:
        return url_for("case_key.all_keys"), gettext("Tilbake til navnenøklene")
    if job.kind == jobs.INVITATIONS:
        return url_for("admin.users"), gettext("Tilbake til brukerne")
    return None


def _status_text(view: jobs.JobView) -> str:
    if view.kind == jobs.INVITATIONS and view.finished:
        # No file to expire: an old invitations job (EXPIRED by the cleanup) is done.
        return gettext("Sendingen stoppet.") if view.status == FAILED else gettext("Ferdig.")
    if view.status == DONE:
        return gettext("Ferdig. Filen er klar til nedlasting.")
    if view.status == FAILED:
        return gettext("Eksporten mislyktes.")
    if view.expired:
        return gettext("Filen er slettet, start eksporten på nytt.")
    if view.interrupted:
        return gettext("Eksporten ble avbrutt. Den startes på nytt av seg selv om litt.")
    if view.retrying and view.status == QUEUED:
        return gettext("Eksporten ble avbrutt og venter i kø for å startes på nytt …")
    if view.status == QUEUED:
        return gettext("Venter i kø …")
    if view.kind == jobs.INVITATIONS and not view.retrying:
        return gettext("Sender invitasjoner: %(percent)d %% ferdig.", percent=view.progress)
    if view.retrying:
        return gettext(
            "Eksporten ble avbrutt og lages nå på nytt: %(percent)d %% ferdig.",
            percent=view.progress,
        )
    return gettext("Lages nå: %(percent)d %% ferdig.", percent=view.progress)


def _values(view: jobs.JobView) -> dict[str, Any]:
    return {
        "status": view.status,
        "progress": view.progress,
        "status_text": _status_text(view),
        "error": view.error,
        "finished": view.finished,
        "download_url": (
            url_for(".download", job_id=view.id) if view.status == DONE and view.filename else None
        ),
        "filename": view.filename,
        "download_text": gettext("Last ned %(name)s", name=view.filename or ""),
    }


@bp.route("/<id:job_id>")
@requires(any_user)
def show(job_id: int) -> str:
    job = jobs.own_job(db.session, job_id, current_user().id)
    view = jobs.job_view(job, now(), settings().job_lease)
    return render_template(
        "jobs/show.html",
        job=_values(view) | {"report": _report(job, view)},
        back=_back(job),
        has_report=job.kind == jobs.INVITATIONS,
        confirm_form=ConfirmForm(),
        retry_url=url_for("job_invitations.retry", job_id=job_id),
        title=_titles()[view.kind],
        refresh_seconds=REFRESH_SECONDS,
        status_url=url_for(".status", job_id=job_id),
        page_url=url_for(".show", job_id=job_id),
    )


@bp.route("/<id:job_id>/status")
@requires(any_user)
def status(job_id: int) -> Response:
    job = jobs.own_job(db.session, job_id, current_user().id)
    view = jobs.job_view(job, now(), settings().job_lease)
    response = jsonify(_values(view) | {"report": _report(job, view)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<id:job_id>/fil")
@requires(any_user)
def download(job_id: int) -> Response:
    job = jobs.own_job(db.session, job_id, current_user().id)
    outputs = open_outputs(settings())
    content, filename = jobs.job_result(db.session, outputs, job, audit_initiator(), now())
    return attachment(content, MIMETYPES[output_ext(filename)], filename)


def _reason(code: str | None) -> str:
    if code == invitations.REFUSED:
        return gettext("E-postserveren tok ikke imot e-posten.")
    if code == invitations.UNCERTAIN:
        return gettext(
            "Usikkert om e-posten kom fram: sendingen ble avbrutt mens den ble sendt. "
            "Spør personen før du sender på nytt."
        )
    return gettext("Ikke forsøkt: sendingen stoppet før den kom hit.")


def _report(job: Job, view: jobs.JobView) -> dict[str, Any] | None:
    """Who got their invitation and who did not, once the job has stopped: names and
    addresses the admin sees on the users page anyway, never stored in the job's row."""
    if job.kind != jobs.INVITATIONS or not view.finished:
        return None
    report = invitations.batch_report(db.session, invitations.batch_of(db.session, job.subject_id))
    return {
        "summary": ngettext(
            "%(sent)d av %(num)d invitasjon er sendt.",
            "%(sent)d av %(num)d invitasjoner er sendt.",
            report.total,
            sent=report.sent,
        )
        + (
            " " + gettext("%(failed)d ble ikke sendt.", failed=len(report.to_retry))
            if report.to_retry
            else ""
        ),
        "skipped": ngettext(
            "%(num)d trengte ikke invitasjon lenger (har valgt passord, er deaktivert, er "
            "flyttet til en annen skole eller har fått invitasjon fra en annen sending).",
            "%(num)d trengte ikke invitasjon lenger (har valgt passord, er deaktivert, er "
            "flyttet til en annen skole eller har fått invitasjon fra en annen sending).",
            report.skipped,
        )
        if report.skipped
        else "",
        "failures": [
            {"name": person.name, "email": person.email, "reason": _reason(person.reason)}
            for person in report.to_retry
        ],
    }
