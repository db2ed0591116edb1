"""`bench/scale.py --reuse`: a filled municipality is kept between runs, so a run can be
repeated without the fill (several minutes at the full size).

The fill leaves a marker row in its schema: the size it was filled at, a fingerprint of
the models' tables and columns, and what the measurements need to know about it (`Filled`:
the ids of the schools, users and sample cases the pages are measured as). A run with
`--reuse` measures the schema as it is when the marker matches the asked size and the
current models; anything else (no marker, another size, a column added since) fills anew.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from sqlalchemy import Connection, Engine, text

from bench.scale_fill import Filled, Size
from trygg.models import Base

MARKER = "bench_scale_marker"


def models_fingerprint(engine: Engine) -> str:
    """The models' tables and columns as this database would create them (indexes are
    left out: the bench creates and drops them itself)."""
    lines = [
        f"{table.name}.{column.name} {column.type.compile(engine.dialect)} {column.nullable}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
    ]
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def _size_text(size: Size) -> str:
    return json.dumps(dataclasses.asdict(size), sort_keys=True)


def save_marker(connection: Connection, engine: Engine, size: Size, filled: Filled) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {MARKER}"))
    connection.execute(text(f"CREATE TABLE {MARKER} (size text, models text, filled text)"))
    connection.execute(
        text(f"INSERT INTO {MARKER} VALUES (:size, :models, :filled)"),
        {
            "size": _size_text(size),
            "models": models_fingerprint(engine),
            "filled": json.dumps(dataclasses.asdict(filled)),
        },
    )


def filled_before(engine: Engine, size: Size) -> Filled | None:
    """What an earlier fill of this schema at `size` from the current models left; None
    when there is none to reuse."""
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT to_regclass(:name) IS NOT NULL"), {"name": MARKER}
        ).scalar_one()
        if not exists:
            return None
        row = connection.execute(text(f"SELECT size, models, filled FROM {MARKER}")).first()
    if row is None or row.size != _size_text(size) or row.models != models_fingerprint(engine):
        return None
    values: dict[str, Any] = json.loads(row.filled)
    # JSON keeps a dict's keys as text: the school ids are numbers again.
    for name in ("leaders", "teachers"):
        values[name] = {int(school): ids for school, ids in values[name].items()}
    return Filled(**values)


def create_model_indexes(engine: Engine) -> None:
    """Every index the models declare, on a schema filled before one was added."""
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
