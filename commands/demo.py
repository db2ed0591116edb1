"""`flask seed-demo`: demo data the first time, the same data every time after."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app

from database import db
from trygg.archive import open_archive
from trygg.calendar.clock import oslo_now
from trygg.config import Settings
from trygg.demo.cases import seed_demo_cases
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.school_plan import seed_demo_plan
from trygg.demo.seed import demo_accounts, seed_demo
from trygg.demo.year import seed_demo_year
from trygg.models import utcnow


def _demo_password(instance: Path) -> str:
    # One random password for all demo users, kept beside the database it belongs to, so
    # no password is committed and a re-run prints the same one.
    path = instance / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    instance.mkdir(parents=True, exist_ok=True)
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Lager demodata (Oslo kommune, to skoler, én bruker per rolle) om de mangler."""
        password = _demo_password(Path(current_app.instance_path))
        created = seed_demo(db.session, current_app.extensions["trygg.passwords"], password)
        db.session.commit()
        click.echo(f"Demodata: {created} nye brukere." if created else "Demodata finnes fra før.")
        settings: Settings = current_app.extensions["trygg.settings"]
        if pupils := seed_demo_pupils(db.session, utcnow()):
            db.session.commit()
            click.echo(f"Elevregister: {pupils} elever på demoskolene.")
        cases = seed_demo_cases(db.session, open_archive(settings), oslo_now().date())
        db.session.commit()
        if cases:
            click.echo(f"Demosaker: {cases} saker på Nordpolen skole.")
        if seed_demo_plan(db.session, open_archive(settings), oslo_now().date()):
            db.session.commit()
            click.echo("Demoplan: skolens plan er publisert på Nordpolen skole.")
        if year := seed_demo_year(db.session, open_archive(settings), oslo_now().date()):
            db.session.commit()
            click.echo(f"Skoleåret: {year} saker til oversikten og tallene.")
        click.echo("Demobrukere (samme passord for alle):")
        for account in demo_accounts():
            click.echo(f"  {account.email:42} {account.role:14} {account.school or 'Oslo kommune'}")
        click.echo(f"Passord: {password}")
