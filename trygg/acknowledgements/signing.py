"""An employee signs the kvittering for the school's current plan, and gets it back as
Word or PDF.

Signing renders the kvittering through the document engine with the school's active
template, archives the Word file (content-addressed, written once) and records the
acknowledgement in the same transaction as its audit event. Nothing is signed on
behalf of anyone: the typed signature must be the employee's own name.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import can_read_acknowledgement
from trygg.accounts.principal import Principal
from trygg.accounts.roles import role_name
from trygg.acknowledgements.plans import MIMETYPES, current_plan, version_text
from trygg.archive import Archive
from trygg.calendar.clock import oslo_time
from trygg.documents import document_filename, render_document
from trygg.documents.ack_contexts import CONFIRMATION_STATEMENTS
from trygg.documents.template_store import active_template
from trygg.documents.vocabulary import DOCUMENT_TITLES
from trygg.errors import NotFound, Refused
from trygg.models import Acknowledgement, Notification, SchoolPlan, User
from trygg.pdf import ConverterPool, PdfUnavailable, convert_docx_to_pdfa
from trygg.pdf.archive_stamp import ArchiveStamp
from trygg.pdf.errors import NO_SERVICE_CONFIGURED

CONFIRMATIONS = tuple(CONFIRMATION_STATEMENTS)
# The in-app reminder's code (trygg.acknowledgements.reminders); signing marks them read.
NOTICE_CODE = "school_plan"


class PlanSuperseded(Refused):
    """A newer version was published while the employee was reading the old one."""


ALREADY_SIGNED = "Du har allerede signert kvitteringen for denne versjonen av planen."


@dataclass(frozen=True)
class Signature:
    """What the employee posted: the version they read, the boxes, the typed name."""

    plan_id: int
    confirmations: Mapping[str, bool]
    typed_signature: str


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def matches_name(typed: str, name: str) -> bool:
    """Case and spacing do not matter («per  olsen» is Per Olsen); letters do."""
    return bool(_folded(typed)) and _folded(typed) == _folded(name)


def employee_title(user: User) -> str:
    return user.title.strip() or role_name(user.role_code)


def acknowledgement_data(
    plan: SchoolPlan, user: User, signature: Signature, signed_at: dt.datetime
) -> dict[str, Any]:
    """The document engine's input (examples/kvittering.json); `signed_at` is the
    stored UTC time, printed as Oslo time."""
    school = plan.school
    return {
        "school": {
            "name": school.name,
            "municipality": school.municipality.name,
            "owner_contact": school.municipality.owner_contact or None,
        },
        "employee": {"name": user.name, "title": employee_title(user), "employer": school.name},
        "school_plan": {
            "title": plan.title,
            "school_year": plan.school_year,
            "version": version_text(plan),
            "sha256": plan.sha256,
        },
        "confirmations": {key: bool(signature.confirmations.get(key)) for key in CONFIRMATIONS},
        "signed_at": oslo_time(signed_at).replace(second=0, microsecond=0).isoformat(),
        "typed_signature": signature.typed_signature.strip(),
    }


def acknowledgement_of(session: Session, plan_id: int, user_id: int) -> Acknowledgement | None:
    return session.execute(
        select(Acknowledgement).where(
            Acknowledgement.plan_id == plan_id, Acknowledgement.user_id == user_id
        )
    ).scalar_one_or_none()


def my_acknowledgements(session: Session, user_id: int) -> list[Acknowledgement]:
    """Every kvittering the employee has signed, newest first: old ones stay records."""
    return list(
        session.execute(
            select(Acknowledgement)
            .where(Acknowledgement.user_id == user_id)
            .order_by(Acknowledgement.signed_at.desc(), Acknowledgement.id.desc())
        ).scalars()
    )


def _check(plan: SchoolPlan | None, user: User, signature: Signature) -> SchoolPlan:
    if plan is None:
        raise Refused("Skolen har ikke publisert planen i Trygg ennå.")
    if plan.id != signature.plan_id:
        raise PlanSuperseded(
            "Skoleledelsen har publisert en ny versjon av planen mens du leste. Les den nye "
            "versjonen og kryss av på nytt for at du har lest den. Navnet du skrev, står "
            "der fortsatt."
        )
    missing = [key for key in CONFIRMATIONS if not signature.confirmations.get(key)]
    if missing:
        raise Refused("Kryss av for alle fire bekreftelsene før du signerer.", field=missing[0])
    if not matches_name(signature.typed_signature, user.name):
        raise Refused(
            "Signaturen må være navnet ditt slik det står i Trygg: «%(name)s». Store og små "
            "bokstaver og mellomrom spiller ingen rolle.",
            field="typed_signature",
            name=user.name,
        )
    return plan


def _insert_once(session: Session, **values: Any) -> Acknowledgement:
    """The kvittering row, unless the same person signed the same version in another
    request a moment ago (the check before rendering passed for both): then Refused,
    and the first signature stands.

    ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a
    failed INSERT aborts the whole transaction, and a savepoint on SQLite's driver
    commits early when it is the first write of the transaction."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    inserted = session.execute(
        insert(Acknowledgement)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["plan_id", "user_id"])
        .returning(Acknowledgement.id)
    ).scalar_one_or_none()
    if inserted is None:
        raise Refused(ALREADY_SIGNED)
    acknowledgement = session.get(Acknowledgement, inserted)
    assert acknowledgement is not None  # inserted by this transaction just now
    return acknowledgement


