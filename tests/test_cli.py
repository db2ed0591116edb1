"""The Flask CLI: create-school, create-user, seed-demo and audit-verify."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import log_in
from trygg.demo.seed import demo_accounts
from trygg.models import AuditEvent, LoginThrottle, Municipality, School, User, utcnow

PASSWORD = "et langt passord"
SCHOOL = "Bjørnholt skole"
MUNICIPALITY = "Testkommune"


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def user_count(session: Session) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def create_school(app: Flask, name: str = SCHOOL) -> Result:
    result = run(app, "create-school", name, "--municipality", MUNICIPALITY)
    assert result.exit_code == 0, result.output
    return result


def create_user(app: Flask, *extra: str, input: str | None = PASSWORD + "\n") -> Result:
    return run(
        app,
        "create-user",
        "Hilde.Moe@Bjornholt.no",
        "--name",
        "Hilde Moe",
        "--role",
        "ledelse",
        *extra,
        input=input,
    )


def test_create_school_then_user_who_can_log_in(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    result = create_school(app)
    assert f"Skolen «{SCHOOL}» finnes i {MUNICIPALITY}." in result.output
    school = session.execute(select(School).where(School.name == SCHOOL)).scalar_one()
    assert school.municipality.name == MUNICIPALITY

    result = create_user(app, "--school", SCHOOL, "--title", "rektor")
    assert result.exit_code == 0, result.output
    assert "Opprettet hilde.moe@bjornholt.no (ledelse)." in result.output
    assert PASSWORD not in result.output

    user = session.execute(select(User).where(User.email == "hilde.moe@bjornholt.no")).scalar_one()
    assert (user.name, user.role_code, user.title) == ("Hilde Moe", "ledelse", "rektor")
    assert user.school_id == school.id and user.municipality_id == school.municipality_id
    assert user.password_hash and PASSWORD not in user.password_hash

    log_in(client, "hilde.moe@bjornholt.no", PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert "Hilde Moe" in home and SCHOOL in home

    actions = session.execute(select(AuditEvent.action, AuditEvent.actor_email)).all()
    assert ("municipality.created", "cli") in actions
    assert ("school.created", "cli") in actions
    assert ("user.created", "cli") in actions


def test_create_school_twice_creates_it_once(app: Flask, session: Session) -> None:
    create_school(app)
    result = create_school(app)
    assert f"Skolen «{SCHOOL}» finnes i {MUNICIPALITY}." in result.output
    assert session.execute(select(func.count()).select_from(School)).scalar_one() == 1
    assert session.execute(select(func.count()).select_from(Municipality)).scalar_one() == 1


def test_municipality_admin_without_school(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    create_school(app)
    result = run(
        app,
        "create-user",
        "it@testkommune.no",
        "--name",
        "Jon Berge",
        "--role",
        "admin",
        "--municipality",
        MUNICIPALITY,
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = session.execute(select(User).where(User.email == "it@testkommune.no")).scalar_one()
    assert user.school_id is None
    log_in(client, "it@testkommune.no", PASSWORD)
    assert client.get("/admin/logg").status_code == 200


def test_unknown_school_fails_in_norwegian_and_creates_nobody(app: Flask, session: Session) -> None:
    create_school(app)
    before = user_count(session)
    result = create_user(app, "--school", "Finnes Ikke skole")
    assert result.exit_code != 0
    assert "Skolen «Finnes Ikke skole» finnes ikke." in result.output
    assert user_count(session) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "Rollen «Skoleledelse» må høre til en skole."),
        (("--school", SCHOOL, "--municipality", "Annen kommune"), None),
    ],
    ids=["school-role-without-school", "school-wins-over-municipality"],
)
def test_placement_rules_apply_on_the_command_line(
    app: Flask, session: Session, extra: tuple[str, ...], message: str | None
) -> None:
    create_school(app)
    result = create_user(app, *extra)
    if message is None:
        assert result.exit_code == 0, result.output
        assert user_count(session) == 1
    else:
        assert result.exit_code != 0
        assert message in result.output
        assert user_count(session) == 0


def test_bad_role_fails_and_creates_nobody(app: Flask, session: Session) -> None:
    create_school(app)
    result = run(
        app,
        "create-user",
        "per@bjornholt.no",
        "--name",
        "Per Olsen",
        "--role",
        "rektor",
        "--school",
        SCHOOL,
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0
    assert "rektor" in result.output
    assert user_count(session) == 0


def test_bad_role_message_is_norwegian(app: Flask) -> None:
    create_school(app)
    result = create_user(app, "--school", SCHOOL, "--role", "rektor")
    assert result.exit_code != 0
    assert "Invalid value" not in result.output
    assert "rolle" in result.output.lower()


def test_duplicate_email_and_short_password_fail_in_norwegian(app: Flask, session: Session) -> None:
    create_school(app)
    assert create_user(app, "--school", SCHOOL).exit_code == 0
    again = create_user(app, "--school", SCHOOL)
    assert again.exit_code != 0
    assert "Det finnes allerede en bruker med e-postadressen hilde.moe@bjornholt.no." in (
        again.output
    )
    short = run(
        app,
        "create-user",
        "kort@bjornholt.no",
        "--name",
        "Kort Passord",
        "--role",
        "ansatt",
        "--school",
        SCHOOL,
        input="kort\n",
    )
    assert short.exit_code != 0
    assert "Passordet må ha minst 12 tegn." in short.output
    assert user_count(session) == 1


def test_seed_demo_twice_is_idempotent_and_prints_the_password(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert f"Demodata: {len(demo_accounts())} nye brukere." in first.output
    match = re.search(r"^Passord: (\S+)$", first.output, re.MULTILINE)
    assert match, first.output
    password = match.group(1)
    for account in demo_accounts():
        assert account.email in first.output
    count = user_count(session)
    events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert count == len(demo_accounts())

    second = run(app, "seed-demo")
    assert second.exit_code == 0, second.output
    assert "Demodata finnes fra før." in second.output
    assert f"Passord: {password}" in second.output
    assert user_count(session) == count
    session.expire_all()
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events
    assert session.execute(select(func.count()).select_from(School)).scalar_one() == 2

    log_in(client, "rektor.nordpolen@demo.trygg.no", password)
    assert "Hilde Moe" in client.get("/").get_data(as_text=True)


def test_audit_verify_on_a_fresh_chain(app: Flask) -> None:
    empty = run(app, "audit-verify")
    assert empty.exit_code == 0, empty.output
    assert empty.output.startswith("OK: 0 hendelser, kjeden er hel.")

    create_school(app)
    assert create_user(app, "--school", SCHOOL).exit_code == 0
    result = run(app, "audit-verify")
    assert result.exit_code == 0, result.output
    assert "OK: 3 hendelser, kjeden er hel." in result.output


def test_empty_password_is_refused(app: Flask, session: Session) -> None:
    create_school(app)
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "tom@bjornholt.no",
            "--name",
            "Tom",
            "--role",
            "ansatt",
            "--school",
            SCHOOL,
        ],
        input="\n",
    )
    assert result.exit_code != 0
    assert "Passordet kan ikke være tomt." in result.output
    assert user_count(session) == 0


def test_send_reminders_runs_and_forgets_old_login_attempts(app: Flask, session: Session) -> None:
    """The daily job, run as cron runs it: it answers in Norwegian and prunes the login
    throttle (a row from long ago goes, a running lock stays)."""
    now = utcnow()
    session.add_all(
        [
            LoginThrottle(
                key="ip:198.51.100.9", failures=2, last_failure_at=now - timedelta(days=3)
            ),
            LoginThrottle(
                key="konto:x@demo.trygg.no",
                failures=8,
                last_failure_at=now,
                locked_until=now + timedelta(minutes=15),
            ),
        ]
    )
    session.commit()
    result = run(app, "send-reminders")
    assert result.exit_code == 0, result.output
    assert "Gamle innloggingsforsøk glemt: 1." in result.output
    session.expire_all()
    assert set(session.execute(select(LoginThrottle.key)).scalars()) == {"konto:x@demo.trygg.no"}
