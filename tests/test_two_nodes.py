"""Two app nodes (issue 15): two gunicorn servers on one PostgreSQL, one Redis and one
archive folder, with one job worker process beside them, as a municipality runs Trygg
behind a load balancer. Everything is proved through HTTP: what one node did, the other
serves.

Each node has an instance folder of its own (nothing the nodes share may live there); the
queue in Redis has a name of its own per test (JOB_QUEUE_NAME), so tests running in
parallel never take each other's jobs, and only its keys are flushed afterwards.
"""

from __future__ import annotations

import copy
import hashlib
import http.cookiejar
import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.job_steps import job_file
from tests.live_server import Client, LiveServer, live_server
from tests.live_worker import live_worker
from tests.report_pages import NEW, report_data
from trygg.archive import FolderArchive
from trygg.config import ConfigError, LoginPolicy, Settings, settings_from_env
from trygg.jobs.queue import JobQueue
from trygg.models import ArchivedFile, AuditEvent, CaseDocument, Job, LoginSession, LoginThrottle
from trygg.models.jobs import DONE, QUEUED
from trygg.pdf import ConverterService

REDIS_URL = "redis://127.0.0.1:6379/0"
POLICY = LoginPolicy()  # what the nodes run (tests/live_server.py passes no LOGIN_*)
WRONG = "feil-passord-123"
WRONG_CREDENTIALS = "Feil e-postadresse eller passord."
LOCKED = "Innloggingen er sperret i"
# Liveness only: how long the test waits for the worker before it calls the job lost.
JOB_WAIT_SECONDS = 180.0

Nodes = tuple[LiveServer, LiveServer]


