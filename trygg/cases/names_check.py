"""Names in free text that a form asks about before a document is made from it.

Two questions, both answered on the page beside the text they are about:

- An *ambiguous* lone name ("Ola" when two people in the case are called Ola). The user
  picks the person, and that occurrence is rewritten to the person's full name. The text
  then says by itself who is meant: no offsets are stored, and an answer given to an
  older version of the text is refused rather than applied to the wrong word.
- An *unregistered* name (a common first name nobody in the case has). The user adds the
  person, or confirms that the word is not a name. Confirmations are kept in the
  document's data under NOT_NAMES, which the document engine never sees.

A case document cannot be finalised, and a report cannot be filed, while either is open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trygg import anonymise
from trygg.anonymise.folding import fold_word
from trygg.cases.actors import PersonInput, anonymiser_actor
from trygg.cases.documents import NOT_NAMES, SECTION
from trygg.errors import DomainError
from trygg.models import Case

# The fields each document anonymises (trygg.documents.case_contexts), as paths inside
# the document's section; "*" is every row of a list.
FREE_TEXTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "meldeskjema": (("account",), ("intervention",), ("arena_detail",)),
    "undersokelse": (
        ("watch",),
        ("interventions",),
        ("reporting",),
        ("conversations", "*", "account"),
        ("observations", "*", "arena"),
        ("observations", "*", "findings"),
        ("pupil_voice",),
        ("analysis",),
        ("best_interest",),
        ("conclusion", "comment"),
        ("measures_summary",),
        ("pupil_not_heard_reason",),
        ("not_heard_reason",),
        ("safe_justification",),
    ),
    "aktivitetsplan": (
        ("problem",),
        ("background",),
        ("measures", "*", "description"),
        ("measures", "*", "frequency"),
        ("pupil_voice",),
        ("best_interest",),
        ("guardian_views",),
        ("measures_first_reason",),
        ("unadjusted_reason",),
    ),
    "evaluering": (
        ("participants",),  # one per line in the form
        ("date_moved_reason",),
        ("measures", "*", "deviations"),
        ("measures", "*", "effect_pupil"),
        ("measures", "*", "effect_staff"),
        ("measures", "*", "effect_guardians"),
        ("overall",),
        ("external_help_considered",),
    ),
}
EXCERPT = 40  # characters of context on each side of a flagged word
_APOSTROPHES = "'’"
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Candidate:
    """A person a lone name may mean, as the case page shows them."""

    id: str  # actor key; anonymise.CASE_PUPIL_ID for the case's own pupil
    name: str
    kind: str  # "case_pupil", "pupil", "guardian" or "staff"
    role: str = ""  # a pupil's role in the case, or a staff member's title
    guardian_of: str = ""  # the pupil's name, for a guardian


@dataclass(frozen=True)
class NameQuestion:
    """Which person a lone name in `key`'s text means."""

    key: str  # which text: a form field's name, or a path such as "measures-0-description"
    word: str  # as written: "Olas"
    name: str  # the name it is: "Ola"
    start: int
    end: int
    candidates: tuple[Candidate, ...]
    before: str  # the excerpt around the word, with "…" where it is cut
    after: str


@dataclass(frozen=True)
class NameNotice:
    """A word in `key`'s text that looks like the name of someone not in the case."""

    key: str
    word: str  # as written: "Karis"
    name: str  # the first name it is: "Kari"
    start: int
    end: int
    before: str
    after: str

    @property
    def message(self) -> str:
        return (
            f"«{self.name}» ser ut som et navn som ikke er registrert i saken. "
            "Legg personen til, eller bekreft at det ikke er et navn."
        )


@dataclass(frozen=True)
class NameCheck:
    questions: tuple[NameQuestion, ...] = ()
    warnings: tuple[NameNotice, ...] = ()

    @property
    def clear(self) -> bool:
        return not self.questions and not self.warnings


class NamesToCheck(DomainError):
    """Free text names someone ambiguously, or someone not registered in the case."""

    def __init__(self, check: NameCheck) -> None:
        super().__init__("Sjekk navnene i teksten før meldingen sendes.")
        self.check = check


