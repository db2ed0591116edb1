"""«Mine tiltak»: the measures an employee carries out, and their reminders.

An owner who does not handle the case sees only what they need to carry the measure
out: the pupil's name, what the measure says, and when the plan is next evaluated;
nothing else of the case (least privilege). The plan in force is the newest final
version of an open case; a measure its latest evaluation ended is no longer listed, nor
is any measure of a plan that evaluation closed. Every look is audited.

Before each evaluation every owner with an account is reminded (in the app and by an
e-mail that carries only a link), OWNER_REMINDER_SCHOOL_DAYS school days ahead, once per
evaluation date. A suspect, or a leader in a case hidden from the leadership (§ 12-5),
is neither shown the measure nor reminded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trygg import audit
from trygg.accounts.permissions import SCHOOL_STAFF
from trygg.cases.actors import independence_problem
from trygg.cases.overview import calendar_for, case_facts
from trygg.models import Case, CaseActor, CaseDocument, Notification, User
from trygg.models.cases import OPEN
from trygg.models.documents import FINAL

# The in-app alert's code (trygg.cases.events.NOTICE_TEXTS, trygg.mail.KINDS) and the page
# its e-mail links to: the owner may not open the case page itself.
NOTICE_CODE = "measure_evaluation"
NOTICE_PATH = "/mine-tiltak"
# Three school days: time to carry out what is left and gather what the pupil says.
OWNER_REMINDER_SCHOOL_DAYS = 3


@dataclass(frozen=True)
class MyMeasure:
    """One measure as its owner sees it; nothing else of the case."""

    pupil_name: str
    description: str
    next_evaluation: dt.date | None


@dataclass(frozen=True)
class _PlanInForce:
    case: Case
    plan: CaseDocument
    # (1-based number, the measure's row) of the measures still running.
    measures: tuple[tuple[int, dict[str, Any]], ...]


def _final(session: Session, case_id: int, kind: str, parent_id: int | None = None) -> Any:
    query = select(CaseDocument).where(
        CaseDocument.case_id == case_id, CaseDocument.kind == kind, CaseDocument.status == FINAL
    )
    if parent_id is not None:
        query = query.where(CaseDocument.parent_id == parent_id)
    return session.execute(query.order_by(CaseDocument.number.desc()).limit(1)).scalar()


def _plan_in_force(session: Session, case: Case) -> _PlanInForce | None:
    plan: CaseDocument | None = _final(session, case.id, "aktivitetsplan")
    if plan is None:
        return None
    ended: set[int] = set()
    evaluation: CaseDocument | None = _final(session, case.id, "evaluering", plan.id)
    if evaluation is not None:
        if (evaluation.data.get("next") or {}).get("action") == "avslutte":
            return None
        rows = evaluation.data.get("measures") or []
        ended = {int(r.get("measure", 0)) for r in rows if r.get("decision") == "avslutte"}
    rows = [
        (number, row)
        for number, row in enumerate(plan.data.get("measures") or [], start=1)
        if number not in ended
    ]
    return _PlanInForce(case, plan, tuple(rows))


def next_evaluation(session: Session, case: Case) -> dt.date | None:
    """The plan's next evaluation date, as its deadline counts it (trygg.cases.overview)."""
    dates = case_facts(session, case).evaluation_dates
    return dates[0] if dates else None


def _may_own(case: Case, user: User) -> bool:
    """An owner is shown and reminded of the measure while § 12-5 allows them to own it:
    someone suspected after the plan was made is not."""
    return (
        user.active
        and user.role_code in SCHOOL_STAFF
        and independence_problem(case, user, "") is None
    )


def _owned(session: Session, user: User) -> Iterator[tuple[_PlanInForce, list[dict[str, Any]]]]:
    cases = session.execute(
        select(CaseActor.key, Case)
        .join(Case, Case.id == CaseActor.case_id)
        .where(CaseActor.user_id == user.id, CaseActor.kind == "staff", Case.status == OPEN)
        .order_by(Case.id)
    ).all()
    for key, case in cases:
        if not _may_own(case, user):
            continue
        in_force = _plan_in_force(session, case)
        if in_force is None:
            continue
        rows = [row for _, row in in_force.measures if row.get("by") == key]
        if rows:
            yield in_force, rows


def my_measures(
    session: Session, user: User, by: audit.Initiator, now: dt.datetime
) -> list[MyMeasure]:
    """The measures `user` carries out in plans in force; each case read is audited."""
    found: list[MyMeasure] = []
    for in_force, rows in _owned(session, user):
        case = in_force.case
        audit.record(
            session,
            by,
            "measures.viewed",
            "case",
            str(case.id),
            {"plan": in_force.plan.id, "measures": len(rows)},
            now=now,
        )
        when = next_evaluation(session, case)
        found += [MyMeasure(case.pupil_name, str(r.get("description") or ""), when) for r in rows]
    if not found:
        # The look itself is recorded, even when it found nothing.
        audit.record(session, by, "measures.viewed", "user", str(user.id), {"count": 0}, now=now)
    return sorted(found, key=lambda m: (m.next_evaluation or dt.date.max, m.pupil_name))


def _owners(session: Session, in_force: _PlanInForce) -> set[int]:
    keys = {str(row.get("by") or "") for _, row in in_force.measures}
    owners: set[int] = set()
    for actor in in_force.case.actors:
        if actor.key in keys and actor.kind == "staff" and actor.user_id is not None:
            account = session.get(User, actor.user_id)
            if account is not None and _may_own(in_force.case, account):
                owners.add(account.id)
    return owners


def _notify(session: Session, user_ids: set[int], key: str, now: dt.datetime) -> list[Notification]:
    """Alerts about no case the owner may open: the case page is not theirs to see, so
    the alert points at "Mine tiltak" (trygg.cases.reminders.link_for)."""
    created = []
    for user_id in sorted(user_ids):
        exists = session.execute(
            select(Notification.id).where(
                Notification.user_id == user_id, Notification.dedupe_key == key
            )
        ).first()
        if exists is None:
            note = Notification(
                user_id=user_id, case_id=None, code=NOTICE_CODE, dedupe_key=key, created_at=now
            )
            session.add(note)
            created.append(note)
    session.flush()
    return created


def collect_reminders(session: Session, today: dt.date, now: dt.datetime) -> list[Notification]:
    """Remind every measure owner with an account before the plan's next evaluation;
    once per owner and evaluation date, however often the run is repeated."""
    with_plan = select(CaseDocument.case_id).where(
        CaseDocument.kind == "aktivitetsplan", CaseDocument.status == FINAL
    )
    cases = session.execute(
        select(Case).where(Case.status == OPEN, Case.id.in_(with_plan)).order_by(Case.id)
    ).scalars()
    created: list[Notification] = []
    for case in cases:
        due = next_evaluation(session, case)
        if due is None or due < today:
            continue
        calendar = calendar_for(session, case.school_id)
        if calendar.school_days_after(today, due) > OWNER_REMINDER_SCHOOL_DAYS:
            continue
        in_force = _plan_in_force(session, case)
        if in_force is None:
            continue
        key = f"measure:{in_force.plan.id}:{due.isoformat()}"
        created += _notify(session, _owners(session, in_force), key, now)
    return created
