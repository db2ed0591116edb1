"""What a job makes: the exports that grow with the school, each a function from the
job's subject to one file, reporting its steps as it goes; and the kinds that make no file
(the invitations, trygg.jobs.invitations).

Each export checks the owner's access again when it runs: a rektor who has lost the role
since asking gets nothing. Every document it reads is read (and audited) through the same
domain path as a download of that document on its own.
"""

from __future__ import annotations

from sqlalchemy import select

from trygg.accounts.permissions import can_manage_school_plan, can_see_cases
from trygg.acknowledgements.pdfs import acknowledgement_pdfs
from trygg.cases.access import load_case
from trygg.cases.documents import NameLeak
from trygg.cases.key_export import export_all_keys
from trygg.cases.sending import case_bundle
from trygg.errors import NotFound, Refused
from trygg.jobs.context import NOT_FOUND, ExportContext, ExportFile, JobKind, Progress
from trygg.jobs.invitations import INVITATIONS, send_batch
from trygg.models import Acknowledgement, Job, SchoolPlan, User
from trygg.pdf import merge_pdfs

ACKNOWLEDGEMENTS_PDF = "acknowledgements_pdf"
CASE_PDF = "case_pdf"
KEYS_CSV = "keys_csv"

NO_ACKNOWLEDGEMENTS = "Ingen har signert kvitteringen for denne versjonen av planen ennå."
# The leak page names the name; a job's message is kept in its row and may not.
CASE_PDF_NAME_LEAK = (
    "Navn på personer i saken står i teksten, så hele saken kan ikke lages som PDF. Last ned "
    "dokumentene som PDF ett for ett fra saken for å se hvor, og rett det i en ny versjon."
)

__all__ = ["NOT_FOUND", "ExportContext", "ExportFile", "Progress"]


def acknowledgements_pdf(context: ExportContext, plan_id: int) -> ExportFile:
    """Every signed kvittering of one plan version as one PDF, a bookmark per employee,
    in the register's order."""
    user = context.principal
    plan = context.session.get(SchoolPlan, plan_id)
    if plan is None or not can_manage_school_plan(user) or plan.school_id != user.school_id:
        raise NotFound(NOT_FOUND)
    acks = list(
        context.session.execute(
            select(Acknowledgement)
            .join(User, User.id == Acknowledgement.user_id)
            .where(Acknowledgement.plan_id == plan.id)
            .order_by(User.name, User.id)
        ).scalars()
    )
    if not acks:
        raise Refused(NO_ACKNOWLEDGEMENTS)
    # One step per kvittering, and the merge as the last one. The missing PDFs are
    # made together, not one LibreOffice conversion each (trygg.acknowledgements.pdfs).
    pdfs = acknowledgement_pdfs(
        context.session,
        context.archive,
        acks,
        context.converters,
        context.initiator,
        context.now,
        progress=lambda done, total: context.progress(done, total + 1),
    )
    parts = [(ack.user.name, pdf) for ack, pdf in zip(acks, pdfs, strict=True)]
    filename = f"kvitteringer_{plan.school_year.replace('/', '-')}_v{plan.number}.pdf"
    return ExportFile(merge_pdfs(parts), filename)


def case_pdf(context: ExportContext, case_id: int) -> ExportFile:
    """«Hele saken som PDF»: trygg.cases.sending.case_bundle."""
    if not can_see_cases(context.principal):
        raise NotFound(NOT_FOUND)
    case = load_case(context.session, context.principal, case_id)
    try:
        file = case_bundle(
            context.session,
            context.archive,
            case,
            context.converters,
            context.owner.id,
            context.now,
            progress=context.progress,
        )
    except NameLeak as error:
        raise Refused(CASE_PDF_NAME_LEAK) from error
    return ExportFile(file.content, file.filename)


def keys_csv(context: ExportContext, municipality_id: int) -> ExportFile:
    """The name-to-label keys of every case routed to the school owner, as one CSV."""
    owner = context.principal
    if owner.municipality_id != municipality_id:
        raise NotFound(NOT_FOUND)
    file = export_all_keys(
        context.session, owner, context.initiator, context.now, context.progress, context.job_id
    )
    return ExportFile(file.content, file.filename)


EXPORTS: dict[str, JobKind] = {
    ACKNOWLEDGEMENTS_PDF: acknowledgements_pdf,
    CASE_PDF: case_pdf,
    KEYS_CSV: keys_csv,
    INVITATIONS: send_batch,
}


def export_of(job: Job) -> JobKind:
    return EXPORTS[job.kind]
