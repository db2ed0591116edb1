"""`flask send-reminders`: what is due today, in the app and by e-mail. Run it from cron."""

from __future__ import annotations

import click
from flask import Flask, current_app

from database import db
from trygg.calendar.clock import oslo_now
from trygg.cases import reminders
from trygg.config import Settings
from trygg.jobs.cleanup import expire_old_jobs, remove_files
from trygg.jobs.outputs import open_outputs
from trygg.models import utcnow
from trygg.models.security import prune


def register(app: Flask) -> None:
    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Sender påminnelser om frister (i appen og på e-post), glemmer gamle innloggingsforsøk
        og sletter gamle eksportfiler."""
        settings: Settings = current_app.extensions["trygg.settings"]
        result = reminders.run(
            db.session,
            reminders.mailer_for(settings),
            settings.base_url,
            oslo_now().date(),
            utcnow(),
        )
        db.session.commit()
        # The same daily run forgets the login throttle's rows that hold nothing back (after
        # the commit: on SQLite a second connection would wait for the session's lock).
        with db.engine.begin() as connection:
            forgotten = prune(connection, settings.login_policy, utcnow())
        # Old jobs' files (trygg.jobs.cleanup): the rows first, the files after the commit.
        cleanup = expire_old_jobs(db.session, utcnow(), settings.job_results_kept)
        db.session.commit()
        remove_files(db.session, open_outputs(settings))
        click.echo(
            f"Påminnelser: {result.alerts} nye varsler, {result.emailed} e-poster sendt, "
            f"{result.failed} feilet. Gamle innloggingsforsøk glemt: {forgotten}. "
            f"Gamle eksportfiler slettet: {len(cleanup.expired)}."
        )
        if result.failed:
            raise SystemExit(1)
