"""A crash in the middle of archiving loses nothing that was promised and leaves nothing
half-written: after SIGKILL every archived row has its file with the right SHA-256, the
archive holds no partial or temporary file, the audit chain is whole, and the restarted
server files reports again.

Two crashes: the whole gunicorn server (master and workers) killed while reporters file
meldeskjemaer as fast as it takes them, and a process killed while it writes a large file
into the archive (a moment the server run may or may not hit)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_PASSWORD
from tests.factories.users import demo_email
from tests.live_server import Client, live_server
from tests.report_pages import report_form
from trygg.accounts.roles import ANSATT, KONTAKTLAERER, LEDELSE
from trygg.archive import INCOMING_PREFIX, FolderArchive
from trygg.models import ArchivedFile

pytestmark = pytest.mark.slow

REPORTERS = (demo_email(ANSATT), demo_email(KONTAKTLAERER), demo_email(LEDELSE))
# Liveness limit only: how long the reporters may take to archive the first documents.
FIRST_FILES_TIMEOUT_SECONDS = 60.0


def archive_files(archive: FolderArchive) -> list[Path]:
    return [path for path in archive.root.rglob("*") if path.is_file()]


def assert_archive_whole(session: Session, archive: FolderArchive) -> int:
    """Every row's file is there and intact, and every file in the archive is a complete
    document under its own hash: nothing partial, nothing temporary."""
    session.expire_all()
    rows = session.execute(select(ArchivedFile)).scalars().all()
    for row in rows:
        assert archive.get(row.sha256, row.format)  # ArchiveDamaged if missing or altered
    for path in archive_files(archive):
        sha256, _, ext = path.name.partition(".")
        assert path.parent.name == sha256[:2] and ext in ("docx", "pdf"), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, path
    return len(rows)


def test_killing_the_server_while_it_archives_loses_and_leaves_nothing(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    settings = app.extensions["trygg.settings"]
    archive = FolderArchive(settings.output_dir / "archive")
    answers: list[int] = []
    stop = threading.Event()

    with live_server(settings, workers=2, threads=2) as server:
        clients: list[tuple[Client, str]] = []
        for email in REPORTERS:
            client = server.client()
            client.log_in(email, DEMO_PASSWORD)
            clients.append((client, client.csrf_token("/meldinger/ny")))

        def keep_reporting(index: int) -> None:
            client, token = clients[index]
            number = index * 1000
            while not stop.is_set():
                number += 1
                try:
                    answers.append(client.post("/meldinger/ny", report_form(number, token)).status)
                except OSError:
                    return  # the server is gone: the connection broke mid-request

        reporters = [
            threading.Thread(target=keep_reporting, args=(i,)) for i in range(len(clients))
        ]
        for thread in reporters:
            thread.start()
        deadline = time.monotonic() + FIRST_FILES_TIMEOUT_SECONDS
        while len(archive_files(archive)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        # Master and workers at once, in the middle of whatever they are doing.
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)
        stop.set()
        for thread in reporters:
            thread.join(timeout=70)
        log = server.log()

    assert 302 in answers, log[-3000:]
    assert all(status == 302 for status in answers), (answers, log[-3000:])
    archived = assert_archive_whole(session, archive)
    assert archived >= answers.count(302)  # every receipt shown was archived

    # Restarted on the same database and archive, it files again and the chain is whole.
    with live_server(settings, workers=1, threads=1) as server:
        client = server.client()
        client.log_in(REPORTERS[0], DEMO_PASSWORD)
        reply = client.post("/meldinger/ny", report_form(99999, client.csrf_token("/meldinger/ny")))
        assert reply.status == 302, server.log()[-3000:]
    assert assert_archive_whole(session, archive) == archived + 1
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


# Writes a 4 MiB document into the archive through a disk slowed to a stop after its first
# MiB (os.write is wrapped; the archive's code and the file system are the real ones), so
# the test's SIGKILL lands in the middle of the file, every time.
_WRITER = """
import os, sys, time
from pathlib import Path
from trygg.archive import INCOMING_PREFIX, FolderArchive
real_write = os.write
def first_mib_then_wait(fd, data):
    written = real_write(fd, bytes(data[: 2**20]))
    print("writing", flush=True)
    time.sleep(60)
    return written
os.write = first_mib_then_wait
FolderArchive(Path(sys.argv[1])).put(bytes(range(256)) * 2**14, "pdf")
"""
CONTENT = bytes(range(256)) * 2**14


@pytest.mark.parametrize("o_tmpfile", [True, False], ids=["o_tmpfile", "renamed"])
def test_a_process_killed_in_the_middle_of_a_file_leaves_no_partial_file(
    tmp_path: Path, o_tmpfile: bool
) -> None:
    archive = FolderArchive(tmp_path / "archive")
    code = _WRITER if o_tmpfile else "import os\ndel os.O_TMPFILE\n" + _WRITER
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(archive.root)],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    with writer.stdout:
        assert writer.stdout.readline().strip() == "writing"
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=15)

    sha256 = hashlib.sha256(CONTENT).hexdigest()
    leftovers = archive_files(archive)
    if o_tmpfile:
        # The unnamed file died with the process: there is nothing to clean.
        assert leftovers == []
    else:
        # The portable path leaves its temporary file, which is never an address: never
        # served, never counted, overwritten by nothing.
        assert [path.name[: len(INCOMING_PREFIX)] for path in leftovers] == [INCOMING_PREFIX]
        assert leftovers[0].stat().st_size == 2**20
    assert not archive.contains(sha256, "pdf")
    # Writing it again works and gives the whole document.
    assert archive.put(CONTENT, "pdf") == sha256
    assert archive.get(sha256, "pdf") == CONTENT
