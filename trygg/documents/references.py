"""Checks that actor references in an input name the right kind of actor.

These run on the raw data, beside the model validation, so one pass reports a wrong
person reference together with every other problem in the form.
"""

from collections.abc import Iterator, Mapping, Sequence

Loc = tuple[str | int, ...]

STAFF = frozenset({"staff"})
ANY_ACTOR = frozenset({"pupil", "guardian", "staff"})

# kind -> (path with "*" for every list item, allowed actor kinds, may it be "pupil")
_REFERENCES: dict[str, tuple[tuple[tuple[str, ...], frozenset[str], bool], ...]] = {
    "meldeskjema": (
        (("report", "reporter"), STAFF, False),
        (("report", "guardians_informed", "by"), STAFF, False),
    ),
    "undersokelse": (
        (("investigation", "conversations", "*", "by"), STAFF, False),
        (("investigation", "conversations", "*", "with"), ANY_ACTOR, True),
        (("investigation", "observations", "*", "by"), STAFF, False),
    ),
    "aktivitetsplan": (
        (("plan", "responsible"), STAFF, False),
        (("plan", "measures", "*", "by"), STAFF, False),
    ),
    "evaluering": ((("evaluation", "measures", "*", "by"), STAFF, False),),
    "avslutning": (
        (("closing", "proposed_by"), STAFF, False),
        (("closing", "decided_by"), STAFF, False),
    ),
}

_KIND_NAMES = {"staff": "en ansatt", "pupil": "en elev", "guardian": "en foresatt"}

# § 12-5 independence: a suspected employee never leads the plan or carries out a measure,
# whichever form or input file names them (trygg.cases.actors checks the accounts too).
_DUTIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "aktivitetsplan": (("plan", "responsible"), ("plan", "measures", "*", "by")),
    "evaluering": (("evaluation", "measures", "*", "by"),),
    # Nor does a suspect decide that the case is closed.
    "avslutning": (("closing", "decided_by"),),
}


def _walk(data: object, path: Sequence[str], loc: Loc = ()) -> Iterator[tuple[Loc, object]]:
    if not path:
        yield loc, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _walk(item, rest, (*loc, index))
    elif isinstance(data, Mapping) and head in data:
        yield from _walk(data[head], rest, (*loc, head))


def _actor_kinds(data: Mapping[str, object]) -> dict[str, str]:
    actors = data.get("actors")
    kinds: dict[str, str] = {}
    if isinstance(actors, list):
        for actor in actors:
            if isinstance(actor, Mapping):
                actor_id, kind = actor.get("id"), actor.get("kind")
                if isinstance(actor_id, str) and isinstance(kind, str):
                    kinds.setdefault(actor_id.strip(), kind)
    return kinds


def _actor_problems(data: Mapping[str, object], kinds: dict[str, str]) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for loc, actor_id in _walk(data, ("actors", "*", "id")):
        if isinstance(actor_id, str):
            if actor_id.strip() in seen or actor_id.strip() == "pupil":
                problems.append((loc, f"id-en «{actor_id}» er brukt mer enn én gang"))
            seen.add(actor_id.strip())
    for loc, target in _walk(data, ("actors", "*", "guardian_of")):
        if target is None or not isinstance(target, str):
            continue
        actors = data["actors"]
        owner = actors[loc[1]] if isinstance(actors, list) and isinstance(loc[1], int) else {}
        if not isinstance(owner, Mapping) or owner.get("kind") != "guardian":
            problems.append((loc, "bare en foresatt kan være foresatt til en elev"))
        elif kinds.get(target.strip()) != "pupil":
            problems.append((loc, f"«{target}» er ikke en elev blant de involverte"))
    return problems


def _suspects(data: Mapping[str, object]) -> set[str]:
    actors = data.get("actors")
    if not isinstance(actors, list):
        return set()
    return {
        actor["id"].strip()
        for actor in actors
        if isinstance(actor, Mapping)
        and actor.get("suspected") is True
        and isinstance(actor.get("id"), str)
    }


def _duty_problems(kind: str, data: Mapping[str, object]) -> list[tuple[Loc, str]]:
    suspects = _suspects(data)
    return [
        (loc, f"«{value.strip()}» er mistenkt i saken (§ 12-5) og kan ikke være ansvarlig")
        for path in _DUTIES.get(kind, ())
        for loc, value in _walk(data, path)
        if isinstance(value, str) and value.strip() in suspects
    ]


def reference_problems(kind: str, data: object) -> list[tuple[Loc, str]]:
    """Return (location, Norwegian message) for every reference to a wrong or unknown actor."""
    if not isinstance(data, Mapping):
        return []
    kinds = _actor_kinds(data)
    problems = _actor_problems(data, kinds) if "actors" in data else []
    problems.extend(_duty_problems(kind, data))
    for path, allowed, pupil_allowed in _REFERENCES.get(kind, ()):
        for loc, value in _walk(data, path):
            if not isinstance(value, str) or not value.strip():
                continue  # missing or wrong type: the model validation reports it
            ref = value.strip()
            if pupil_allowed and ref == "pupil":
                continue
            actual = kinds.get(ref)
            if actual is None:
                problems.append((loc, f"«{ref}» finnes ikke blant de involverte"))
            elif actual not in allowed:
                wanted = " eller ".join(_KIND_NAMES[k] for k in sorted(allowed))
                problems.append(
                    (loc, f"«{ref}» er {_KIND_NAMES.get(actual, actual)}, men må være {wanted}")
                )
    return problems