@dataclass(frozen=True)
class People:
    """Everyone a text may name: the case's own pupil and the registered people."""

    pupil_name: str
    actors: tuple[anonymise.Actor, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    def anonymiser(self) -> anonymise.Anonymiser:
        return anonymise.Anonymiser(self.pupil_name, self.actors, self.labels)

    def candidate(self, person_id: str) -> Candidate:
        if person_id == anonymise.CASE_PUPIL_ID:
            return Candidate(person_id, self.pupil_name, "case_pupil")
        by_id = {a.id: a for a in self.actors}
        actor = by_id[person_id]
        guardian_of = by_id.get(actor.guardian_of or "")
        role = actor.title if actor.kind == "staff" else actor.role
        return Candidate(
            actor.id, actor.name, actor.kind, role or "", guardian_of.name if guardian_of else ""
        )

    def spellings(self, person_id: str) -> list[str]:
        """How a text can name this person unambiguously: the full name, else the label."""
        candidate = self.candidate(person_id)
        label = self.labels.get(person_id)
        return [candidate.name, label] if label else [candidate.name]


def case_people(case: Case) -> People:
    actors = tuple(anonymiser_actor(a) for a in case.actors)
    existing = {a.key: a.label for a in case.actors if a.label}
    settings = anonymise.LabelSettings(perpetrator_labels=case.school.perpetrator_labels)
    return People(case.pupil_name, actors, anonymise.assign_labels(actors, settings, existing))


def form_people(
    pupil_name: str, pupils: Sequence[PersonInput], staff: Sequence[tuple[str, bool]] = ()
) -> People:
    """The people a form names before they are in a case: the report's other pupils, and
    staff as (name, suspected). Ids come from the names ("elev:kari berg"), not from row
    numbers, so an answer still means the same person after rows are added or removed."""
    actors: list[anonymise.Actor] = []
    seen = {" ".join(pupil_name.split()).casefold()}
    for person in pupils:
        name = " ".join(person.name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            aliases = tuple(a for a in person.aliases if a.strip())
            actors.append(
                anonymise.Actor(
                    f"elev:{name.casefold()}", "pupil", name, aliases, role=person.role or None
                )
            )
    for typed, suspected in staff:
        name = " ".join(typed.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            key = f"ansatt:{name.casefold()}"
            actors.append(anonymise.Actor(key, "staff", name, suspected=suspected))
    labels = anonymise.assign_labels(actors, anonymise.LabelSettings(), {})
    return People(" ".join(pupil_name.split()), tuple(actors), labels)


def _excerpt(text: str, start: int, end: int) -> tuple[str, str]:
    """The text around a word, cut at whole words, on one line."""
    before, after = text[max(0, start - EXCERPT) : start], text[end : end + EXCERPT]
    if start > EXCERPT:
        before = "…" + (before.split(" ", 1)[1] if " " in before else before)
    if end + EXCERPT < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return _WHITESPACE.sub(" ", before), _WHITESPACE.sub(" ", after)


def _folded(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_word(w.strip()) for w in words if w.strip())


def check_texts(
    people: People, texts: Mapping[str, str], not_names: Iterable[str] = ()
) -> NameCheck:
    """Every open question about names in `texts` ({key: text})."""
    anonymiser = people.anonymiser()
    confirmed = _folded(not_names)
    questions: list[NameQuestion] = []
    warnings: list[NameNotice] = []
    for key, text in texts.items():
        if not text:
            continue
        for found in anonymiser.ambiguities(text):
            candidates = tuple(people.candidate(i) for i in found.candidate_ids)
            around = _excerpt(text, found.start, found.end)
            name = found.word[:-1] if _inner_genitive(text, found) else found.word
            questions.append(
                NameQuestion(key, found.word, name, found.start, found.end, candidates, *around)
            )
        shown: set[str] = set()
        for warning in anonymise.unregistered_names(text, people.pupil_name, people.actors):
            name = warning.name or warning.word
            folded = {fold_word(warning.word), fold_word(name)}
            if folded & confirmed or fold_word(name) in shown:
                continue
            shown.add(fold_word(name))
            around = _excerpt(text, warning.start, warning.end)
            warnings.append(
                NameNotice(key, warning.word, name, warning.start, warning.end, *around)
            )
    return NameCheck(tuple(questions), tuple(warnings))


def resolve(people: People, text: str, start: int, person_id: str) -> str | None:
    """`text` with the ambiguous name at `start` written as the chosen person's full name.

    None when no question is asked at `start` any more or the person is not one of its
    candidates: the text changed after the page was shown, so the question is asked again.
    """
    anonymiser = people.anonymiser()
    found = next((a for a in anonymiser.ambiguities(text) if a.start == start), None)
    if found is None or person_id not in found.candidate_ids:
        return None
    genitive = "s" if _inner_genitive(text, found) else ""
    for spelling in people.spellings(person_id):
        rewritten = text[:start] + spelling + genitive + text[found.end :]
        if not any(a.start == start for a in anonymiser.ambiguities(rewritten)):
            return rewritten
    return None


def _inner_genitive(text: str, found: anonymise.Ambiguity) -> bool:
    """ "Olas" carries its genitive -s inside the word; "Ola's" after it."""
    after = text[found.end : found.end + 1]
    return found.genitive and found.word[-1:] in ("s", "S") and after not in tuple(_APOSTROPHES)


def is_free_text(kind: str, path: Sequence[str]) -> bool:
    """Whether the field at `path` ("measures", "0", "description") is anonymised text."""
    pattern = tuple("*" if part.isdigit() else part for part in path)
    return pattern in FREE_TEXTS.get(kind, ())


def document_texts(kind: str, section: Mapping[str, Any]) -> dict[str, str]:
    """The document's free texts by dash-joined path: {"measures-0-description": ...}."""
    texts: dict[str, str] = {}
    for path in FREE_TEXTS.get(kind, ()):
        _collect(section, path, (), texts)
    return texts


def _collect(node: Any, path: tuple[str, ...], done: tuple[str, ...], out: dict[str, str]) -> None:
    if not path:
        if isinstance(node, list):
            node = "\n".join(str(item) for item in node)
        if isinstance(node, str) and node:
            out["-".join(done)] = node
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for index, item in enumerate(node if isinstance(node, list) else []):
            _collect(item, rest, (*done, str(index)), out)
    elif isinstance(node, Mapping) and head in node:
        _collect(node[head], rest, (*done, head), out)


def not_names(section: Mapping[str, Any]) -> list[str]:
    value = section.get(NOT_NAMES)
    return [str(word) for word in value] if isinstance(value, list) else []


def with_not_names(section: Mapping[str, Any], words: Iterable[str]) -> dict[str, Any]:
    """The section with `words` added to the words confirmed not to be names."""
    kept = not_names(section)
    known = _folded(kept)
    for word in words:
        word = " ".join(word.split())[:80]
        if word and fold_word(word) not in known:
            kept.append(word)
            known = known | {fold_word(word)}
    out = dict(section)
    if kept:
        out[NOT_NAMES] = kept
    return out


def _where(kind: str, key: str) -> str:
    """ "measures-0-description" as the engine's path "(plan.measures[0].description)",
    which the page links to the field (views.documents.page_content.problem_items)."""
    parts = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in key.split("-"))
    return f" ({SECTION[kind]}{parts})"


def name_problems(case: Case, kind: str, section: Mapping[str, Any]) -> list[str]:
    """What stops the document from being finalised, one line per open question."""
    check = check_texts(case_people(case), document_texts(kind, section), not_names(section))
    problems = [
        f"«{q.name}» kan være flere personer. Velg hvem som menes.{_where(kind, q.key)}"
        for q in check.questions
    ]
    problems += [f"{w.message}{_where(kind, w.key)}" for w in check.warnings]
    return problems
