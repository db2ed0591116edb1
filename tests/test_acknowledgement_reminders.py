"""send-reminders and the school's plan: every employee who has not acknowledged the
current version gets one notice (in the app and by e-mail through a real SMTP server),
those who have signed get none, and nobody gets a second one within a week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.acknowledgement_steps import NOW, plan_docx, publish_direct, sign_direct
from tests.conftest import log_in
from tests.factories.users import user
from tests.smtp_server import smtp_server
from trygg.cases import reminders
from trygg.config import SmtpSettings
from trygg.mail import Mailer
from trygg.models import Notification

BASE = "https://trygg.example"


def notices(session: Session) -> list[Notification]:
    session.expire_all()
    query = select(Notification).where(Notification.code == "school_plan")
    return list(session.execute(query.order_by(Notification.id)).scalars())


def run(session: Session, mailer: Mailer, now: dt.datetime) -> reminders.ReminderRun:
    result = reminders.run(session, mailer, BASE, now.date(), now)
    session.commit()
    return result


def test_one_notice_per_unsigned_employee_none_to_signers_none_twice(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    sign_direct(session, tmp_path, demo["kontaktlaerer"], plan)
    unsigned = {
        demo["ledelse"]: "Hilde Moe",
        demo["ansatt"]: "Mona Ruud",
        demo["admin_school"]: "Tore Lie",
    }
    with smtp_server() as (collector, port):
        mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path / "outbox")
        first = run(session, mailer, NOW)
        # Again the same day, and three days later: nothing new, nothing sent.
        again = run(session, mailer, NOW + dt.timedelta(hours=1))
        later = run(session, mailer, NOW + dt.timedelta(days=3))
        messages = collector.messages()
    assert (first.alerts, first.emailed) == (3, 3)
    assert (again.alerts, again.emailed, later.alerts, later.emailed) == (0, 0, 0, 0)
    assert sorted(m["To"] for m in messages) == sorted(unsigned)
    for message in messages:
        body = message.get_content()
        assert f"{BASE}/skolens-plan" in body
        # Only a fixed sentence and a link: no names, no plan text, no checksum.
        for secret in (*unsigned.values(), "Per Olsen", "Nordpolen", plan.sha256, "2026/2027"):
            assert secret not in body and secret not in message["Subject"]
    assert {n.user_id for n in notices(session)} == {user(session, email).id for email in unsigned}
    # Nobody from the other school, which has published nothing.
    assert all(n.case_id is None for n in notices(session))


def test_a_week_later_the_rest_are_reminded_again_and_signing_stops_it(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    mailer = Mailer(SmtpSettings(), tmp_path / "outbox")
    assert run(session, mailer, NOW).alerts == 4
    mona = user(session, demo["ansatt"])
    sign_direct(session, tmp_path, demo["ansatt"], plan, NOW + dt.timedelta(days=1))
    # Her reminder asked for exactly this: it is read now.
    assert all(n.read_at is not None for n in notices(session) if n.user_id == mona.id)
    week_later = run(session, mailer, NOW + dt.timedelta(days=7, minutes=1))
    assert week_later.alerts == 3
    assert mona.id not in {n.user_id for n in notices(session)[4:]}


def test_a_new_version_reminds_those_who_signed_the_old_one(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    plan = publish_direct(session, tmp_path)
    for key in ("ledelse", "ansatt", "kontaktlaerer", "admin_school"):
        sign_direct(session, tmp_path, demo[key], plan)
    mailer = Mailer(SmtpSettings(), tmp_path / "outbox")
    assert run(session, mailer, NOW).alerts == 0
    publish_direct(session, tmp_path, content=plan_docx("Rettet plan"))
    # Everyone is back to «not yet», and a new version is not held back by old reminders.
    assert run(session, mailer, NOW + dt.timedelta(hours=2)).alerts == 4
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 4


def test_the_reminder_in_the_app_links_to_the_plan(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    publish_direct(session, tmp_path)
    run(session, Mailer(SmtpSettings(), tmp_path / "outbox"), NOW)
    client = app.test_client()
    log_in(client, demo["ansatt"])
    page = client.get("/varsler").get_data(as_text=True)
    assert 'href="/skolens-plan"' in page and "Les og kvitter for skolens plan" in page
