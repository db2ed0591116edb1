"""The test factories build what they say: a case at each stage, through the domain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories.cases import STAGES, Stage, case_at
from tests.factories.content import MEASURE, PLAN
from tests.factories.users import HANDLER, NORDPOLEN, REPORTER, demo_email, demo_user, user
from trygg.accounts.roles import ANSATT, SKOLEEIER
from trygg.models import CaseDocument
from trygg.models.cases import CLOSED, OPEN
from trygg.models.documents import FINAL

# The final documents a case has at each stage, in order.
FINAL_AT: dict[Stage, list[tuple[str, int]]] = {
    "reported": [("meldeskjema", 1)],
    "received": [("meldeskjema", 1)],
    "investigated": [("meldeskjema", 1), ("undersokelse", 1)],
    "planned": [("meldeskjema", 1), ("undersokelse", 1), ("aktivitetsplan", 1)],
    "closed": [
        ("meldeskjema", 1),
        ("undersokelse", 1),
        ("aktivitetsplan", 1),
        ("evaluering", 1),
        ("avslutning", 1),
    ],
}


@pytest.mark.parametrize("stage", STAGES)
def test_a_case_at_each_stage(
    session: Session, demo: dict[str, str], tmp_path: Path, stage: Stage
) -> None:
    case = case_at(session, tmp_path, stage)

    session.expire_all()
    documents = session.execute(
        select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id)
    ).scalars()
    assert [(d.kind, d.number) for d in documents if d.status == FINAL] == FINAL_AT[stage]
    assert case.pupil_name == "Sara Nilsen"
    received = stage != "reported"
    assert (case.received_at is not None) is received
    assert case.handler_id == (user(session, HANDLER).id if received else None)
    assert case.status == (CLOSED if stage == "closed" else OPEN)
    if stage == "closed":
        # Evaluated on the plan's date; followed up four weeks later.
        assert case.follow_up_on == dt.date(2026, 12, 29)


def test_a_plan_of_ones_own(session: Session, demo: dict[str, str], tmp_path: Path) -> None:
    one_measure = {**PLAN, "measures": [MEASURE]}
    case = case_at(session, tmp_path, "planned", plan=one_measure)
    [plan] = session.execute(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.kind == "aktivitetsplan"
        )
    ).scalars()
    assert [m["description"] for m in plan.data["measures"]] == ["Voksen ute i storefri"]


def test_demo_users_by_role_and_school(session: Session, demo: dict[str, str]) -> None:
    assert demo_email(ANSATT) == REPORTER == demo["ansatt"]
    assert demo_user(session, ANSATT, NORDPOLEN).name == "Mona Ruud"
    assert demo_user(session, SKOLEEIER, None).school_id is None
    with pytest.raises(ValueError):
        demo_email(SKOLEEIER)  # the school owner belongs to no school
