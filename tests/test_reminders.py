"""send-reminders: what is due reaches the right people once, in the app and by e-mail
through a real SMTP server, and the e-mails carry nothing but a link."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import file, receive_and_assign, sara_report
from tests.factories.users import user
from tests.smtp_server import smtp_server
from trygg.cases import reminders
from trygg.config import SmtpSettings
from trygg.mail import Mailer
from trygg.models import Notification, SchoolDayOff

FRIDAY = dt.datetime(2026, 9, 11, 12, 0)


def alerts(session: Session, code: str) -> set[tuple[int, str]]:
    rows = session.execute(select(Notification).where(Notification.code == code)).scalars()
    return {(n.user_id, n.dedupe_key.split(":")[2]) for n in rows}


def test_investigation_reminder_counts_school_days_and_is_sent_once(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(pupil_said_so=False), FRIDAY)
    receive_and_assign(session, case, demo["ledelse"], demo["kontaktlaerer"], FRIDAY)
    rektor, handler = user(session, demo["ledelse"]).id, user(session, demo["kontaktlaerer"]).id
    mailer = Mailer(SmtpSettings(), tmp_path / "outbox")
    # Friday + 2 school days = Tuesday; Monday the deadline is "soon", nothing is overdue.
    monday = dt.date(2026, 9, 14)
    reminders.run(session, mailer, "https://trygg.example", monday, FRIDAY)
    session.commit()
    assert alerts(session, "deadline") == {(rektor, "investigate"), (handler, "investigate")}
    # A second run the same day adds nothing and sends nothing.
    again = reminders.run(session, mailer, "https://trygg.example", monday, FRIDAY)
    assert (again.alerts, again.emailed) == (0, 0)


def test_a_day_off_moves_the_deadline(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(pupil_said_so=False), FRIDAY)
    session.add(SchoolDayOff(school_id=case.school_id, day=dt.date(2026, 9, 14), reason="Plandag"))
    session.commit()
    mailer = Mailer(SmtpSettings(), tmp_path / "outbox")
    # With Monday off the deadline is Wednesday, so on Monday nothing is due yet.
    result = reminders.run(session, mailer, "https://t.example", dt.date(2026, 9, 14), FRIDAY)
    assert result.alerts == 0


def test_reminders_go_through_smtp_without_case_content(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"], sara_report(pupil_said_so=False), FRIDAY)
    with smtp_server() as (collector, port):
        mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path / "outbox")
        result = reminders.run(
            session, mailer, "https://trygg.example", dt.date(2026, 9, 16), FRIDAY
        )
        session.commit()
        messages = collector.messages()
    # The report's own alert to the rektor, then the overdue investigation.
    assert result.emailed == len(messages) == 2
    for message in messages:
        body = message.get_content()
        assert message["To"] == demo["ledelse"]
        assert f"https://trygg.example/saker/{case.id}" in body
        for secret in ("Sara", "Nilsen", "Jonas", "6B", case.reference):
            assert secret not in body and secret not in message["Subject"]
    pending = session.execute(select(Notification).where(Notification.emailed_at.is_(None)))
    assert pending.first() is None


def test_outbox_without_smtp_and_suspected_leader_gets_nothing(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    file(
        session,
        tmp_path,
        demo["ansatt"],
        sara_report(staff_suspected=True, leadership_suspected=True, suspected_name="Hilde Moe"),
        FRIDAY,
    )
    mailer = Mailer(SmtpSettings(), tmp_path / "outbox")
    result = reminders.run(session, mailer, "https://t.example", dt.date(2026, 9, 16), FRIDAY)
    session.commit()
    owner, rektor = user(session, demo["skoleeier"]).id, user(session, demo["ledelse"]).id
    recipients = {n.user_id for n in session.execute(select(Notification)).scalars()}
    assert recipients == {owner}
    assert rektor not in recipients
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == result.emailed >= 2
    assert all(demo["skoleeier"] in f.read_text() for f in files)
