"""The demo school year (trygg.demo.year): each demo school looks like a school that uses
Trygg, in the domain's own overview (trygg.overview.week) and figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.demo_register import assert_register_pupils
from tests.factories.cases import archive_for
from tests.factories.users import demo_user, school_id, user
from trygg.accounts.principal import Principal
from trygg.accounts.roles import SKOLEEIER
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.year import seed_demo_year
from trygg.models import AuditEvent, Case, Notification, Pupil
from trygg.models.base import utcnow
from trygg.models.cases import CLOSED as CASE_CLOSED
from trygg.overview.figures import figures, school_year_of
from trygg.overview.week import (
    CLOSED_RECENTLY,
    INVESTIGATING,
    PLAN_ACTIVE,
    REPORTED,
    TO_EVALUATE,
    week_overview,
)

# Among the longest files (real processes, threads or conversions): run first
# (tests/conftest.py).
pytestmark = pytest.mark.slow

RECTORS = ("rektor.nordpolen@demo.trygg.no", "rektor.vestreaker@demo.trygg.no")


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 11, 30),  # a Monday, the shape the demo was made for
        dt.date(2027, 3, 13),  # a Saturday after the winter holiday
    ],
)
def test_each_school_looks_like_a_school_that_uses_trygg(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path, today: dt.date
) -> None:
    seed_demo_pupils(session, utcnow())
    created = seed_demo_year(session, archive_for(tmp_path), today)
    session.commit()
    assert created >= 35
    assert seed_demo_year(session, archive_for(tmp_path), today) == 0
    assert session.execute(select(func.count(Case.id))).scalar_one() == created
    # The pupils are the register's, with its guardians.
    assert_register_pupils(session)
    assert session.execute(select(func.count(Pupil.id))).scalar_one() == 200

    for email in RECTORS:
        rektor = Principal.of(user(session, email))
        week = week_overview(session, rektor, today)
        piles = {key: len(cases) for key, cases in week.by_bucket.items()}
        assert 1 <= piles[REPORTED] <= 3, (email, piles)
        assert 2 <= piles[INVESTIGATING] <= 4, (email, piles)
        assert 2 <= piles[PLAN_ACTIVE] + piles[TO_EVALUATE] <= 5, (email, piles)
        assert piles[CLOSED_RECENTLY] >= 2, (email, piles)
        assert len(week.overdue) <= 2, (email, [i.deadline for i in week.overdue])
        assert week.evaluations, email  # an evaluation coming within two weeks
        # Most cases of the year are closed by a decision.
        school_cases = list(
            session.execute(select(Case).where(Case.school_id == rektor.school_id)).scalars()
        )
        closed = [c for c in school_cases if c.status == "closed"]
        assert len(closed) >= len(school_cases) / 2, email

        shown = figures(session, rektor, rektor.school_id, school_year_of(today), today)
        assert shown.investigation.median is not None, email
        assert shown.plan.median is not None, email
        assert any(c.shown for c in shown.table("kinds").cells), email

    owner = Principal.of(demo_user(session, SKOLEEIER, None))
    page = figures(session, owner, None, school_year_of(today), today)
    assert sum(1 for c in page.table("reports_per_month").cells if c.count) >= 3
    assert page.plan.median is not None


def test_the_written_documents_pass_every_rule_without_cautions(
    app: Flask, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    seed_demo_year(session, archive_for(tmp_path), dt.date(2026, 11, 30))
    session.commit()
    finalised = session.execute(
        select(AuditEvent.details).where(AuditEvent.action == "document.finalised")
    ).scalars()
    details = [d if isinstance(d, dict) else json.loads(d or "{}") for d in finalised]
    assert len(details) > 80
    assert [d for d in details if d.get("cautions")] == []
    # Without the register, the same pupils are typed in.
    assert (
        session.execute(
            select(func.count(Case.id)).where(
                Case.school_id == school_id(session, "Nordpolen skole")
            )
        ).scalar_one()
        == 18
    )


def test_the_alerts_of_closed_cases_are_read(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    """The demo rektor met some thirty unread alerts from months ago: a school that uses
    Trygg has read those of the cases it closed. Alerts of open cases stay unread."""
    seed_demo_pupils(session, utcnow())
    seed_demo_year(session, archive_for(tmp_path), dt.date(2026, 11, 30))
    session.commit()
    rows = session.execute(select(Notification.read_at, Case.status).join(Case)).all()
    assert any(status == CASE_CLOSED for _, status in rows)
    assert all(read is not None for read, status in rows if status == CASE_CLOSED)
    assert any(read is None for read, status in rows if status != CASE_CLOSED)
