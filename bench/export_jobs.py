"""Benchmark: two exports that became background jobs, per item, measured side by side.

Run from the repository root: .venv/bin/python -m bench.export_jobs [--people N] [--cases N]
On a temporary SQLite file; BENCH_DATABASE_URL (an empty PostgreSQL database or schema)
runs it there instead. < 60 s at the defaults.

1. Invitations through a real SMTP server on loopback (aiosmtpd): the old in-request batch
   (password_links.send_invitations: one SMTP connection for all, one audit event per
   person, one commit) against the job's path (trygg.jobs.invitations: a connection, three
   audit events and two commits per person, so a crash loses nobody's record), per
   person, and their ratio. Goal: a few ms per person, so a school of 300 is invited
   within a minute, in the background.
2. The school owner's file of every routed case's key (trygg.cases.key_export): per case,
   and the share of it the audit event per case takes (measured alone, side by side).
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from database import db
from trygg import audit
from trygg.accounts.password_links import invitation_link, send_invitations
from trygg.accounts.passwords import PasswordHashing
from trygg.accounts.principal import Principal
from trygg.accounts.roles import ADMIN, SKOLEEIER
from trygg.accounts.staff_import import StaffRow, import_staff
from trygg.archive import open_archive
from trygg.cases.key_export import export_all_keys
from trygg.cases.reminders import mailer_for
from trygg.config import Settings, SmtpSettings
from trygg.demo.seed import seed_demo
from trygg.jobs import invitations
from trygg.jobs.context import ExportContext
from trygg.models import Case, CaseActor, User, utcnow


class Counter:
    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        self.accepted += 1
        return "250 Message accepted"


def settings_for(folder: Path, port: int) -> Settings:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    return Settings(
        environment="testing",
        secret_key="bench-" + uuid.uuid4().hex,
        database_url=url,
        output_dir=folder / "output",
        instance_dir=folder / "instance",
        secure_cookies=False,
        password_hashing=PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1),
        smtp=SmtpSettings(host="127.0.0.1", port=port),
    )


def staff(session: Session, settings: Settings, admin: User, tag: str, count: int) -> list[User]:
    from trygg.accounts.passwords import Passwords

    rows = tuple(
        StaffRow(i, f"Ansatt {tag}{i}", f"{tag}{i}@bench.trygg.no", "lærer", "ansatt")
        for i in range(count)
    )
    by = audit.Initiator(admin.id, admin.email)
    result = import_staff(
        session,
        Passwords(settings.password_hashing),
        rows,
        admin.school_id or 0,
        Principal.of(admin),
        by,
    )
    session.commit()
    return [session.get(User, user_id) for user_id in result.user_ids]  # type: ignore[misc]


def bench_invitations(session: Session, settings: Settings, people: int, server: Counter) -> None:
    admin = session.scalars(
        select(User).where(User.role_code == ADMIN, User.school_id.is_not(None))
    ).first()
    assert admin is not None
    by = audit.Initiator(admin.id, admin.email)
    old_users = staff(session, settings, admin, "gammel", people)
    job_users = staff(session, settings, admin, "jobb", people)

    started = time.perf_counter()
    send_invitations(
        session,
        settings.secret_key,
        old_users,
        mailer_for(settings),
        lambda token: f"{settings.base_url}/konto/nytt-passord/{token}",
        by,
        utcnow(),
    )
    session.commit()
    old = time.perf_counter() - started

    batch = invitations.queue_invitations(
        session, Principal.of(admin), admin.school_id or 0, [u.id for u in job_users], by, utcnow()
    )
    session.commit()
    context = ExportContext(
        session,
        open_archive(settings),
        None,
        admin,
        utcnow(),
        lambda done, total: session.commit(),
        settings=settings,
    )
    started = time.perf_counter()
    invitations.send_batch(context, batch)
    session.commit()
    job = time.perf_counter() - started
    assert server.accepted == 2 * people, server.accepted
    assert invitation_link(settings.base_url, settings.secret_key, job_users[0])
    print(f"Invitations, {people} people, per person (SMTP on loopback):")
    print(f"  in the request, one batch        {old / people * 1000:8.2f} ms")
    print(f"  the job, one by one, each logged {job / people * 1000:8.2f} ms")
    print(f"  ratio job / request              {job / old:8.1f}x")
    print(f"  a school of 300 by the job       {job / people * 300:8.1f} s")


def bench_keys(session: Session, cases: int) -> None:
    owner = session.scalars(select(User).where(User.role_code == SKOLEEIER)).first()
    admin = session.scalars(select(User).where(User.school_id.is_not(None))).first()
    assert owner is not None and admin is not None and admin.school_id is not None
    for number in range(cases):
        case = Case(
            reference=f"2026/{number:05d}",
            school_id=admin.school_id,
            pupil_name=f"Elev Nummer {number}",
            pupil_key=f"elev nummer {number}|5a",
            pupil_class="5A",
            leadership_suspected=True,
            staff_suspected=True,
        )
        case.actors = [
            CaseActor(key=f"p{i}", kind="pupil", name=f"Medelev {number}-{i}", label=f"Elev {i}")
            for i in range(4)
        ]
        session.add(case)
    session.commit()
    principal = Principal.of(owner)
    by = audit.Initiator(owner.id, owner.email)

    started = time.perf_counter()
    file = export_all_keys(session, principal, by, utcnow(), lambda done, total: None, 1)
    session.commit()
    whole = time.perf_counter() - started

    started = time.perf_counter()
    for number in range(cases):
        audit.record(session, by, "bench.audit_only", "case", str(number), {"rows": 5, "job": 1})
    session.commit()
    audit_only = time.perf_counter() - started
    print(f"Key file, {cases} routed cases ({file.rows} lines, {len(file.content) // 1024} KB):")
    print(f"  per case, all told               {whole / cases * 1000:8.2f} ms")
    print(f"  of which the audit event alone   {audit_only / cases * 1000:8.2f} ms")
    print(f"  share of the audit               {audit_only / whole:8.0%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    server = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = settings_for(Path(folder), port)
            app = create_app(settings)
            with app.app_context():
                db.create_all()
                with Session(db.engine) as session:
                    seed_demo(session, app.extensions["trygg.passwords"], "bench-passord-123")
                    session.commit()
                    print(f"Database: {db.engine.dialect.name}")
                    bench_invitations(session, settings, args.people, server)
                    bench_keys(session, args.cases)
                db.engine.dispose()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
