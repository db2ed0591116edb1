"""The name lists shipped in ``data/``: SSB first names and surnames, common-word names."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from trygg.anonymise.folding import fold_word


def _read(filename: str) -> tuple[str, ...]:
    text = files("trygg.anonymise").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def first_names() -> frozenset[str]:
    """SSB first names, as written ("Anne-Marie", "Jørgen")."""
    return frozenset(_read("first_names.txt"))


@cache
def folded_first_names() -> frozenset[str]:
    return frozenset(fold_word(name) for name in first_names())


@cache
def surnames() -> frozenset[str]:
    return frozenset(_read("surnames.txt"))


@cache
def common_word_names() -> frozenset[str]:
    """Folded names that are also ordinary words ("liv", "stein", "hagen")."""
    return frozenset(fold_word(word) for word in _read("common_word_names.txt"))
