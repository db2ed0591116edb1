"""Notices through a real local SMTP server (aiosmtpd) and through the outbox folder."""

from __future__ import annotations

import logging
import re
import stat
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.smtp_server import StartServer, free_port, servers
from trygg.config import SmtpSettings
from trygg.mail import FOOTER, GREETING, KINDS, OTHER_FOOTERS, Mailer, MailError, notice

LINK = "https://trygg.example.no/saker/17"
SENDER = "trygg@example.no"
# Every line a notice body may have, apart from its link.
FIXED_LINES = {
    GREETING,
    FOOTER,
    *OTHER_FOOTERS.values(),
    *(sentence for _subject, sentence in KINDS.values()),
}
# Headers a notice may carry; any other header could smuggle case content past the table.
HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
}


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    # A fixture, so every server is stopped even when the test fails.
    with servers() as start:
        yield start


def assert_only_fixed_text(message: EmailMessage, kind: str, to: str, link: str) -> None:
    subject, sentence = KINDS[kind]
    assert set(message.keys()) == HEADERS
    assert message["Subject"] == subject
    assert message["To"] == to
    assert message["From"] == SENDER
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    lines = [line for line in body.splitlines() if line]
    assert sentence in lines and link in lines
    assert set(lines) <= FIXED_LINES | {link}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_notice_of_every_kind_has_link_footer_and_nothing_else(kind: str) -> None:
    subject, sentence = KINDS[kind]
    item = notice("rektor@skole.example.no", kind, LINK)
    assert item.subject == subject
    assert item.link == LINK
    footer = OTHER_FOOTERS.get(kind, FOOTER)
    assert item.body == f"{GREETING}\n\n{sentence}\n\n{LINK}\n\n{footer}\n"
    # Only case notices may speak of "saken".
    assert ("saken" in item.body) == (kind not in OTHER_FOOTERS)


def test_unknown_kind_and_malformed_values_are_refused() -> None:
    with pytest.raises(KeyError):
        notice("rektor@skole.example.no", "case_text", LINK)
    with pytest.raises(ValueError, match="absolute"):
        notice("rektor@skole.example.no", "assigned", "/saker/17")
    with pytest.raises(ValueError, match="address"):
        notice("rektor@skole.example.no\r\nBcc: alle@example.no", "assigned", LINK)


def test_smtp_delivers_a_batch_with_fixed_text_only(start_server: StartServer) -> None:
    collector, port = start_server()
    mailer = Mailer(SmtpSettings(host="127.0.0.1", port=port, sender=SENDER), Path("unused"))
    notices = [
        notice("rektor@skole.example.no", "section_12_5", LINK),
        notice("laerer@skole.example.no", "deadline", LINK + "/frister"),
    ]

    assert mailer.send(notices) == ["smtp", "smtp"]

    assert [e.rcpt_tos for e in collector.envelopes] == [[n.to] for n in notices]
    assert {e.mail_from for e in collector.envelopes} == {SENDER}
    first, second = collector.messages()
    assert_only_fixed_text(first, "section_12_5", "rektor@skole.example.no", LINK)
    assert_only_fixed_text(second, "deadline", "laerer@skole.example.no", LINK + "/frister")
    assert first["Message-ID"] != second["Message-ID"]
    assert first["Message-ID"].endswith("@example.no>")


def test_smtp_login_and_a_refused_password(start_server: StartServer) -> None:
    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data == (b"trygg", b"riktig-passord")
        # handled=False: aiosmtpd then answers 535 itself instead of leaving the client waiting.
        return AuthResult(success=ok, handled=False)

    # Plain-text AUTH only because this server is on loopback inside the test.
    collector, port = start_server(authenticator=authenticator, auth_require_tls=False)
    good = SmtpSettings("127.0.0.1", port, "trygg", "riktig-passord", sender=SENDER)
    assert Mailer(good, Path("unused")).send([notice("a@example.no", "assigned", LINK)])
    assert len(collector.envelopes) == 1

    bad = SmtpSettings("127.0.0.1", port, "trygg", "hemmelig-feil-passord", sender=SENDER)
    with pytest.raises(MailError) as raised:
        Mailer(bad, Path("unused")).send([notice("a@example.no", "assigned", LINK)])
    assert "innloggingen" in str(raised.value)
    assert "hemmelig" not in str(raised.value)
    assert len(collector.envelopes) == 1


def test_unreachable_smtp_server_raises_a_norwegian_mail_error() -> None:
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), username="u", password="hemmelig")
    with pytest.raises(MailError) as raised:
        Mailer(closed, Path("unused")).send([notice("a@example.no", "new_report", LINK)])
    assert str(raised.value).startswith("Kunne ikke sende e-post")
    assert "hemmelig" not in str(raised.value)
    assert raised.value.delivered == 0


def test_outbox_writes_parseable_eml_files_atomically(tmp_path: Path) -> None:
    outbox = tmp_path / "output" / "outbox"
    mailer = Mailer(SmtpSettings(sender=SENDER), outbox)
    notices = [
        notice("rektor@skole.example.no", "new_report", LINK),
        notice("eier@kommune.example.no", "owner_report", LINK),
    ]

    paths = [Path(p) for p in mailer.send(notices)]

    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    # Only the two messages: no temporary file is left behind.
    assert sorted(outbox.iterdir()) == sorted(paths)
    for path, item, kind in zip(paths, notices, ["new_report", "owner_report"], strict=True):
        assert path.parent == outbox
        # Timestamp and randomness only: nothing of the recipient or the case in the name.
        assert re.fullmatch(r"\d{8}T\d{6}\.\d{6}Z_[0-9a-f]{16}\.eml", path.name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        assert_only_fixed_text(message, kind, item.to, LINK)


def test_outbox_tightens_an_existing_folder(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir(mode=0o755)
    Mailer(SmtpSettings(sender=SENDER), outbox).send([notice("a@example.no", "assigned", LINK)])
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700


def test_an_empty_batch_sends_nothing(tmp_path: Path) -> None:
    assert Mailer(SmtpSettings(), tmp_path / "outbox").send([]) == []
    assert not (tmp_path / "outbox").exists()


def test_an_unwritable_outbox_raises_a_norwegian_mail_error(tmp_path: Path) -> None:
    blocked = tmp_path / "outbox"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(MailError, match="utboksen"):
        Mailer(SmtpSettings(), blocked).send([notice("a@example.no", "assigned", LINK)])


def test_logs_above_debug_name_no_recipient(
    start_server: StartServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="trygg.mail")
    _collector, port = start_server()
    item = notice("rektor@skole.example.no", "new_report", LINK)
    Mailer(SmtpSettings(host="127.0.0.1", port=port), tmp_path).send([item])
    Mailer(SmtpSettings(), tmp_path / "outbox").send([item])
    with pytest.raises(MailError):
        Mailer(SmtpSettings(host="127.0.0.1", port=free_port()), tmp_path).send([item])

    above_debug = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert len(above_debug) == 3
    assert not [text for text in above_debug if "rektor" in text or LINK in text]
    # DEBUG may name the address, for an operator tracing one delivery.
    assert any("rektor@skole.example.no" in r.getMessage() for r in caplog.records)
