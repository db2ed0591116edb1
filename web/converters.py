"""Numbers from the address and the query string, bounded to what the database can hold.

Every id column is an INTEGER: PostgreSQL refuses a number above 2^31 − 1 with an error,
and SQLite's driver one above 2^63 − 1, so an unbounded number typed into an address
reached the database and came back as a 500. Here a number out of that range is no id
at all: in the address the rule does not match (404); in the query string it is
ignored (no filter, the first page) or the page says 404.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

# The largest value of PostgreSQL's INTEGER, the type of every id column.
ID_MAX = 2**31 - 1
_ID_DIGITS = len(str(ID_MAX))


class DatabaseId(IntegerConverter):
    """`<id:case_id>`: a whole number from 1 to 2^31 − 1; anything else matches no page.

    A subclass of werkzeug's integer converter, so tools that walk the URL map (the route
    tests) still see an integer argument."""

    # At most ten digits: longer text never reaches int() (which refuses numbers beyond
    # 4,300 digits with an error of its own).
    regex = rf"\d{{1,{_ID_DIGITS}}}"

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=ID_MAX)


def parse_id(value: str | None) -> int | None:
    """An id typed as text (a query parameter, a hidden field): None unless it is plain
    digits for a number from 1 to 2^31 − 1."""
    text = (value or "").strip()
    # isascii: str.isdigit also accepts digits of other scripts and superscripts.
    if not text.isascii() or not text.isdigit() or len(text) > _ID_DIGITS:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


def query_id(name: str) -> int | None:
    """The id in the query parameter `name`, or None when it is missing or no id."""
    return parse_id(request.args.get(name))


def query_page(name: str = "side") -> int:
    """The page number in the query string; the first page when it is missing or out of
    range (a page past the last simply shows no rows)."""
    return query_id(name) or 1


def install_converters(app: Flask) -> None:
    app.url_map.converters["id"] = DatabaseId
