"""E-mail notices: tell a person that something in Trygg needs attention, never what.

Mail leaves the municipality's systems and lands on phones and in shared mailboxes, so a
notice carries only a fixed sentence per kind and a link; the case itself stays behind the
login. Without an SMTP host (development, tests) messages go to an outbox folder as .eml
files instead, so nothing is silently dropped.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from trygg.config import SmtpSettings
from trygg.errors import DomainError

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
GREETING = "Hei,"
FOOTER = "Denne e-posten inneholder ingen opplysninger om saken. Logg inn i Trygg for å se den."

# kind -> (subject, the one sentence in the body). The only text a notice may carry: a
# subject or body built from case data could name a pupil in someone's inbox preview.
KINDS: Mapping[str, tuple[str, str]] = {
    "new_report": (
        "Ny melding om skolemiljø",
        "Det har kommet en ny melding om skolemiljøet som du må se på.",
    ),
    "section_12_5": (
        # Neutral on purpose: an inbox preview must not say that staff are suspected.
        "Haster: ny melding i Trygg",
        "Det har kommet en melding som må følges opp straks.",
    ),
    "assigned": ("Du er satt som saksbehandler", "Du er satt som saksbehandler i en sak i Trygg."),
    "deadline": (
        "En frist i Trygg nærmer seg eller er passert",
        "En frist i en sak du følger opp, nærmer seg eller er passert.",
    ),
    "owner_report": (
        "Sak meldt til skoleeier",
        "En sak er meldt til skoleeier og venter på at du ser på den.",
    ),
    "closing_proposed": (
        "Forslag om å avslutte en sak",
        "Det er foreslått å avslutte en sak. Ledelsen må bekrefte eller avslå forslaget.",
    ),
    "closing_declined": (
        "Forslaget om å avslutte saken er avslått",
        "Ledelsen har avslått forslaget om å avslutte en sak du følger opp.",
    ),
    "measure_evaluation": (
        "Et tiltak skal snart evalueres",
        "Et tiltak du har ansvar for, skal snart evalueres. Se «Mine tiltak» i Trygg.",
    ),
    "school_plan": (
        "Kvitter for skolens plan i Trygg",
        "Du har ikke kvittert for at du har lest skolens plan for trygt og godt "
        "skolemiljø. Les planen og signer kvitteringen i Trygg.",
    ),
}


class MailError(DomainError):
    """Mail could not be delivered; the message is Norwegian and safe to show. `delivered`
    counts the notices already sent, so a retry can skip them instead of sending twice."""

    def __init__(self, message: str, *, delivered: int = 0) -> None:
        super().__init__(message)
        self.delivered = delivered


@dataclass(frozen=True)
class Notice:
    to: str
    subject: str
    body: str
    link: str

    def __post_init__(self) -> None:
        # Checked here so a bad value fails where it was made, not halfway through a batch.
        if "@" not in self.to or any(c.isspace() for c in self.to):
            raise ValueError("A notice needs one plain e-mail address.")
        parts = urlsplit(self.link)
        spaced = any(c.isspace() for c in self.link)
        if parts.scheme not in ("http", "https") or not parts.netloc or spaced:
            raise ValueError("A notice link must be an absolute http(s) URL without spaces.")


# Mail about the account itself, not about a case: the link sets a password.
ACCOUNT_KINDS: Mapping[str, tuple[str, str]] = {
    "invitation": (
        "Invitasjon til Trygg",
        "Du har fått en konto i Trygg, skolens system for arbeidet med trygt og godt "
        "skolemiljø. Velg passordet ditt med lenken nedenfor. Lenken virker i 7 dager.",
    ),
    "password_reset": (
        "Nytt passord i Trygg",
        "Noen ba om å få sette nytt passord for kontoen din i Trygg. Var det deg, bruker du "
        "lenken nedenfor innen en time. Var det ikke deg, kan du se bort fra denne e-posten.",
    ),
}
ACCOUNT_FOOTER = "Lenken kan bare brukes én gang. Del den ikke med andre."
# Notices that are about no case say so differently.
OTHER_FOOTERS: Mapping[str, str] = {
    "measure_evaluation": "Denne e-posten inneholder ingen opplysninger om eleven. Logg inn i "
    "Trygg for å se tiltaket.",
    "school_plan": "Logg inn i Trygg for å lese planen og kvittere.",
}


def notice(to: str, kind: str, link: str) -> Notice:
    """The notice of one kind; an unknown kind raises KeyError rather than sending vague mail."""
    if kind in ACCOUNT_KINDS:
        subject, sentence = ACCOUNT_KINDS[kind]
        footer = ACCOUNT_FOOTER
    else:
        subject, sentence = KINDS[kind]
        footer = OTHER_FOOTERS.get(kind, FOOTER)
    body = f"{GREETING}\n\n{sentence}\n\n{link}\n\n{footer}\n"
    return Notice(to=to, subject=subject, body=body, link=link)


class Mailer:
    def __init__(self, smtp: SmtpSettings, outbox_dir: Path) -> None:
        self._smtp = smtp
        self._outbox = outbox_dir

    def send(self, notices: Sequence[Notice]) -> list[str]:
        """Deliver every notice; returns "smtp" or the .eml path for each, in order."""
        if not notices:
            return []
        messages = [self._message(item) for item in notices]
        if self._smtp.host:
            self._send_smtp(self._smtp.host, messages)
            destinations = ["smtp"] * len(messages)
        else:
            destinations = self._write_outbox(messages)
        for item, destination in zip(notices, destinations, strict=True):
            log.debug("Notice to %s went to %s", item.to, destination)
        # Counts and the kind of destination only: INFO logs are kept and shipped widely.
        log.info(
            "Delivered %d notice(s) by %s", len(messages), "smtp" if self._smtp.host else "outbox"
        )
        return destinations

    def send_attachment(
        self, to: Sequence[str], subject: str, body: str, filename: str, pdf: bytes
    ) -> list[str]:
        """One message per address with a fixed subject and body and one PDF attached
        (a copy sent home, trygg.cases.send_home_mail); the caller keeps case content
        out of subject and body. Returns "smtp" or the .eml path for each."""
        messages = []
        for address in to:
            if "@" not in address or any(c.isspace() for c in address):
                raise ValueError("A letter needs one plain e-mail address per recipient.")
            message = self._letter(address, subject, body)
            message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
            messages.append(message)
        if not messages:
            return []
        if self._smtp.host:
            self._send_smtp(self._smtp.host, messages)
            return ["smtp"] * len(messages)
        return self._write_outbox(messages)

    def _message(self, item: Notice) -> EmailMessage:
        return self._letter(item.to, item.subject, item.body)

    def _letter(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._smtp.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(UTC))
        # An explicit domain: the default asks DNS for this host's name, which can hang and
        # would put the server's internal host name in every message.
        message["Message-ID"] = make_msgid(domain=self._smtp.sender.rpartition("@")[2])
        # RFC 3834: tells mail servers and out-of-office replies that no person wrote this.
        message["Auto-Submitted"] = "auto-generated"
        # quoted-printable keeps the message 7-bit, so no relay needs 8BITMIME for "å".
        message.set_content(body, charset="utf-8", cte="quoted-printable")
        return message

    def _send_smtp(self, host: str, messages: list[EmailMessage]) -> None:
        delivered = 0
        try:
            with smtplib.SMTP(host, self._smtp.port, timeout=SMTP_TIMEOUT_SECONDS) as client:
                if self._smtp.use_tls:
                    # smtplib's own default context does not verify the certificate.
                    client.starttls(context=ssl.create_default_context())
                if self._smtp.username:
                    client.login(self._smtp.username, self._smtp.password or "")
                for message in messages:
                    client.send_message(message)
                    delivered += 1
        except smtplib.SMTPAuthenticationError as error:
            log.warning("SMTP login to %s failed (%s)", host, error.smtp_code)
            raise MailError(
                "E-postserveren godtok ikke innloggingen. Sjekk SMTP-brukernavn og -passord.",
                delivered=delivered,
            ) from error
        except OSError as error:  # includes SMTPException and ssl.SSLError
            # Only the type: server replies may quote recipient addresses.
            log.warning("SMTP delivery via %s failed: %s", host, type(error).__name__)
            raise MailError(
                "Kunne ikke sende e-post: e-postserveren svarte ikke eller avviste meldingen.",
                delivered=delivered,
            ) from error

    def _write_outbox(self, messages: list[EmailMessage]) -> list[str]:
        paths: list[str] = []
        try:
            self._outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkdir's mode is filtered by the umask and ignored for an existing folder; the
            # outbox holds addresses, so only the service account may read it.
            self._outbox.chmod(0o700)
            for message in messages:
                paths.append(str(self._write_eml(message)))
        except OSError as error:
            log.warning("Writing to the outbox failed: %s", type(error).__name__)
            raise MailError(
                "Kunne ikke lagre e-posten i utboksen.", delivered=len(paths)
            ) from error
        return paths

    def _write_eml(self, message: EmailMessage) -> Path:
        """Write one message atomically: readers see the whole file or none."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        # Random, not derived from recipient or content: file names show up in listings and
        # backups where the content does not.
        target = self._outbox / f"{stamp}_{secrets.token_hex(8)}.eml"
        fd, temp = tempfile.mkstemp(dir=self._outbox, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                # The SMTP policy writes CRLF line ends: the bytes a server would receive.
                handle.write(message.as_bytes(policy=policy.SMTP))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_dir(self._outbox)
        return target


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable, not only the file's bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
