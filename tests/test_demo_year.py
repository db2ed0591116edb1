"""The demo school year (trygg.demo.year): enough cases for the overviews and figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories.cases import archive_for
from tests.factories.users import demo_user, school_id
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.demo.year import seed_demo_year
from trygg.models import Case
from trygg.overview.figures import figures, school_year_of
from trygg.overview.week import week_overview

TODAY = dt.date(2027, 3, 15)


def test_a_school_year_of_cases_that_the_figures_can_show(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    created = seed_demo_year(session, archive_for(tmp_path), TODAY)
    session.commit()
    assert created >= 30
    assert seed_demo_year(session, archive_for(tmp_path), TODAY) == 0
    assert session.execute(select(func.count(Case.id))).scalar_one() == created

    owner = Principal.of(demo_user(session, SKOLEEIER, None))
    page = figures(session, owner, None, school_year_of(TODAY), TODAY)
    months = page.table("reports_per_month")
    assert sum(1 for c in months.cells if c.count) >= 5
    assert any(c.shown for c in page.table("kinds").cells)
    rektor = Principal.of(demo_user(session, LEDELSE))
    week = week_overview(session, rektor, TODAY)
    assert len(week.cases) >= 10 and week.overdue
    assert {c.id for c in week.cases} <= set(
        session.execute(
            select(Case.id).where(Case.school_id == school_id(session, "Nordpolen skole"))
        ).scalars()
    )
