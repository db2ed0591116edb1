"""What a job makes: the exports that grow with the school, each a function from the
job's subject to one PDF, reporting its steps as it goes.

Each export checks the owner's access again when it runs: a rektor who has lost the role
since asking gets nothing. Every document it reads is read (and audited) through the same
domain path as a download of that document on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import can_manage_school_plan, can_see_cases
from trygg.accounts.principal import Principal
from trygg.acknowledgements.signing import acknowledgement_pdf
from trygg.archive import Archive
from trygg.cases.access import load_case
from trygg.cases.sending import case_bundle
from trygg.errors import NotFound, Refused
from trygg.models import Acknowledgement, Job, SchoolPlan, User
from trygg.pdf import ConverterPool, merge_pdfs

# (steps done, steps in all): the runner turns it into the job's percentage.
Progress = Callable[[int, int], None]

ACKNOWLEDGEMENTS_PDF = "acknowledgements_pdf"
CASE_PDF = "case_pdf"

NOT_FOUND = "Fant ikke det som skulle eksporteres, eller du har ikke lenger tilgang til det."
NO_ACKNOWLEDGEMENTS = "Ingen har signert kvitteringen for denne versjonen av planen ennå."


@dataclass(frozen=True)
class ExportContext:
    session: Session
    archive: Archive
    converters: ConverterPool | None
    owner: User
    now: dt.datetime
    progress: Progress

    @property
    def principal(self) -> Principal:
        return Principal.of(self.owner)

    @property
    def initiator(self) -> audit.Initiator:
        # No request, so no address: the audit trail names the owner the job worked for.
        return audit.Initiator(user_id=self.owner.id, email=self.owner.email, ip="")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str


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
    # One step per kvittering, and the merge as the last one.
    total = len(acks) + 1
    parts = []
    for done, ack in enumerate(acks, start=1):
        pdf = acknowledgement_pdf(
            context.session,
            context.archive,
            ack,
            context.converters,
            context.initiator,
            context.now,
        )
        parts.append((ack.user.name, pdf))
        context.progress(done, total)
    filename = f"kvitteringer_{plan.school_year.replace('/', '-')}_v{plan.number}.pdf"
    return ExportFile(merge_pdfs(parts), filename)


def case_pdf(context: ExportContext, case_id: int) -> ExportFile:
    """«Hele saken som PDF»: trygg.cases.sending.case_bundle."""
    if not can_see_cases(context.principal):
        raise NotFound(NOT_FOUND)
    case = load_case(context.session, context.principal, case_id)
    file = case_bundle(
        context.session,
        context.archive,
        case,
        context.converters,
        context.owner.id,
        context.now,
        progress=context.progress,
    )
    return ExportFile(file.content, file.filename)


EXPORTS: dict[str, Callable[[ExportContext, int], ExportFile]] = {
    ACKNOWLEDGEMENTS_PDF: acknowledgements_pdf,
    CASE_PDF: case_pdf,
}


def export_of(job: Job) -> Callable[[ExportContext, int], ExportFile]:
    return EXPORTS[job.kind]
