"""The reader's side of the small-number proof (trygg.overview.suppression): what values a
suppressed count can have, given everything a page shows. Shared by tests/test_figures.py
and tests/test_figures_outcomes.py."""

from __future__ import annotations

from trygg.overview.suppression import SHOWN, UNDER_5, WITHHELD, Table


def feasible_values(tables: list[Table], table_index: int, cell_index: int) -> list[int]:
    """Every value of one "under 5" cell consistent with everything the page shows about
    the tables of its group, for a reader who knows the rules of suppression.py: a
    shown count is exact, "under 5" is 1–4, "skjult" is at least 5 and at least every
    shown count of its table, a shown total is exact. The group's size N must fit every
    table at once; each table's possible sums form one interval."""
    infinity = 10**9

    def bounds(table: Table, fixed: int | None, index: int) -> tuple[int, int]:
        low = high = 0
        largest = max((c.count for c in table.cells if c.state == SHOWN), default=0)
        for i, cell in enumerate(table.cells):
            if fixed is not None and i == index:
                low, high = low + fixed, high + fixed
            elif cell.state == SHOWN:
                low, high = low + cell.count, high + cell.count
            elif cell.state == UNDER_5:
                low, high = low + 1, high + 4
            elif cell.state == WITHHELD:
                high = infinity
            else:
                low, high = low + max(5, largest), infinity
        if table.total is not None:
            low, high = max(low, table.total), min(high, table.total)
        return low, high

    found = []
    for value in range(1, 5):
        lows, highs = [], []
        for i, table in enumerate(tables):
            low, high = bounds(table, value if i == table_index else None, cell_index)
            lows.append(low)
            highs.append(high)
        if max(lows) <= min(highs):
            found.append(value)
    return found
