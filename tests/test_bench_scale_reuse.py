"""`bench/scale.py --reuse`: a filled schema is measured again only at the size it was
filled at and from the models it was filled from; anything else is filled anew."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Engine, text

from bench.scale_fill import Size, fill
from bench.scale_reuse import MARKER, filled_before, save_marker


def test_a_filled_schema_is_reused_at_its_size_only(database_url: str, engine: Engine) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the scale benchmark fills PostgreSQL with COPY")
    size = Size(schools=2, pupils=60, cases=40, years=1)
    assert filled_before(engine, size) is None  # never filled
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        filled = fill(connection, size, now)
        save_marker(connection, engine, size, filled)
    again = filled_before(engine, size)
    assert again == filled and again is not None
    # The ids the pages are measured as come back as they were, schools as numbers.
    assert again.leaders == filled.leaders and all(isinstance(s, int) for s in again.leaders)
    assert filled_before(engine, dataclasses.replace(size, cases=41)) is None
    # Filled from other models (a column added since): filled anew.
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {MARKER} SET models = 'older models'"))
    assert filled_before(engine, size) is None
