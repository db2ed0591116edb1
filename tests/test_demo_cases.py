"""The demo cases show Trygg at work: three stages, real documents, deadlines that are
current whatever day `make run` is started."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.demo_register import assert_register_pupils
from tests.factories.cases import archive_for
from tests.factories.users import user
from trygg.accounts.principal import Principal
from trygg.cases.overview import CaseFilter, deadlines_of, list_cases, stage_of
from trygg.demo.cases import seed_demo_cases
from trygg.demo.pupils import seed_demo_pupils
from trygg.demo.school_plan import plan_document, seed_demo_plan
from trygg.models import Acknowledgement, ArchivedFile, Case, Pupil, SchoolPlan, utcnow
from trygg.pupils.register import pupil_protected

TODAY = dt.date(2026, 11, 23)  # a Monday


def test_three_cases_at_three_stages_and_idempotent(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    assert seed_demo_cases(session, archive_for(tmp_path), TODAY) == 3
    session.commit()
    assert seed_demo_cases(session, archive_for(tmp_path), TODAY) == 0
    cases = {c.pupil_name: c for c in session.execute(select(Case)).scalars()}
    stages = {name: stage_of(session, case) for name, case in cases.items()}
    assert stages == {
        "Sara Nilsen": "reported",
        "Leo Johansen": "investigating",
        "Nora Haugen": "running",
    }
    due = {d.code: (d.due, d.state) for d in deadlines_of(session, cases["Nora Haugen"], TODAY)}
    assert due == {"evaluation": (TODAY + dt.timedelta(days=2), "soon")}
    # Every finalised document is in the archive: 3 reports, 1 investigation, 1 plan.
    assert session.execute(select(func.count(ArchivedFile.id))).scalar_one() == 5
    rektor = Principal.of(user(session, demo["ledelse"]))
    assert list_cases(session, rektor, TODAY, CaseFilter()).total == 3
    # The serious one was reported on, so the school owner's inbox is not empty.
    owner = Principal.of(user(session, demo["skoleeier"]))
    assert [r.pupil_name for r in list_cases(session, owner, TODAY, CaseFilter()).rows] == [
        "Leo Johansen"
    ]
    handler = Principal.of(user(session, demo["kontaktlaerer"]))
    assert {r.pupil_name for r in list_cases(session, handler, TODAY, CaseFilter()).rows} == {
        "Leo Johansen",
        "Nora Haugen",
    }


def test_the_demo_cases_are_the_register_pupils(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    # As `flask seed-demo` does it: the register first, then the cases.
    assert seed_demo_pupils(session, utcnow()) == 200
    assert seed_demo_cases(session, archive_for(tmp_path), TODAY) == 3
    session.commit()
    assert_register_pupils(session)
    pupils = {
        c.pupil_name: session.get(Pupil, c.pupil_id)
        for c in session.execute(select(Case)).scalars()
    }
    assert set(pupils) == {"Sara Nilsen", "Leo Johansen", "Nora Haugen"}
    # No protected address among them: their guardians' e-mail can be shown and used.
    assert not any(pupil_protected(p) for p in pupils.values() if p is not None)


def test_the_demo_plan_is_published_and_signed_by_the_kontaktlaerer_once(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    assert seed_demo_plan(session, archive_for(tmp_path), TODAY) is True
    session.commit()
    assert seed_demo_plan(session, archive_for(tmp_path), TODAY) is False
    [plan] = session.execute(select(SchoolPlan)).scalars()
    assert (plan.school_year, plan.version_date) == ("2026/2027", dt.date(2026, 8, 10))
    signed = session.execute(select(Acknowledgement)).scalars().all()
    assert [a.user_id for a in signed] == [user(session, demo["kontaktlaerer"]).id]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(plan_document())).paragraphs)
    assert "demo" in text and "§ 12-5" in text
