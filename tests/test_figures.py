"""The year's figures (trygg.overview.figures) on known cases, the small-number rules
(suppression.py) with the proof that no hidden count can be recovered from what a page
shows, the charts (charts.py) and the CSV (export.py)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.factories.cases import LEADERSHIP_CASE, case_at, file, sara_report
from tests.factories.suppression_proof import feasible_values
from tests.factories.users import HANDLER, REPORTER, demo_user, school_id, user
from trygg.accounts.principal import Principal
from trygg.accounts.roles import LEDELSE, SKOLEEIER
from trygg.cases.workflow import start_document
from trygg.errors import NotFound
from trygg.overview.charts import bar_chart, stylesheet
from trygg.overview.export import figures_csv
from trygg.overview.figures import Period, raw_figures, school_year, shown
from trygg.overview.suppression import (
    HIDDEN,
    SHOWN,
    UNDER_5,
    WITHHELD,
    Cell,
    Table,
    protect,
    share,
)

YEAR_2026 = school_year(2026)
YEAR_2025 = school_year(2025)
TODAY = dt.date(2027, 1, 11)


@pytest.fixture
def known(session: Session, demo: dict[str, str], tmp_path: Path) -> dict[str, int]:
    # Sara (6B): reported Monday 14 September 2026, investigated and planned the same day.
    sara = case_at(session, tmp_path, "planned")
    # Leo (5A): reported on 15 June 2026, investigation begun after the summer, on 17 August:
    # a case that crosses the school year belongs to the year it was reported in.
    leo, _ = file(
        session,
        tmp_path,
        REPORTER,
        sara_report(pupil_name="Leo Johansen", pupil_class="5A", others=(), arena="digitalt"),
        dt.datetime(2026, 6, 15, 8, 0),
    )
    start_document(
        session, leo, "undersokelse", user(session, HANDLER), dt.datetime(2026, 8, 17, 9, 0)
    )
    session.commit()
    # Nora (7C), § 12-5 and hidden from the leadership: reported 1 October 2026.
    nora, _ = file(
        session,
        tmp_path,
        REPORTER,
        sara_report(pupil_name="Nora Haugen", pupil_class="7C", others=(), **LEADERSHIP_CASE),
        dt.datetime(2026, 10, 1, 10, 0),
    )
    return {"sara": sara.id, "leo": leo.id, "nora": nora.id}


def principal(session: Session, role: str) -> Principal:
    return Principal.of(demo_user(session, role, None if role == SKOLEEIER else "Nordpolen skole"))


def counts(table: Table) -> dict[str, int]:
    return {c.label: c.count for c in table.cells if c.count}


def test_the_rektors_figures_count_the_known_cases_and_never_the_hidden_one(
    session: Session, known: dict[str, int]
) -> None:
    nordpolen = school_id(session, "Nordpolen skole")
    figures = raw_figures(session, principal(session, LEDELSE), nordpolen, YEAR_2026, TODAY)

    assert counts(figures.table("reports_per_month")) == {"sep 2026": 1}
    assert counts(figures.table("arenas")) == {"Friminutt": 1}
    assert counts(figures.table("grades")) == {"6. trinn": 1}
    assert counts(figures.table("kinds")) == {"Utestenging": 1, "Digital krenkelse": 1}
    assert figures.section_12_5 == 0
    assert (figures.investigation.count, figures.investigation.median) == (1, 0)
    assert (figures.investigation.within, figures.investigation.deadline_count) == (1, 1)
    assert (figures.plan.count, figures.plan.median, figures.plan.within) == (1, 0, 1)
    # The plan's first evaluation date (tests/factories/content.py) has passed unevaluated.
    assert (figures.evaluations_on_time, figures.evaluations_due) == (0, 1)


def test_the_owner_counts_the_hidden_case_and_the_year_a_case_was_reported_in(
    session: Session, known: dict[str, int]
) -> None:
    owner = principal(session, SKOLEEIER)
    this_year = raw_figures(session, owner, None, YEAR_2026, TODAY)
    last_year = raw_figures(session, owner, None, YEAR_2025, TODAY)

    assert counts(this_year.table("reports_per_month")) == {"sep 2026": 1, "okt 2026": 1}
    assert counts(this_year.table("grades")) == {"6. trinn": 1, "7. trinn": 1}
    assert this_year.section_12_5 == 1
    # Leo's case: reported in June, investigation begun in August, 45 school days later
    # (the school entered no summer holiday), and so not within the deadline.
    assert counts(last_year.table("reports_per_month")) == {"jun 2026": 1}
    assert counts(last_year.table("arenas")) == {"Digitalt": 1}
    assert (last_year.investigation.count, last_year.investigation.median) == (1, 45)
    assert last_year.investigation.within == 0
    assert last_year.plan.count == 0


def test_a_chosen_period_and_the_scope_rule(session: Session, known: dict[str, int]) -> None:
    autumn = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    figures = raw_figures(session, principal(session, SKOLEEIER), None, autumn, TODAY)
    assert [c.label for c in figures.table("reports_per_month").cells] == ["sep 2026"]
    assert counts(figures.table("arenas")) == {"Friminutt": 1}

    other_school = school_id(session, "Vestre Aker skole")
    with pytest.raises(NotFound):
        raw_figures(session, principal(session, LEDELSE), other_school, autumn, TODAY)
    with pytest.raises(NotFound):
        raw_figures(session, principal(session, LEDELSE), None, autumn, TODAY)


def test_small_numbers_are_shown_as_under_5_and_the_page_shows_no_hidden_count(
    session: Session, known: dict[str, int]
) -> None:
    page = shown(raw_figures(session, principal(session, SKOLEEIER), None, YEAR_2026, TODAY))

    # Two cases in the year: too few for any split of them to be shown.
    arenas, grades = page.table("arenas"), page.table("grades")
    assert {c.state for c in arenas.cells + grades.cells} == {WITHHELD}
    assert arenas.total is None and grades.total is None
    months = page.table("reports_per_month")
    assert {c.state for c in months.cells} == {WITHHELD}
    assert [c.state for c in page.table("kinds").cells if c.count] == [UNDER_5, UNDER_5]
    assert page.section_12_5 is None and page.investigation.median is None
    csv = figures_csv(page).decode("utf-8")
    assert csv.startswith("\ufeffTabell;Rad;Antall\r\n")
    assert "Saker etter arena;Friminutt;–" in csv
    assert "Saker etter type krenkelse;Utestenging;under 5" in csv
    assert "Saker etter arena;Sum;vises ikke" in csv


# --- The proof: no hidden count can be recovered from the page --------------------------


def random_group(rng: random.Random) -> list[Table]:
    """One to three partitions of one group of cases, as arena and trinn split the
    period's cases, or the closed cases' outcomes (one table) split those."""
    size = rng.randint(1, 60)
    tables = []
    for t in range(rng.randint(1, 3)):
        parts = rng.randint(2, 7)
        cells = [0] * parts
        for _ in range(size):
            cells[rng.randrange(parts)] += 1
        tables.append(
            Table(f"t{t}", f"T{t}", tuple(Cell(str(i), n) for i, n in enumerate(cells)), "cases")
        )
    return tables


def test_no_hidden_count_can_be_recovered_from_the_totals_on_the_page() -> None:
    rng = random.Random(16)
    checked = 0
    for _ in range(3000):
        tables = protect(random_group(rng))
        for t, table in enumerate(tables):
            for c, cell in enumerate(table.cells):
                if cell.state != UNDER_5:
                    continue
                values = feasible_values(tables, t, c)
                assert cell.count in values
                assert len(values) >= 2, (tables, t, c, values)
                checked += 1
    assert checked > 1000


def test_without_secondary_suppression_the_proof_would_fail() -> None:
    """The check above can fail: with only "under 5" and exact totals, it finds the count."""
    arena = Table("a", "A", (Cell("x", 3), Cell("y", 20)), "cases")
    trinn = Table("g", "G", (Cell("5", 11), Cell("6", 12)), "cases")
    primary_only = [
        Table("a", "A", (Cell("x", 3, UNDER_5), Cell("y", 20)), "cases"),
        Table("g", "G", trinn.cells, "cases", total=23),
    ]
    assert feasible_values(primary_only, 0, 0) == [3]
    protected = protect([arena, trinn])
    assert [c.state for c in protected[1].cells] == [SHOWN, HIDDEN]
    assert feasible_values(protected, 0, 0) == [1, 2, 3, 4]


def test_shares_and_zeros() -> None:
    assert share(4, 5) is None  # one case not within: a small number
    assert share(5, 10) == 0.5 and share(0, 10) == 0.0 and share(0, 0) is None
    [table] = protect([Table("k", "K", (Cell("a", 0), Cell("b", 7)))])
    assert [c.state for c in table.cells] == [SHOWN, SHOWN] and table.total is None


def test_a_chart_carries_no_hidden_count_and_no_script() -> None:
    [table] = protect(
        [Table("a", "Saker etter arena", (Cell("Friminutt", 12), Cell("Digitalt", 3)), "cases")]
    )
    svg = bar_chart(table, "Saker etter arena", chart_id="c")

    assert "<script" not in svg and 'role="img"' in svg
    # The pages allow no inline style: the chart's styles are in static/css/charts.css.
    assert "<style" not in svg and " style=" not in svg
    assert (Path(__file__).parents[1] / "static/css/charts.css").read_text() == stylesheet() + "\n"
    assert '<title id="c-title">Saker etter arena</title>' in svg
    assert "Digitalt (under 5)" in svg and "Friminutt (skjult)" in svg
    # No bar for a hidden cell: nothing in the drawing measures it.
    assert svg.count('class="rect reactive') == 0
    assert "http://" not in svg.replace("http://www.w3.org/", "")


def test_the_owners_figures_cover_one_school_or_all(
    session: Session, known: dict[str, int]
) -> None:
    owner = principal(session, SKOLEEIER)
    vestre_aker = school_id(session, "Vestre Aker skole")
    figures = raw_figures(session, owner, vestre_aker, YEAR_2026, TODAY)
    assert figures.scope == "Vestre Aker skole"
    assert sum(c.count for c in figures.table("reports_per_month").cells) == 0
