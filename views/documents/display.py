"""A document section as rows of (where, value) for people: the read-only page of a
final document, and the side-by-side comparison when two people saved the same draft.

Values are shown with identities (this is the case page, not the anonymised document):
actor keys and picker values become names, dates Norwegian, enums their words.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from trygg.calendar.formats import stored_text
from trygg.cases.actors import display_name
from trygg.cases.documents import NOT_NAMES
from trygg.documents.inputs import ActivityPlanPart, EvaluationPart, InvestigationPart, ReportPart
from trygg.documents.validation import human_path
from trygg.documents.vocabulary import DECISIONS, LEVELS, NEXT_ACTIONS
from trygg.models import Case, User

PEOPLE_KEYS = frozenset({"by", "with", "responsible"})
WORDS = {"level": LEVELS, "decision": DECISIONS, "action": NEXT_ACTIONS}
# Bookkeeping the engine needs but a reader does not; words confirmed not to be names.
HIDDEN = frozenset({"measure", "plan_version", NOT_NAMES})
# Fields in the order the documents print them, not the order they were first saved.
ORDER = {
    kind: list(model.model_fields)
    for kind, model in (
        ("meldeskjema", ReportPart),
        ("undersokelse", InvestigationPart),
        ("aktivitetsplan", ActivityPlanPart),
        ("evaluering", EvaluationPart),
    )
}


@dataclass(frozen=True)
class Row:
    path: tuple[str | int, ...]
    label: str
    value: str


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    mine: str


def _leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key not in HIDDEN:
                yield from _leaves(value, (*path, key))
    elif isinstance(node, list) and node and all(isinstance(v, Mapping) for v in node):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path, node


class Presenter:
    """Turns stored values into the words the case page shows."""

    def __init__(self, case: Case, staff: list[User]) -> None:
        self.case = case
        self.users = {user.id: user for user in staff}

    def person(self, value: str) -> str:
        if value.startswith("u") and value[1:].isdigit():
            user_id = int(value[1:])
            for actor in self.case.actors:
                if actor.user_id == user_id:
                    return display_name(self.case, actor.key)
            user = self.users.get(user_id)
            return (
                f"{user.name} ({user.title})"
                if user and user.title
                else (user.name if user else value)
            )
        if value == "pupil" or any(a.key == value for a in self.case.actors):
            return display_name(self.case, value)
        return value

    def value(self, key: Any, value: Any) -> str:
        if value is None or value == "" or value == []:
            return gettext("Ikke fylt ut")
        if isinstance(value, bool):
            return gettext("Ja") if value else gettext("Nei")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if not isinstance(value, str):
            return str(value)
        if key in PEOPLE_KEYS:
            return self.person(value)
        if key in WORDS:
            return gettext(WORDS[key].get(value, value))
        # A date or a moment as the forms store it; any other text as it is.
        return stored_text(value)

    def rows(self, section: Mapping[str, Any], kind: str = "") -> list[Row]:
        order = ORDER.get(kind, [])
        position = {key: n for n, key in enumerate(order)}
        ordered = dict(sorted(section.items(), key=lambda item: position.get(item[0], len(order))))
        rows = []
        for path, value in _leaves(ordered):
            key = path[-1] if path else ""
            rows.append(Row(path, gettext(human_path(path)), self.value(key, value)))
        return rows

    def differences(
        self, theirs: Mapping[str, Any], mine: Mapping[str, Any], kind: str = ""
    ) -> list[Difference]:
        """Every field whose text differs, in the order of the document."""
        old = {row.path: row for row in self.rows(theirs, kind)}
        new = {row.path: row for row in self.rows(mine, kind)}
        missing = gettext("Ikke fylt ut")
        out = []
        for path in [*old, *(p for p in new if p not in old)]:
            before = old[path].value if path in old else missing
            after = new[path].value if path in new else missing
            if before != after:
                label = (old.get(path) or new[path]).label
                out.append(Difference(label, before, after))
        return out