def sign(
    session: Session,
    archive: Archive,
    user: User,
    signature: Signature,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> Acknowledgement:
    """Sign the kvittering for the school's current plan. Raises Refused (nothing
    stored) when the plan changed (PlanSuperseded), a box is missing, the name does not
    match, or this version is already signed, also by another tab in the same instant;
    InvalidInput/BrokenDocument from the document engine."""
    if user.school_id is None:
        raise NotFound("Bare ansatte ved en skole kvitterer for skolens plan.")
    plan = _check(current_plan(session, user.school_id), user, signature)
    if acknowledgement_of(session, plan.id, user.id) is not None:
        raise Refused(ALREADY_SIGNED)
    template = active_template(session, plan.school.municipality_id, plan.school_id, "kvittering")
    rendered = render_document(
        "kvittering", acknowledgement_data(plan, user, signature, now), template=template
    )
    sha256 = archive.put(rendered.docx, "docx")
    acknowledgement = _insert_once(
        session,
        plan_id=plan.id,
        user_id=user.id,
        employee_name=user.name,
        employee_title=employee_title(user),
        typed_signature=signature.typed_signature.strip()[:200],
        confirmations={key: True for key in CONFIRMATIONS},
        signed_at=now,
        filename=document_filename(plan.school_year, "kvittering", plan.number),
        docx_sha256=sha256,
    )
    # The reminders asked for exactly this; leaving them unread would nag for nothing.
    session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.code == NOTICE_CODE,
            Notification.dedupe_key.startswith(f"{NOTICE_CODE}:{plan.id}:"),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        initiator,
        "acknowledgement.signed",
        "school_plan",
        plan.id,
        {"acknowledgement": acknowledgement.id, "sha256": sha256},
        now=now,
    )
    return acknowledgement


# --- reading it back -------------------------------------------------------------------


def acknowledgement_by_id(session: Session, acknowledgement_id: int) -> Acknowledgement:
    found = session.get(Acknowledgement, acknowledgement_id)
    if found is None:
        raise NotFound("Fant ikke kvitteringen.")
    return found


def acknowledgement_for(
    session: Session, user: Principal, acknowledgement_id: int
) -> Acknowledgement:
    """The employee's own kvittering, or one their school's leadership keeps; NotFound
    for anyone else, so kvitteringer cannot be probed by number."""
    found = session.get(Acknowledgement, acknowledgement_id)
    if found is None or not can_read_acknowledgement(user, found.user_id, found.plan.school_id):
        raise NotFound("Fant ikke kvitteringen.")
    return found


