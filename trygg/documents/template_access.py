"""The uploaded Word templates an admin may reach (trygg.documents.template_store keeps
them): a municipality admin any of the municipality's, a school admin their own school's.
A version outside the reach is NotFound, as a school outside it is (trygg.accounts.scope).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import can_manage_school
from trygg.accounts.principal import Principal
from trygg.documents.template_store import activate_version
from trygg.errors import NotFound
from trygg.models import DocumentTemplate


@dataclass(frozen=True)
class TemplateFile:
    kind: str
    school_id: int | None
    version: int
    filename: str
    content: bytes


def _in_reach(
    session: Session, admin: Principal, template_id: int, *, change: bool
) -> DocumentTemplate:
    template = session.get(DocumentTemplate, template_id)
    if template is None:
        raise NotFound("Malen finnes ikke.")
    allowed = can_manage_school(admin, template.school_id, template.municipality_id)
    if not allowed and not change and template.school_id is None:
        # A school admin may read the municipality's template their school inherits, to
        # start their own from it, but not change it.
        allowed = can_manage_school(admin, admin.school_id, template.municipality_id)
    if not allowed:
        raise NotFound("Malen finnes ikke.")
    return template


def template_file(
    session: Session, admin: Principal, template_id: int, *, change: bool = False
) -> TemplateFile:
    """One uploaded version with its file; `change` asks for a version the admin may
    change, not only read."""
    found = _in_reach(session, admin, template_id, change=change)
    return TemplateFile(
        found.kind, found.school_id, found.version, found.filename, bytes(found.content)
    )


def activate_in_reach(
    session: Session, admin: Principal, template_id: int, by: audit.Initiator, now: dt.datetime
) -> None:
    """Put a version the admin may change back in use (template_store.activate_version)."""
    activate_version(session, _in_reach(session, admin, template_id, change=True), by, now)
