"""`flask create-user` and `flask create-school`: setting up a real installation."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from database import db
from trygg import audit
from trygg.accounts.organisation import (
    ensure_municipality,
    ensure_school,
    find_municipality,
    find_school,
)
from trygg.accounts.roles import ROLE_CODES
from trygg.accounts.users import NewUser, create_user
from trygg.errors import DomainError

CLI_ACTOR = audit.Initiator(user_id=None, email="cli")


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Passord", hide_input=True, confirmation_prompt="Gjenta passord"))
    return sys.stdin.readline().rstrip("\n")


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--name", required=True, help="Fullt navn.")
    # Checked by the domain, so the refusal is Norwegian like every other message here.
    @click.option("--role", required=True, help="Én av: " + ", ".join(sorted(ROLE_CODES)) + ".")
    @click.option("--school", default=None, help="Skolens navn (for skolebundne roller).")
    @click.option("--municipality", default=None, help="Kommunens navn (om det finnes flere).")
    @click.option("--title", default="", help="Tittel, f.eks. «rektor».")
    def create_user_command(
        email: str, name: str, role: str, school: str | None, municipality: str | None, title: str
    ) -> None:
        """Oppretter en bruker. Passordet leses fra standard inn, eller spørres om."""
        password = _read_password()
        if not password:
            raise click.ClickException("Passordet kan ikke være tomt.")
        try:
            school_row = find_school(db.session, school) if school else None
            owner = (
                school_row.municipality
                if school_row
                else find_municipality(db.session, municipality)
            )
            user = create_user(
                db.session,
                current_app.extensions["trygg.passwords"],
                NewUser(
                    email=email,
                    name=name,
                    role=role,
                    municipality_id=owner.id,
                    school_id=school_row.id if school_row else None,
                    title=title,
                    password=password,
                ),
                CLI_ACTOR,
            )
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Opprettet {user.email} ({role}).")

    @app.cli.command("create-school")
    @click.argument("name")
    @click.option("--municipality", required=True, help="Kommunens navn; opprettes om den mangler.")
    @click.option("--owner-contact", default="", help="Skoleeiers kontakt for § 12-5-meldinger.")
    def create_school_command(name: str, municipality: str, owner_contact: str) -> None:
        """Oppretter en skole (og kommunen, om den ikke finnes)."""
        owner = ensure_municipality(db.session, municipality, owner_contact, CLI_ACTOR)
        school = ensure_school(db.session, owner, name, CLI_ACTOR)
        db.session.commit()
        click.echo(f"Skolen «{school.name}» finnes i {owner.name}.")
