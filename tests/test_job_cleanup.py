"""Old jobs go: a finished job's file is deleted after JOB_RESULT_DAYS (its row stays to
tell its owner), failed jobs' rows go at the same age and expired rows long after, by
`flask send-reminders` (cron) and by the worker's daily run alike, with an audit event.
Files no row names any more (a crash between the commit and the deletion) go too."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from moto.server import ThreadedMotoServer
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events
from tests.conftest import log_in, make_settings
from tests.factories.users import user
from trygg.archive import ArchiveDamaged
from trygg.config import ConfigError, S3ArchiveSettings, settings_from_env
from trygg.jobs import ACKNOWLEDGEMENTS_PDF, start_job
from trygg.jobs.cleanup import FORGET_AFTER, RESULT_DELETED
from trygg.jobs.outputs import FOLDER, FolderOutputs, JobOutputs, file_name, open_outputs
from trygg.jobs.outputs_s3 import S3Outputs
from trygg.jobs.queue import JobQueue
from trygg.models import Job, utcnow
from trygg.models.jobs import DONE, EXPIRED, FAILED, RUNNING

DAY = dt.timedelta(days=1)
PDF = b"%PDF-1.7 a copy of archived documents"


def outputs_of(app: Flask) -> FolderOutputs:
    return FolderOutputs(app.extensions["trygg.settings"].output_dir / FOLDER)


def job_at(
    session: Session, owner_id: int, status: str, age: dt.timedelta, outputs: FolderOutputs
) -> int:
    """A job that finished (or last changed) `age` ago; a done one with its file."""
    now = utcnow()
    job = start_job(session, ACKNOWLEDGEMENTS_PDF, owner_id, 1, now - age)
    job.status, job.attempts, job.updated_at = status, 1, now - age
    if status in (DONE, FAILED):
        job.finished_at = now - age
    session.flush()
    if status == DONE:
        job.result_sha256 = outputs.put(job.id, PDF + str(job.id).encode(), "pdf")
        job.result_name = "kvitteringer_2026-2027_v1.pdf"
    if status == RUNNING:
        outputs.put(job.id, PDF, "pdf")  # its run has stored the file, not committed yet
    session.commit()
    return job.id


def run_cli(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def run_worker(app: Flask) -> str:
    # The worker's daily periodic task, as huey calls it.
    queue = JobQueue(app.extensions["trygg.settings"])
    try:
        queue.send_reminders()
    finally:
        queue.close()
    return ""


@pytest.mark.parametrize("clean", [run_cli, run_worker], ids=["send-reminders", "worker"])
def test_old_jobs_files_and_rows_go_and_the_owner_is_told(
    app: Flask,
    client: FlaskClient,
    session: Session,
    demo: dict[str, str],
    clean: Callable[[Flask], str],
) -> None:
    outputs = outputs_of(app)
    owner = user(session, demo["ledelse"]).id
    kept = app.extensions["trygg.settings"].job_results_kept
    old_done = job_at(session, owner, DONE, kept + DAY, outputs)
    recent_done = job_at(session, owner, DONE, kept - DAY, outputs)
    old_failed = job_at(session, owner, FAILED, kept + DAY, outputs)
    recent_failed = job_at(session, owner, FAILED, kept - DAY, outputs)
    long_expired = job_at(session, owner, EXPIRED, FORGET_AFTER + DAY, outputs)
    running = job_at(session, owner, RUNNING, dt.timedelta(0), outputs)
    # A file no row names: its job's row went, and a crash came before its file did.
    outputs.put(999_999, PDF, "pdf")

    output = clean(app)

    if clean is run_cli:
        assert "Gamle eksportfiler slettet: 1." in output
    session.expire_all()
    rows = {job.id: job for job in session.execute(select(Job)).scalars()}
    assert set(rows) == {old_done, recent_done, recent_failed, running}
    assert (rows[old_done].status, rows[old_done].result_sha256) == (EXPIRED, None)
    assert rows[old_done].result_name is None
    assert rows[recent_done].status == DONE
    assert outputs.job_ids() == {recent_done, running}
    recent = rows[recent_done]
    assert recent.result_sha256 is not None
    assert outputs.get(recent_done, recent.result_sha256, "pdf").startswith(PDF)
    (event,) = audit_events(session, "jobs.cleaned_up")
    assert event.actor_email == "job-cleanup" and event.actor_user_id is None
    assert json.loads(event.details or "{}") == {
        "files_deleted": [old_done],
        "rows_deleted": [old_failed, long_expired],
    }

    # The owner's page says the file is gone and how to get it again; no download.
    log_in(client, demo["ledelse"])
    page = client.get(f"/jobber/{old_done}").get_data(as_text=True)
    assert RESULT_DELETED in page
    assert '<p hidden>\n    <progress id="job-progress"' in page
    assert f"/jobber/{old_done}/fil" not in page and 'http-equiv="refresh"' not in page
    status = client.get(f"/jobber/{old_done}/status").get_json()
    assert status["finished"] and status["download_url"] is None
    assert status["status_text"] == RESULT_DELETED
    download = client.get(f"/jobber/{old_done}/fil")
    assert download.mimetype == "text/html" and RESULT_DELETED in download.get_data(as_text=True)
    # A job whose row is gone is gone for its owner too.
    assert client.get(f"/jobber/{old_failed}").status_code == 404

    # A second run finds nothing more to do and records nothing.
    clean(app)
    assert len(audit_events(session, "jobs.cleaned_up")) == 1


def test_the_job_settings_come_from_the_environment(tmp_path: Path) -> None:
    environ = {"TRYGG_ENV": "testing", "JOB_RESULT_DAYS": "2", "JOB_LEASE_SECONDS": "15"}
    settings = settings_from_env(environ, tmp_path)
    assert settings.job_results_kept == 2 * DAY
    assert settings.job_lease == dt.timedelta(seconds=15)
    defaults = settings_from_env({"TRYGG_ENV": "testing"}, tmp_path)
    assert (defaults.job_results_kept, defaults.job_lease) == (7 * DAY, dt.timedelta(minutes=1))
    for name, value in (("JOB_RESULT_DAYS", "0"), ("JOB_LEASE_SECONDS", "en")):
        with pytest.raises(ConfigError, match=name):
            settings_from_env({"TRYGG_ENV": "testing", name: value}, tmp_path)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_outputs(s3_endpoint: str, tmp_path: Path) -> tuple[JobOutputs, Callable[..., None]]:
    s3 = S3ArchiveSettings(
        bucket="trygg-" + uuid.uuid4().hex[:12],
        prefix="skole/arkiv",
        endpoint_url=s3_endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing-secret",
    )
    outputs = open_outputs(make_settings("sqlite://", tmp_path, archive_s3=s3))
    assert isinstance(outputs, S3Outputs)
    outputs.client.create_bucket(Bucket=s3.bucket)

    def overwrite(job_id: int, name: str, content: bytes) -> None:
        key = f"skole/arkiv/exports/{job_id}/{name}"
        outputs.client.put_object(Bucket=s3.bucket, Key=key, Body=content)

    return outputs, overwrite


def folder_outputs(tmp_path: Path) -> tuple[JobOutputs, Callable[..., None]]:
    outputs = open_outputs(make_settings("sqlite://", tmp_path))
    assert isinstance(outputs, FolderOutputs)
    assert outputs.root == tmp_path / "output" / FOLDER

    def overwrite(job_id: int, name: str, content: bytes) -> None:
        path = outputs.root / str(job_id) / name
        path.chmod(0o600)
        path.write_bytes(content)

    return outputs, overwrite


@pytest.mark.parametrize("backend", ["folder", "s3"])
def test_a_job_file_is_named_by_its_hash_read_verified_and_deletable(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    if backend == "s3":
        outputs, overwrite = s3_outputs(request.getfixturevalue("s3_endpoint"), tmp_path)
    else:
        outputs, overwrite = folder_outputs(tmp_path)
    sha256 = outputs.put(7, PDF, "pdf")
    assert outputs.put(7, PDF, "pdf") == sha256  # the same bytes again: a no-op
    assert outputs.get(7, sha256, "pdf") == PDF
    # One job's file is not another's, even with the same bytes: deleting one job's
    # never takes the other's.
    assert outputs.put(8, PDF, "pdf") == sha256
    earlier = outputs.put(8, b"%PDF-1.7 an interrupted run's file", "pdf")
    assert outputs.job_ids() == {7, 8}
    assert outputs.remove(8, keep=file_name(sha256, "pdf")) == 1
    assert not outputs.files(8).contains(earlier, "pdf")
    assert outputs.remove(7) == 1 and outputs.job_ids() == {8}
    assert outputs.get(8, sha256, "pdf") == PDF
    # A file altered in storage is refused, not served.
    overwrite(8, file_name(sha256, "pdf"), PDF + b" and more")
    with pytest.raises(ArchiveDamaged):
        outputs.get(8, sha256, "pdf")
    with pytest.raises(ValueError):
        file_name("../../etc/passwd", "pdf")
    with pytest.raises(ValueError):
        file_name(sha256, "exe")
