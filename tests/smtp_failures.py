"""Real SMTP servers (aiosmtpd, tests/smtp_server.py) that fail the way mail servers do:
one that refuses some recipients, and one that goes away after it has taken some mail
(it answers 421, "closing the channel", to every later sender)."""

from __future__ import annotations

from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.smtp_server import Collector


class Refusing(Collector):
    """Takes mail for everyone but `refused`; those get 550, as for an unknown mailbox.
    `refused` may be changed between sendings (the mailbox is fixed)."""

    def __init__(self, *refused: str) -> None:
        super().__init__()
        self.refused = set(refused)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class GoingAway(Collector):
    """Takes `accepts` messages, then refuses every later sender with 421: the server is
    shutting down."""

    def __init__(self, accepts: int) -> None:
        super().__init__()
        self.accepts = accepts

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(self.envelopes) >= self.accepts:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"
