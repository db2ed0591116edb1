"""The name questions on a form page: which Ola is meant, and is «Liv» a name?

They are asked inside the form they are about, as plain inputs, so they work without
JavaScript and every answer arrives together with the text it is about:

- `hvem:<field>:<start>`, a radio per candidate: that name is rewritten to the chosen
  person's full name (trygg.cases.names_check.resolve);
- `ikke_navn`, a checkbox per word: the word is not a name;
- `legg_til_person`, a button per word: add the person (the view decides how).

The templates show them beside the field (templates/_names.html, called by the field
macro when the field has a `name_check`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from forms.documents.fields import all_fields
from trygg.cases.names_check import Candidate, NameCheck, People, is_free_text, resolve

ANSWER = "hvem:"
NOT_A_NAME = "ikke_navn"
ADD_PERSON = "legg_til_person"
MAX_WORDS = 50  # confirmations taken from one post


def posted_answers(formdata: MultiDict[str, str]) -> list[tuple[str, int, str]]:
    """(field, start, person id), last in the text first, so rewriting one occurrence
    does not move the ones before it."""
    answers = []
    for key, value in formdata.items():
        if key.startswith(ANSWER) and value:
            name, _sep, start = key[len(ANSWER) :].rpartition(":")
            if name and start.isdigit():
                answers.append((name, int(start), value))
    return sorted(answers, key=lambda answer: -answer[1])


def confirmed_words(formdata: MultiDict[str, str]) -> list[str]:
    words = [" ".join(w.split()) for w in formdata.getlist(NOT_A_NAME)]
    return list(dict.fromkeys(w for w in words if w))[:MAX_WORDS]


def apply_answers(fields: Mapping[str, Any], people: People, formdata: MultiDict[str, str]) -> int:
    """Rewrite each answered name in its field; an answer to text that has changed since
    the page was shown is dropped (the question is asked again). Returns how many."""
    applied = 0
    for name, start, person_id in posted_answers(formdata):
        field = fields.get(name)
        if field is None or not isinstance(field.data, str):
            continue
        rewritten = resolve(people, field.data, start, person_id)
        if rewritten is not None:
            field.data = rewritten
            applied += 1
    return applied


def document_text_fields(form: Any, kind: str, aliases: Mapping[str, str]) -> dict[str, Any]:
    """The form's fields that hold anonymised free text, by field name. `aliases` maps
    the engine's paths to form names where they differ (PROBLEM_FIELDS)."""
    engine_path = {form_name: path for path, form_name in aliases.items()}
    return {
        f.name: f
        for f in all_fields(form)
        if f.type in ("TextAreaField", "StringField")
        and is_free_text(kind, engine_path.get(f.name, f.name).split("-"))
    }


def candidate_text(candidate: Candidate) -> str:
    """Name and role, as the case page shows the person."""
    name = candidate.name
    if candidate.kind == "case_pupil":
        return gettext("%(name)s (eleven saken gjelder)", name=name)
    if candidate.kind == "pupil":
        if candidate.role:
            return gettext("%(name)s (elev, %(role)s)", name=name, role=gettext(candidate.role))
        return gettext("%(name)s (elev)", name=name)
    if candidate.kind == "guardian":
        if candidate.guardian_of:
            return gettext(
                "%(name)s (foresatt til %(child)s)", name=name, child=candidate.guardian_of
            )
        return f"{name} ({gettext('foresatt')})"
    return f"{name} ({candidate.role or gettext('ansatt')})"


def warning_text(name: str) -> str:
    return gettext(
        "«%(name)s» ser ut som et navn som ikke er registrert i saken. Legg personen til, "
        "eller bekreft at det ikke er et navn.",
        name=name,
    )


def question_text(name: str) -> str:
    return gettext("«%(name)s» kan være flere personer. Velg hvem som menes.", name=name)


def show(
    fields: Mapping[str, Any],
    check: NameCheck,
    button: tuple[str, str],
    checked: Collection[str] = (),
) -> list[dict[str, str]]:
    """Put each question and warning beside its field (as `field.name_check`); returns
    the lines for the summary at the top, each linking to its field's questions."""
    notes: dict[str, dict[str, Any]] = {}

    def note(key: str) -> dict[str, Any] | None:
        field = fields.get(key)
        if field is None:
            return None
        if key not in notes:
            notes[key] = {
                "id": f"{field.id}-navn",
                "questions": [],
                "warnings": [],
                "button": {"name": button[0], "label": button[1]},
            }
            field.name_check = notes[key]
        return notes[key]

    summary: list[dict[str, str]] = []
    for q in check.questions:
        if (target := note(q.key)) is None:
            continue
        target["questions"].append(
            {
                "name": f"{ANSWER}{q.key}:{q.start}",
                "id": f"{fields[q.key].id}-hvem-{q.start}",
                "legend": gettext("Hvilken %(name)s mener du?", name=q.name),
                "before": q.before,
                "word": q.word,
                "after": q.after,
                "choices": [(c.id, candidate_text(c)) for c in q.candidates],
            }
        )
        summary.append({"target": target["id"], "text": question_text(q.name)})
    folded_checked = {w.casefold() for w in checked}
    for w in check.warnings:
        if (target := note(w.key)) is None:
            continue
        target["warnings"].append(
            {
                "id": f"{fields[w.key].id}-ikke-navn-{w.start}",
                "message": warning_text(w.name),
                "before": w.before,
                "word": w.word,
                "after": w.after,
                "value": w.word,
                "name": w.name,
                "checked": w.word.casefold() in folded_checked,
            }
        )
        summary.append({"target": target["id"], "text": warning_text(w.name)})
    return summary
