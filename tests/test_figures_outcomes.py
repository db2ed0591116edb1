"""Issue 16: closed cases by outcome, in the pupil's own experience (trygg.overview
.outcomes), on known cases, with the same small-number suppression as every figure."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy.orm import Session

from tests.factories.cases import BY, case_at, close_directly, file, sara_report
from tests.factories.suppression_proof import feasible_values
from tests.factories.users import RECTOR, REPORTER, demo_user, school_id, user
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.closing import FollowUpAnswer, record_follow_up
from trygg.overview.figures import raw_figures, school_year, shown
from trygg.overview.outcomes import (
    REOPENED_AT_FOLLOW_UP,
    SAFE_AWAITING_FOLLOW_UP,
    STILL_SAFE_AT_FOLLOW_UP,
)
from trygg.overview.suppression import UNDER_5, WITHHELD, Cell, Table, protect

TODAY = dt.date(2027, 1, 11)


def pupil(name: str, class_name: str) -> object:
    return sara_report(pupil_name=name, pupil_class=class_name, others=())


def test_closed_cases_by_outcome(session: Session, demo: dict[str, str], tmp_path: Path) -> None:
    rektor = user(session, RECTOR)
    # Sara: closed after her plan's evaluation (14 September 2026), reopened at the follow-up.
    sara = case_at(session, tmp_path, "closed")
    unsafe = FollowUpAnswer(False, "Sara sier det har startet igjen.", "Samtale med Sara.")
    record_follow_up(session, sara, unsafe, rektor, BY, dt.datetime(2026, 10, 14, 9))
    # Emil: closed directly on 1 October 2026, not followed up yet.
    emil, _ = file(session, tmp_path, REPORTER, pupil("Emil Strand", "3A"))  # type: ignore[arg-type]
    close_directly(session, tmp_path, emil, rektor, dt.datetime(2026, 10, 1, 9))
    # Leo: closed on 2 October 2026 and still safe at the follow-up.
    leo, _ = file(session, tmp_path, REPORTER, pupil("Leo Johansen", "5A"))  # type: ignore[arg-type]
    close_directly(session, tmp_path, leo, rektor, dt.datetime(2026, 10, 2, 9))
    safe = FollowUpAnswer(True, "Leo sier alt er bra.", "Samtale med Leo.")
    record_follow_up(session, leo, safe, rektor, BY, dt.datetime(2026, 11, 2, 9))
    # Nora: reported in June 2026 and closed then, in the school year before.
    nora, _ = file(
        session,
        tmp_path,
        REPORTER,
        pupil("Nora Haugen", "7C"),  # type: ignore[arg-type]
        dt.datetime(2026, 6, 15, 8),
    )
    close_directly(session, tmp_path, nora, rektor, dt.datetime(2026, 6, 16, 9))
    session.commit()
    rektor_view = Principal.of(demo_user(session, LEDELSE, "Nordpolen skole"))
    nordpolen = school_id(session, "Nordpolen skole")

    figures = raw_figures(session, rektor_view, nordpolen, school_year(2026), TODAY)
    outcomes = {c.label: c.count for c in figures.table("outcomes").cells}
    assert outcomes == {
        SAFE_AWAITING_FOLLOW_UP: 1,
        STILL_SAFE_AT_FOLLOW_UP: 1,
        REOPENED_AT_FOLLOW_UP: 1,
    }
    last_year = raw_figures(session, rektor_view, nordpolen, school_year(2025), TODAY)
    assert {c.label: c.count for c in last_year.table("outcomes").cells if c.count} == {
        SAFE_AWAITING_FOLLOW_UP: 1
    }
    owner = Principal.of(demo_user(session, SKOLEEIER, None))
    other = raw_figures(
        session, owner, school_id(session, "Vestre Aker skole"), school_year(2026), TODAY
    )
    assert sum(c.count for c in other.table("outcomes").cells) == 0
    # Three closed cases: too few for the split to be shown at all.
    page = shown(figures)
    assert {c.state for c in page.table("outcomes").cells} == {WITHHELD}
    assert page.table("outcomes").total is None


def test_the_outcomes_are_suppressed_so_no_count_can_be_recovered() -> None:
    rng = random.Random(1616)
    checked = 0
    for _ in range(500):
        counts = [rng.choice((0, 1, 2, 3, 4, rng.randint(5, 40))) for _ in range(3)]
        table = Table("outcomes", "O", tuple(Cell(str(i), n) for i, n in enumerate(counts)), "c")
        [protected] = protect([table])
        for index, cell in enumerate(protected.cells):
            if cell.state == UNDER_5:
                values = feasible_values([protected], 0, index)
                assert cell.count in values and len(values) >= 2, (counts, values)
                checked += 1
    assert checked > 100
