"""«Send til foresatte»: the password-protected copy of a final document (the same copy
as the download, trygg.cases.sending.home_copy, with its cover page) by e-mail to the
pupil's guardians from the register.

The password is made here, returned once to the sender to give by phone or in person,
and never stored, logged or mailed. The e-mail's subject and body are fixed text with no
case content; the attachment has a neutral name. A guardian without the right to
information, or with a protected address (theirs or the pupil's), gets it only when the
leadership confirms. Every sending is an event in the chronology and in the audit trail:
who, to whom, which document, and the SHA-256 of the PDF that left.
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
from trygg.mail import Mailer
from trygg.models import Case, CaseDocument, User
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
    password: str
    recipients: tuple[str, ...]  # the guardians' names
    sha256: str


def new_password() -> str:
    return "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )


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
    """Mail the home copy of `doc` to the chosen guardians. Raises Refused (no guardian,
    no e-mail address, confirmation missing), what home_copy raises, and MailError.

    The sending is recorded before the mail leaves: if the mail fails, the request's
    transaction is rolled back with it; a mail that left is never unrecorded."""
    guardians = chosen_guardians(case, request.guardian_ids)
    unconfirmed = [g.name for g in guardians if needs_confirmation(case, g)]
    if unconfirmed and not request.confirmed:
        raise Refused(
            "Bekreft at dokumentet skal sendes til %(names)s, som mangler rett til "
            "informasjon eller har sperret adresse.",
            field="confirm",
            names=", ".join(unconfirmed),
        )
    missing = [g.name for g in guardians if not g.email]
    if missing:
        raise Refused(
            "%(names)s har ingen e-postadresse i elevregisteret.",
            field="guardians",
            names=", ".join(missing),
        )
    password = new_password()
    file = home_copy(session, archive, case, doc, converters, password, user.id, now)
    digest = hashlib.sha256(file.content).hexdigest()
    names = tuple(g.name for g in guardians)
    record_event(
        session,
        case,
        "sent_to_guardians",
        user.id,
        now,
        kind=doc.kind,
        number=doc.number,
        document=doc.id,
        guardians=[g.id for g in guardians],
        sha256=digest,
        about=", ".join(names),
    )
    audit.record(
        session,
        by,
        "document.sent_to_guardians",
        "case",
        str(case.id),
        {
            "document": doc.id,
            "guardians": [g.id for g in guardians],
            "to": [g.email for g in guardians],
            "confirmed": bool(unconfirmed),
            "sha256": digest,
        },
        now=now,
    )
    session.flush()
    mailer.send_attachment(
        [g.email for g in guardians], SUBJECT, BODY, ATTACHMENT_NAME, file.content
    )
    return Sent(password=password, recipients=names, sha256=digest)
