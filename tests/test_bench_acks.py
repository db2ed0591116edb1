"""The kvitteringer benchmark measures real work: both paths make the same merged PDF
(a page and a bookmark per employee, in the register's order), the old with one
conversion per employee, the new with one per chunk. No timing here: bench/acks.py
prints the seconds and the ratio."""

from __future__ import annotations

import pytest

from bench.acks import measure
from trygg.pdf import ConverterService


@pytest.mark.libreoffice
def test_both_paths_make_the_same_merged_pdf(converter: ConverterService) -> None:
    old, new = measure(5, chunk=3, given=converter.env_value).values()
    assert (old.pages, old.bookmarks) == (new.pages, new.bookmarks)
    assert old.pages == 5 and len(set(old.bookmarks)) == 5
    assert old.bookmarks == sorted(old.bookmarks)
    assert (old.conversions, new.conversions) == (5, 2)
    assert old.seconds > 0 and new.seconds > 0
