"""Small numbers never identify a child: what a figures page may show of a count.

Primary suppression: a count from 1 to 4 is shown as "under 5".

A table that splits one group of cases into parts (every case in exactly one row: by
arena, by trinn, by month) would give the hidden count away by subtraction if the
group's total were known, from the table's own sum or from any other table that splits
the same group with nothing hidden. So when any table of a group hides a count:

- no total of that group is shown anywhere on the page;
- every table that splits the group hides its largest remaining count as well ("skjult",
  secondary suppression), so no table of the group adds up to its total.

Why the largest: a reader who knows this rule learns only that the hidden cell is at
least as large as every shown one, which bounds it from below and never from above. Then
any "under 5" cell can be one lower (its table's "skjult" cell one higher) or one higher
(every group table's "skjult" cell one higher), so at least two values fit the page.
A group so small that some table of it has no shown count left to hide is withheld
whole: its tables show no number at all. tests/test_figures.py checks all this by
enumeration, and shows that without the second rule the check finds hidden counts.
Counts of 0 are shown otherwise: an empty cell names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

SMALLEST_SHOWN: Final = 5

SHOWN: Final = "shown"
UNDER_5: Final = "under_5"
HIDDEN: Final = "hidden"  # secondary suppression
WITHHELD: Final = "withheld"  # the whole table: too few cases to show anything


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    state: str = SHOWN

    @property
    def shown(self) -> int | None:
        """The number a page may print, or None."""
        return self.count if self.state == SHOWN else None


@dataclass(frozen=True)
class Table:
    """A figure's rows. `group` names the set of cases (or reports) a partition splits;
    a table that is not a partition (a case may be in several rows) has group ""."""

    key: str
    title: str
    cells: tuple[Cell, ...]
    group: str = ""
    total: int | None = None  # shown total, None when not shown

    @property
    def partition(self) -> bool:
        return bool(self.group)

    @property
    def suppressed(self) -> bool:
        return any(c.state != SHOWN for c in self.cells)

    @property
    def withheld(self) -> bool:
        return any(c.state == WITHHELD for c in self.cells)


def primary(count: int) -> str:
    return UNDER_5 if 0 < count < SMALLEST_SHOWN else SHOWN


def protect(tables: list[Table]) -> list[Table]:
    """The tables as a page may show them: primary and secondary suppression, and each
    partition's total only where no table of its group hides anything."""
    first = [
        replace(t, cells=tuple(replace(c, state=primary(c.count)) for c in t.cells)) for t in tables
    ]
    guarded = {t.group for t in first if t.partition and t.suppressed}
    # Nothing to hide secondarily in some table of the group: the group is too small.
    withheld = {
        t.group
        for t in first
        if t.group in guarded and not any(c.state == SHOWN and c.count > 0 for c in t.cells)
    }
    protected = []
    for table in first:
        if table.partition and table.group in withheld:
            cells = tuple(replace(c, state=WITHHELD) for c in table.cells)
            protected.append(replace(table, cells=cells, total=None))
        elif table.partition and table.group in guarded:
            protected.append(replace(_hide_largest(table), total=None))
        elif table.partition:
            protected.append(replace(table, total=sum(c.count for c in table.cells)))
        else:
            protected.append(replace(table, total=None))
    return protected


def _hide_largest(table: Table) -> Table:
    shown = [i for i, c in enumerate(table.cells) if c.state == SHOWN and c.count > 0]
    largest = max(shown, key=lambda i: (table.cells[i].count, -i))
    cells = list(table.cells)
    cells[largest] = replace(cells[largest], state=HIDDEN)
    return replace(table, cells=tuple(cells))


def share(part: int, whole: int) -> float | None:
    """A share a page may show: None when the part, the rest or the whole is a small
    number (80 % of 5 cases says one case was late)."""
    rest = whole - part
    if whole == 0 or any(0 < n < SMALLEST_SHOWN for n in (part, rest, whole)):
        return None
    return part / whole


def shown_count(count: int) -> int | None:
    """A single count outside any table (the § 12-5 cases): None when it is small."""
    return None if 0 < count < SMALLEST_SHOWN else count
