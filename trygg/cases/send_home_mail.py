"""«Send til foresatte»: the password-protected copy of a final document (the same copy
as the download, trygg.cases.sending.home_copy, with its cover page) by e-mail to the
pupil's guardians from the register.

The password is made here, returned once to the sender to give by phone or in person,
and never stored, logged or mailed. The e-mail's subject and body are fixed text with no
case content; the attachment has a neutral name. A guardian without the right to
information, or with a protected address (theirs or the pupil's), gets it only when the
leadership confirms.

Each guardian's mail is sent, and recorded, on its own: a chronology event and an audit
entry per guardian (who, to whom, which document, the SHA-256 of the PDF that left), and
likewise for each guardian whose mail the server refused or could not take (it went
away, or was never there). A failure part-way leaves the sent ones recorded as sent and
the others as not sent; nothing is claimed sent that was not, and trying again sends to
the failed ones only (with a new password: the one shown before is not kept).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.archive import Archive
from trygg.cases.events import record_event
from trygg.cases.guardians import chosen_guardians, needs_confirmation
from trygg.cases.sending import home_copy
from trygg.errors import Refused
from trygg.mail import Mailer, MailError
from trygg.models import Case, CaseDocument, Guardian, User
from trygg.pdf import ConverterPool

SUBJECT = "Dokument fra skolen"
BODY = (
    "Hei,\n\n"
    "Skolen sender deg et dokument som vedlegg. Dokumentet er beskyttet med passord.\n\n"
    "Skolen gir deg passordet på en annen måte, for eksempel på telefon eller i en samtale. "
    "Passordet sendes aldri på e-post.\n\n"
    "Har du spørsmål, ta kontakt med skolen.\n"
)
ATTACHMENT_NAME = "dokument-fra-skolen.pdf"
# Letters a listener cannot mistake on the phone (no 0/O, 1/l/I); 4 groups of 4 ≈ 80 bits.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 4, 4


@dataclass(frozen=True)
class SendRequest:
    guardian_ids: tuple[int, ...]
    # The leadership confirmed sending to guardians who need it (needs_confirmation).
    confirmed: bool = False


@dataclass(frozen=True)
class Sent:
    """What happened to one sending: who got the copy, who did not."""

    password: str  # the copy's password; useless, and not shown, when nobody got it
    recipients: tuple[str, ...]  # the names of the guardians the mail went to
    sha256: str
    failed: tuple[str, ...] = ()  # the names of those it did not reach
    failed_ids: tuple[int, ...] = ()
    # Why, in Norwegian (trygg.mail.MailError): safe to show, no address in it.
    failure: str = ""


def new_password() -> str:
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


def _plain_address(address: str) -> bool:
    return "@" in address and not any(c.isspace() for c in address)


def _check(case: Case, guardians: list[Guardian], confirmed: bool) -> list[Guardian]:
    """Raises Refused before anything is made or sent; returns those needing confirmation."""
    unconfirmed = [g for g in guardians if needs_confirmation(case, g)]
    if unconfirmed and not confirmed:
        raise Refused(
            "Bekreft at dokumentet skal sendes til %(names)s, som mangler rett til "
            "informasjon eller har sperret adresse.",
            field="confirm",
            names=", ".join(g.name for g in unconfirmed),
        )
    missing = [g.name for g in guardians if not g.email]
    if missing:
        raise Refused(
            "%(names)s har ingen e-postadresse i elevregisteret.",
            field="guardians",
            names=", ".join(missing),
        )
    bad = [g.name for g in guardians if not _plain_address(g.email)]
    if bad:
        raise Refused(
            "E-postadressen til %(names)s i elevregisteret er ikke gyldig.",
            field="guardians",
            names=", ".join(bad),
        )
    return unconfirmed


def send_to_guardians(
    session: Session,
    archive: Archive,
    case: Case,
    doc: CaseDocument,
    converters: ConverterPool | None,
    mailer: Mailer,
    request: SendRequest,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> Sent:
    """Mail the home copy of `doc` to the chosen guardians, one mail each. Raises Refused
    (no guardian, no or a bad e-mail address, confirmation missing) and what home_copy
    raises, before any mail leaves; a mail the server does not take is not raised but
    recorded and returned in `failed`, so the caller commits what was sent."""
    guardians = chosen_guardians(case, request.guardian_ids)
    unconfirmed = _check(case, guardians, request.confirmed)
    password = new_password()
    file = home_copy(session, archive, case, doc, converters, password, user.id, now)
    digest = hashlib.sha256(file.content).hexdigest()
    sent: list[Guardian] = []
    failed: list[Guardian] = []
    failure = ""
    for guardian in guardians:
        try:
            mailer.send_attachment([guardian.email], SUBJECT, BODY, ATTACHMENT_NAME, file.content)
        except MailError as error:
            failed.append(guardian)
            failure = failure or error.message
            outcome = "failed"
        else:
            sent.append(guardian)
            outcome = "sent"
        _record(
            session, case, doc, guardian, outcome, guardian in unconfirmed, digest, user, by, now
        )
        # Each outcome reaches the database before the next mail leaves.
        session.flush()
    return Sent(
        password=password if sent else "",
        recipients=tuple(g.name for g in sent),
        sha256=digest,
        failed=tuple(g.name for g in failed),
        failed_ids=tuple(g.id for g in failed),
        failure=failure,
    )


def _record(
    session: Session,
    case: Case,
    doc: CaseDocument,
    guardian: Guardian,
    outcome: str,
    confirmed: bool,
    digest: str,
    user: User,
    by: audit.Initiator,
    now: dt.datetime,
) -> None:
    """One guardian's sending in the chronology and the audit trail."""
    sent = outcome == "sent"
    record_event(
        session,
        case,
        "sent_to_guardians" if sent else "send_to_guardian_failed",
        user.id,
        now,
        kind=doc.kind,
        number=doc.number,
        document=doc.id,
        guardians=[guardian.id],
        sha256=digest,
        about=guardian.name,
    )
    audit.record(
        session,
        by,
        "document.sent_to_guardians" if sent else "document.send_to_guardian_failed",
        "case",
        str(case.id),
        {
            "document": doc.id,
            "guardians": [guardian.id],
            "to": [guardian.email],
            "confirmed": confirmed,
            "sha256": digest,
        },
        now=now,
    )
