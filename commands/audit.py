"""`flask audit-verify`: walk the hash chain and name the first broken event."""

from __future__ import annotations

import click
from flask import Flask

from database import db
from trygg.audit import verify_chain


def register(app: Flask) -> None:
    @app.cli.command("audit-verify")
    def audit_verify() -> None:
        """Kontrollerer at loggen ikke er endret."""
        report = verify_chain(db.session)
        if report.intact:
            click.echo(f"OK: {report.events_checked} hendelser, kjeden er hel.")
            return
        click.echo(
            f"BRUTT: hendelse {report.first_broken_id}: {report.problem} "
            f"({report.events_checked} hendelser lest).",
            err=True,
        )
        raise SystemExit(1)
