"""A real SMTP server (aiosmtpd) on loopback for the mail tests, and the fixture to start it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

StartServer = Callable[..., tuple["Collector", int]]


class Collector:
    """An SMTP handler that keeps every message the server accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


def free_port() -> int:
    """A port nothing listens on (the socket is closed again before it is returned)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(
    collector: Collector | None = None, **smtp_options: Any
) -> Iterator[tuple[Collector, int]]:
    """A running server; `smtp_options` go to aiosmtpd's SMTP (auth, TLS, ...)."""
    collector = collector or Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port, **smtp_options)
    try:
        controller.start()
    except BaseException:
        # stop() closes the event loop, but only for a server that started; without this a
        # failed start leaks the loop as a ResourceWarning in some later test.
        controller.loop.close()
        raise
    try:
        yield collector, port
    finally:
        controller.stop()


@contextmanager
def servers() -> Iterator[StartServer]:
    """Starts servers on demand and stops every one of them on exit (a fixture's body)."""
    with ExitStack() as stack:
        yield lambda **options: stack.enter_context(smtp_server(**options))