def download_name(ack: Acknowledgement, fmt: str) -> str:
    return ack.filename.rsplit(".", 1)[0] + f".{fmt}"


def _downloaded(
    session: Session, ack: Acknowledgement, fmt: str, initiator: audit.Initiator, now: dt.datetime
) -> None:
    audit.record(
        session,
        initiator,
        "acknowledgement.downloaded",
        "school_plan",
        ack.plan_id,
        {"acknowledgement": ack.id, "format": fmt},
        now=now,
    )


def acknowledgement_docx(
    session: Session,
    archive: Archive,
    ack: Acknowledgement,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> bytes:
    """Byte for byte the archived file; raises ArchiveDamaged if it is missing or altered."""
    content = archive.get(ack.docx_sha256, "docx")
    _downloaded(session, ack, "docx", initiator, now)
    return content


def pdf_stamp(ack: Acknowledgement) -> ArchiveStamp:
    """The archive metadata of a kvittering's PDF/A."""
    return ArchiveStamp(
        title=DOCUMENT_TITLES["kvittering"],
        reference=f"Skoleår {ack.plan.school_year}",
        school=ack.plan.school.name,
        created=ack.signed_at.replace(tzinfo=dt.UTC),
        source_sha256=ack.docx_sha256,
    )


def record_pdf(session: Session, archive: Archive, ack: Acknowledgement, pdf: bytes) -> None:
    """Archive the kvittering's stamped PDF/A beside its Word file, unless another
    request did so first: only the first PDF is recorded, so two people asking at once
    never replace a PDF someone has already been given."""
    sha256 = archive.put(pdf, "pdf")
    session.execute(
        update(Acknowledgement)
        .where(Acknowledgement.id == ack.id, Acknowledgement.pdf_sha256.is_(None))
        .values(pdf_sha256=sha256)
        .execution_options(synchronize_session=False)
    )
    session.refresh(ack)


def archived_pdf(
    session: Session,
    archive: Archive,
    ack: Acknowledgement,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> bytes:
    """The kvittering's archived PDF/A, audited as a download."""
    assert ack.pdf_sha256 is not None
    content = archive.get(ack.pdf_sha256, "pdf")
    _downloaded(session, ack, "pdf", initiator, now)
    return content


def acknowledgement_pdf(
    session: Session,
    archive: Archive,
    ack: Acknowledgement,
    converters: ConverterPool | None,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> bytes:
    """PDF/A of the archived Word file, made once and archived beside it (many at once:
    trygg.acknowledgements.pdfs, which archives the same).

    Raises PdfUnavailable without converters (never a cold LibreOffice on the web path)
    and ConversionFailed when LibreOffice fails; the Word file is always there."""
    if ack.pdf_sha256 is None:
        if converters is None:
            raise PdfUnavailable(NO_SERVICE_CONFIGURED)
        docx = archive.get(ack.docx_sha256, "docx")
        pdf = convert_docx_to_pdfa(docx, allow_cold=False, converters=converters)
        record_pdf(session, archive, ack, pdf_stamp(ack).onto(pdf))
    return archived_pdf(session, archive, ack, initiator, now)


def acknowledgement_file(
    session: Session,
    archive: Archive,
    ack: Acknowledgement,
    fmt: str,
    converters: ConverterPool | None,
    initiator: audit.Initiator,
    now: dt.datetime,
) -> bytes:
    """The kvittering as Word («docx») or PDF («pdf»), audited; NotFound for any other
    format."""
    if fmt not in MIMETYPES:
        raise NotFound("Fant ikke kvitteringen.")
    if fmt == "docx":
        return acknowledgement_docx(session, archive, ack, initiator, now)
    return acknowledgement_pdf(session, archive, ack, converters, initiator, now)
