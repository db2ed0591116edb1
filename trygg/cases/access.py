"""Loading cases with their access check, and the same rule as SQL for lists and counts.

`visible_to` must agree with `trygg.accounts.permissions.can_view_case` for every user and case;
a test compares the two over all demo users and cases. A case a user may not see is
reported as absent (NotFound), so § 12-5 cases cannot be probed by id.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from trygg.accounts.permissions import HANDLER_ROLES, CaseAccess, can_edit_case, can_view_case
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.errors import NotFound
from trygg.models import Case, CaseActor, CaseDocument, School
from trygg.models.documents import FINAL

CASE_NOT_FOUND = "Saken finnes ikke, eller du har ikke tilgang til den."
DOCUMENT_NOT_FOUND = "Dokumentet finnes ikke, eller du har ikke tilgang til det."


def routed_to_school_owner(case: Case) -> bool:
    """The owner sees a case hidden from the leadership or sent to it when filed (§ 12-5),
    any case the rektor reported to it, and a pupil's ordinary case beside a hidden one."""
    return (
        case.leadership_suspected
        or case.routed_to_owner
        or case.owner_reported_at is not None
        or case.hidden_case_id is not None
    )


def case_access(case: Case) -> CaseAccess:
    return CaseAccess(
        school_id=case.school_id,
        municipality_id=case.school.municipality_id,
        handler_id=case.handler_id,
        routed_to_school_owner=routed_to_school_owner(case),
        leadership_suspected=case.leadership_suspected,
        suspected_user_ids=frozenset(
            a.user_id for a in case.actors if a.suspected and a.user_id is not None
        ),
    )


def load_case(session: Session, user: Principal, case_id: int, *, edit: bool = False) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(CASE_NOT_FOUND)
    access = case_access(case)
    allowed = can_edit_case(user, access) if edit else can_view_case(user, access)
    if not allowed:
        raise NotFound(CASE_NOT_FOUND)
    return case


def load_document(
    session: Session,
    case: Case,
    document_id: int,
    *,
    kind: str | None = None,
    final: bool = False,
) -> CaseDocument:
    """A document of `case` (already loaded with its access check); of `kind`, or final,
    when asked. Any other id is NotFound: ids in URLs get changed."""
    doc = session.get(CaseDocument, document_id)
    if (
        doc is None
        or doc.case_id != case.id
        or (kind is not None and doc.kind != kind)
        or (final and doc.status != FINAL)
    ):
        raise NotFound(DOCUMENT_NOT_FOUND)
    return doc


def load_own_report(session: Session, user: Principal, document_id: int) -> CaseDocument:
    """A meldeskjema its reporter opens again; anyone else's report is as good as absent."""
    doc = session.get(CaseDocument, document_id)
    if doc is None or doc.kind != "meldeskjema" or doc.created_by != user.id:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return doc


def visible_to(user: Principal) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases `can_view_case` lets `user` see."""
    not_suspect = ~exists(
        select(CaseActor.id).where(
            CaseActor.case_id == Case.id,
            CaseActor.user_id == user.id,
            CaseActor.suspected.is_(True),
        )
    )
    in_municipality = Case.school_id.in_(
        select(School.id).where(School.municipality_id == user.municipality_id)
    )
    handles = Case.handler_id == user.id if user.role in HANDLER_ROLES else false()
    if user.role == LEDELSE and user.school_id is not None:
        own_school = Case.school_id == user.school_id
        return and_(
            in_municipality,
            not_suspect,
            or_(and_(own_school, Case.leadership_suspected.is_(False)), and_(~own_school, handles)),
        )
    if user.role == SKOLEEIER:
        routed = or_(
            Case.leadership_suspected.is_(True),
            Case.routed_to_owner.is_(True),
            Case.owner_reported_at.is_not(None),
            Case.hidden_case_id.is_not(None),
        )
        return and_(in_municipality, not_suspect, or_(routed, handles))
    return and_(in_municipality, not_suspect, handles)


def linked_cases(session: Session, user: Principal, case: Case) -> list[Case]:
    """The pupil's cases linked to this one (an ordinary case and the case hidden from the
    leadership beside it) that `user` may see: the school owner sees the link both ways;
    the leadership never learns of the hidden case from its ordinary one."""
    query = select(Case).where(visible_to(user), Case.id != case.id)
    if case.hidden_case_id is not None:
        query = query.where(Case.id == case.hidden_case_id)
    else:
        query = query.where(Case.hidden_case_id == case.id)
    return list(session.execute(query.order_by(Case.opened_at, Case.id)).scalars())
