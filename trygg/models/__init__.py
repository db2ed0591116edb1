"""All tables. Importing this package registers every model on Base.metadata."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from trygg.accounts.roles import ROLES
from trygg.models import immutability  # noqa: F401  (installs the triggers)
from trygg.models.acknowledgements import Acknowledgement, SchoolPlan
from trygg.models.audit import AuditEvent, AuditHead
from trygg.models.base import Base, utcnow
from trygg.models.cases import Case, CaseActor, CaseEvent, Notification, SchoolDayOff
from trygg.models.closing import ClosingDecision
from trygg.models.documents import ArchivedFile, CaseDocument, DocumentTemplate, FormDraft
from trygg.models.jobs import Job
from trygg.models.merging import CaseMerge, GuardiansInformed
from trygg.models.notes import CaseAttachment, CaseNote, CaseRecordWithdrawal
from trygg.models.organisation import Municipality, Role, School, User
from trygg.models.pupils import Guardian, Pupil
from trygg.models.security import LoginSession, LoginThrottle


@event.listens_for(Role.__table__, "after_create")
def _insert_roles(target: Any, connection: Any, **_: Any) -> None:
    # The first migration inserts the same rows; this serves create_all() in tests.
    connection.execute(
        target.insert(),
        [{"code": r.code, "name": r.name, "school_bound": r.school_bound} for r in ROLES],
    )


__all__ = [
    "Acknowledgement",
    "ArchivedFile",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Case",
    "CaseActor",
    "CaseAttachment",
    "CaseDocument",
    "CaseEvent",
    "CaseMerge",
    "CaseNote",
    "CaseRecordWithdrawal",
    "ClosingDecision",
    "DocumentTemplate",
    "FormDraft",
    "Guardian",
    "GuardiansInformed",
    "Job",
    "LoginSession",
    "LoginThrottle",
    "Municipality",
    "Notification",
    "Pupil",
    "Role",
    "School",
    "SchoolDayOff",
    "SchoolPlan",
    "User",
    "utcnow",
]
