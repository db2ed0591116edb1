"""Which Word template renders a document: the school's own, the municipality's, or the
default in doc_templates/ (always the fallback)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg.models import DocumentTemplate


def active_template(
    session: Session, municipality_id: int, school_id: int | None, kind: str
) -> bytes | None:
    """The active uploaded template for this school and kind, or None for the default."""
    for scope in ((school_id,) if school_id is not None else ()) + (None,):
        query = select(DocumentTemplate.content).where(
            DocumentTemplate.municipality_id == municipality_id,
            DocumentTemplate.kind == kind,
            DocumentTemplate.active.is_(True),
        )
        query = query.where(
            DocumentTemplate.school_id.is_(None)
            if scope is None
            else DocumentTemplate.school_id == scope
        )
        content = session.execute(query.order_by(DocumentTemplate.version.desc())).scalar()
        if content is not None:
            return bytes(content)
    return None
