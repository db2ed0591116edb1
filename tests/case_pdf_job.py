"""«Hele saken som PDF» as its user meets it: the button on the case page starts the job,
a real huey consumer makes it, the job page says how it went, and the file comes from the
job page's download (the direct GET is retired: views/documents/pdf.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.document_pages import text_of
from tests.job_steps import consumer, finished
from trygg.jobs.queue import JobQueue
from trygg.models import Job
from trygg.models.jobs import DONE


@dataclass(frozen=True)
class CasePdf:
    job: Job
    # The job page's text once the job has stopped.
    page: str
    # The download from the job page; None when the job failed.
    download: TestResponse | None


def whole_case_pdf(client: FlaskClient, session: Session, case_id: int) -> CasePdf:
    case_url = f"/saker/{case_id}"
    token = csrf_token(client, case_url)
    started = client.post(f"{case_url}/samlet-pdf", data={"csrf_token": token})
    assert started.status_code == 302, started.status_code
    page_url = started.headers["Location"]
    job_id = int(page_url.rsplit("/", 1)[1])
    settings = client.application.extensions["trygg.settings"]
    with consumer(JobQueue(settings, settings.job_queue_name)):
        job = finished(session, job_id)
    page = text_of(client.get(page_url))
    download = client.get(f"{page_url}/fil") if job.status == DONE else None
    return CasePdf(job, page, download)
