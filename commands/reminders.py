"""`flask send-reminders`: what is due today, in the app and by e-mail. Run it from cron."""

from __future__ import annotations

import click
from flask import Flask, current_app

from database import db
from trygg.calendar.clock import oslo_now
from trygg.cases import reminders
from trygg.config import Settings
from trygg.models import utcnow


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Sender påminnelser om frister (i appen og på e-post)."""
        settings: Settings = current_app.extensions["trygg.settings"]
        result = reminders.run(
            db.session,
            reminders.mailer_for(settings),
            settings.base_url,
            oslo_now().date(),
            utcnow(),
        )
        db.session.commit()
        click.echo(
            f"Påminnelser: {result.alerts} nye varsler, {result.emailed} e-poster sendt, "
            f"{result.failed} feilet."
        )
        if result.failed:
            raise SystemExit(1)