@pytest.fixture
def shared(app: Flask, database_url: str) -> Iterator[Settings]:
    """The test app's settings with the job queue in Redis, under a name of its own."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several app nodes share a database server; SQLite is one machine's file")
    name = "test_two_nodes_" + uuid.uuid4().hex
    settings = replace(app.extensions["trygg.settings"], redis_url=REDIS_URL, job_queue_name=name)
    yield settings
    # This test's keys only: other tests and workers may be using the same Redis.
    JobQueue(settings, name).huey.storage.flush_all()


@pytest.fixture
def nodes(shared: Settings, demo: dict[str, str], tmp_path: Path) -> Iterator[Nodes]:
    # One trusted proxy (the load balancer): X-Forwarded-For names the client, so a test
    # can speak for several client addresses.
    with ExitStack() as stack:
        one, two = (
            stack.enter_context(
                live_server(
                    shared,
                    workers=1,
                    env={"INSTANCE_DIR": str(tmp_path / f"node{n}"), "TRUSTED_PROXIES": "1"},
                )
            )
            for n in (1, 2)
        )
        assert one.url != two.url
        yield one, two


def logged_in(node: LiveServer, email: str) -> Client:
    client = node.client()
    client.log_in(email, DEMO_PASSWORD)
    return client


def same_browser(client: Client, node: LiveServer) -> Client:
    """The same browser sent to the other node (as a load balancer does): its cookies."""
    other = node.client()
    other.cookies = client.cookies
    return other


def copied_browser(client: Client, node: LiveServer) -> Client:
    """A browser holding a copy of the cookies as they are now (a stolen or kept cookie)."""
    other = node.client()
    other.cookies = http.cookiejar.CookieJar()
    for cookie in client.cookies:
        other.cookies.set_cookie(copy.copy(cookie))
    return other


def file_report(node: LiveServer, email: str) -> int:
    """A meldeskjema posted on `node`; the id of its (final, archived) document."""
    reporter = logged_in(node, email)
    form = {
        key: str(value)
        for key, value in report_data(
            account="Eleven sa at de andre ikke lar henne være med i friminuttet.",
            intervention="Snakket med klassen med en gang.",
            kinds="utestenging",
            **{"others-0-name": "", "others-0-role": "", "others-0-aliases": ""},
        ).items()
    }
    reply = reporter.post(NEW, {**form, "csrf_token": reporter.csrf_token(NEW)})
    assert reply.status == 302, node.log()[-3000:]
    match = re.fullmatch(r"/meldinger/(\d+)", reply.location or "")
    assert match, reply.location
    return int(match.group(1))


def queued_runs(settings: Settings) -> list[tuple[object, ...]]:
    """The job runs waiting in the test's queue in Redis (the worker's periodic tasks may
    pass through it too)."""
    pending = JobQueue(settings, settings.job_queue_name).huey.pending()
    return [tuple(task.args) for task in pending if "run_job" in task.name]


def shows_login(reply_status: int, location: str | None) -> bool:
    return reply_status == 302 and (location or "").startswith("/logg-inn")


# --- 1. a document archived through one node is served by the other --------------------


def test_a_document_archived_through_one_node_is_served_byte_identical_by_the_other(
    nodes: Nodes, session: Session, demo: dict[str, str], shared: Settings
) -> None:
    one, two = nodes
    document_id = file_report(one, demo["ansatt"])
    document = session.get(CaseDocument, document_id)
    assert document is not None and document.status == "final"
    archived = session.execute(
        select(ArchivedFile).where(
            ArchivedFile.document_id == document_id, ArchivedFile.format == "docx"
        )
    ).scalar_one()

    url = f"/saker/{document.case_id}/dokumenter/{document_id}/docx"
    downloads = [logged_in(node, demo["ledelse"]).get(url) for node in (two, one)]

    stored = FolderArchive(shared.output_dir / "archive").get(archived.sha256, "docx")
    for reply in downloads:
        assert reply.status == 200, reply.text[:2000]
        assert "wordprocessingml" in (reply.headers.get("Content-Type") or "")
        assert reply.content == stored
        assert hashlib.sha256(reply.content).hexdigest() == archived.sha256


# --- 2. a job queued on one node, run by the worker, downloaded through the other -------


@pytest.mark.slow
def test_a_job_queued_on_one_node_is_run_by_the_worker_and_downloaded_from_the_other(
    nodes: Nodes,
    session: Session,
    demo: dict[str, str],
    shared: Settings,
    tmp_path: Path,
    converter: ConverterService,
) -> None:
    one, two = nodes
    document_id = file_report(one, demo["ansatt"])
    document = session.get(CaseDocument, document_id)
    assert document is not None
    case_page = f"/saker/{document.case_id}"
    rektor = logged_in(one, demo["ledelse"])
    started = rektor.post(f"{case_page}/samlet-pdf", {"csrf_token": rektor.csrf_token(case_page)})
    assert started.status == 302, one.log()[-3000:]
    match = re.fullmatch(r"/jobber/(\d+)", started.location or "")
    assert match, started.location
    job_id = int(match.group(1))
    on_two = same_browser(rektor, two)

    # No worker runs yet: the message waits in Redis, and the other node shows the job.
    assert queued_runs(shared) == [(job_id,)]
    waiting = json.loads(on_two.get(f"/jobber/{job_id}/status").text)
    assert waiting["status"] == QUEUED and waiting["progress"] == 0
    assert "Venter i kø" in on_two.get(f"/jobber/{job_id}").text

    with live_worker(shared, env={"INSTANCE_DIR": str(tmp_path / "worker")}) as worker:
        seen = [waiting]
        deadline = time.monotonic() + JOB_WAIT_SECONDS
        while not seen[-1]["finished"]:
            assert time.monotonic() < deadline, worker.log()[-3000:]
            time.sleep(0.2)
            reply = on_two.get(f"/jobber/{job_id}/status")
            assert reply.status == 200, two.log()[-3000:]
            seen.append(json.loads(reply.text))
    done = seen[-1]
    assert done["status"] == DONE, (done, worker.log()[-3000:])
    assert done["progress"] == 100 and done["download_url"] == f"/jobber/{job_id}/fil"
    # The progress the other node showed never went back.
    progress = [state["progress"] for state in seen]
    assert progress == sorted(progress)

    download = on_two.get(done["download_url"])
    assert download.status == 200, two.log()[-3000:]
    assert download.content.startswith(b"%PDF")
    session.expire_all()
    job = session.get(Job, job_id)
    assert job is not None and job.result_sha256 is not None
    stored = job_file(shared.output_dir, job)
    assert download.content == stored
    assert (job_id,) not in queued_runs(shared)


# --- 3. a login session works on both nodes, and a logout ends it on both ---------------


def test_a_login_on_one_node_works_on_the_other_and_a_logout_ends_it_on_both(
    nodes: Nodes, session: Session, demo: dict[str, str]
) -> None:
    one, two = nodes
    browser = logged_in(one, demo["ledelse"])
    on_two = same_browser(browser, two)
    # Without the cookie the other node sends to the login page; with it, it answers.
    stranger = two.client().get("/saker")
    assert shows_login(stranger.status, stranger.location)
    assert on_two.get("/saker").status == 200
    assert browser.get("/saker").status == 200
    kept = copied_browser(browser, one)

    logout = on_two.post("/logg-ut", {"csrf_token": on_two.csrf_token("/")})
    assert logout.status == 302

    # The cookie kept from before the logout opens nothing on either node.
    for node in (one, two):
        again = copied_browser(kept, node).get("/saker")
        assert shows_login(again.status, again.location), node.url
    session.expire_all()
    logins = session.execute(select(LoginSession)).scalars().all()
    assert len(logins) == 1 and logins[0].ended_at is not None


# --- 4. login throttling counts across both nodes --------------------------------------


def test_wrong_passwords_split_across_both_nodes_lock_the_account_at_the_policys_number(
    nodes: Nodes, session: Session, demo: dict[str, str]
) -> None:
    email = demo["ansatt"]
    replies = []
    # Each guess from an address of its own, the nodes taking turns: neither node sees
    # more than half the failures, and no address alone gets far.
    for number in range(1, POLICY.lock_after_failures + 1):
        node = nodes[number % 2]
        headers = {"X-Forwarded-For": f"198.51.100.{number}"}
        client = node.client()
        form = {
            "csrf_token": client.csrf_token("/logg-inn", headers),
            "email": email,
            "password": WRONG,
        }
        replies.append(client.post("/logg-inn", form, headers))

    assert [r.status for r in replies] == [200] * POLICY.lock_after_failures
    assert all(WRONG_CREDENTIALS in r.text for r in replies[:-1])
    assert LOCKED in replies[-1].text
    session.expire_all()
    throttle = session.get(LoginThrottle, f"konto:{email}")
    assert throttle is not None and throttle.failures == POLICY.lock_after_failures
    failed = session.execute(
        select(AuditEvent).where(AuditEvent.action == "login.failed").order_by(AuditEvent.id)
    ).scalars()
    counted = [json.loads(event.details or "{}")["failures"] for event in failed]
    assert counted == list(range(1, POLICY.lock_after_failures + 1))

    # The right password from an address that guessed is refused on both nodes.
    for number, node in ((1, nodes[0]), (2, nodes[1])):
        headers = {"X-Forwarded-For": f"198.51.100.{number}"}
        client = node.client()
        form = {
            "csrf_token": client.csrf_token("/logg-inn", headers),
            "email": email,
            "password": DEMO_PASSWORD,
        }
        reply = client.post("/logg-inn", form, headers)
        assert reply.status == 200 and LOCKED in reply.text, node.url


# --- the setting that keeps the queues apart ---------------------------------------------


def test_the_job_queue_name_comes_from_the_environment_and_refuses_what_huey_would_change(
    tmp_path: Path,
) -> None:
    base = {"TRYGG_ENV": "testing", "INSTANCE_DIR": str(tmp_path)}
    assert settings_from_env(base, tmp_path).job_queue_name == "trygg"
    named = settings_from_env({**base, "JOB_QUEUE_NAME": "kommune_2"}, tmp_path)
    assert named.job_queue_name == "kommune_2"
    # huey drops "-" from a name: "kommune-2" would quietly share "kommune2"'s queue.
    with pytest.raises(ConfigError, match="JOB_QUEUE_NAME"):
        settings_from_env({**base, "JOB_QUEUE_NAME": "kommune-2"}, tmp_path)
