"""validate_input and input_schema: the one door into the document engine.

Every problem is reported at once, in Norwegian, with where it is: «Tiltak 3 › Hvem
gjennomfører: feltet mangler (plan.measures[2].by)». The technical path stays in
parentheses so support can find the field in a JSON file.
"""

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from trygg.documents.contract import CONTRACTS
from trygg.documents.inputs import (
    INPUT_MODELS,
    AcknowledgementInput,
    AcknowledgementListInput,
    ActivityPlanInput,
    DocumentInput,
    EvaluationInput,
    InvestigationInput,
    ReportInput,
)
from trygg.documents.limits import document_limit_problems
from trygg.documents.references import Loc, reference_problems
from trygg.documents.vocabulary import FIELD_LABELS, ROW_LABELS
from trygg.errors import DomainError


class InvalidInput(DomainError):
    """The input cannot make a document; problems are Norwegian, one per line in a UI."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UnknownKind(InvalidInput):
    pass


def known_kinds() -> tuple[str, ...]:
    return tuple(INPUT_MODELS)


def template_kinds() -> tuple[str, ...]:
    """The kinds a municipality or school may give its own Word template: every kind with
    a contract, also the figures report, which is made from counts and has no input."""
    return tuple(CONTRACTS)


def _model_for(kind: str) -> Any:
    try:
        return INPUT_MODELS[kind]
    except KeyError:
        raise UnknownKind(
            [f"Ukjent dokumenttype «{kind}». Gyldige typer: {', '.join(INPUT_MODELS)}."]
        ) from None


def technical_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def human_path(loc: Loc) -> str:
    """«Aktivitetsplan › Tiltak 3 › Hvem gjennomfører» for ('plan','measures',2,'by')."""
    parts: list[str] = []
    parent = ""
    for part in loc:
        if isinstance(part, int):
            if parts:
                parts.pop()  # "Tiltak" becomes "Tiltak 3"
            parts.append(f"{ROW_LABELS.get(parent, 'Rad')} {part + 1}")
            continue
        parts.append(FIELD_LABELS.get(f"{parent}.{part}") or FIELD_LABELS.get(part, part))
        parent = part
    return " › ".join(parts) if parts else "Dokumentet"


def _message(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    value = error.get("input")
    if kind == "trygg_rule":
        return str(error["msg"])
    if kind == "missing":
        return "feltet mangler"
    if kind == "extra_forbidden":
        return "ukjent felt (skrivefeil?)"
    if kind in {"too_short", "string_too_short"}:
        if ctx.get("field_type") in {"Tuple", "List"}:
            # Lists are rows in some forms and one-per-line text boxes in others.
            least = ctx.get("min_length")
            return "mangler; fyll inn minst én" if least == 1 else f"må ha minst {least}"
        return "feltet er tomt"
    if kind in {"too_long", "string_too_long"}:
        if ctx.get("field_type") in {"Tuple", "List"}:
            return f"kan ha høyst {ctx.get('max_length')} rader, fikk {ctx.get('actual_length')}"
        actual = len(value) if isinstance(value, str) else ctx.get("actual_length")
        return f"teksten er for lang: høyst {ctx.get('max_length')} tegn, fikk {actual}"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("' or '", "', '")
        return f"ugyldig verdi «{value}»; tillatt er {allowed}"
    if kind.startswith("date"):
        return f"ugyldig dato «{value}» (skriv ÅÅÅÅ-MM-DD, f.eks. 2026-09-14)"
    if kind.startswith("datetime"):
        return f"ugyldig tidspunkt «{value}» (skriv ÅÅÅÅ-MM-DDTtt:mm, f.eks. 2026-09-14T13:05)"
    if kind.startswith("bool"):
        return "må være ja eller nei (true/false)"
    if kind.startswith("int"):
        return "må være et heltall"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"må være minst {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"kan være høyst {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("string"):
        return "må være tekst"
    if kind in {"list_type", "tuple_type"}:
        return "må være en liste"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "må være et objekt med felter"
    return "ugyldig verdi"


def _is_consequence(loc: Loc, kind: str, all_locs: list[Loc]) -> bool:
    # pydantic adds "list too short" when the only row failed; the row's own problems
    # already say what is wrong.
    return kind == "too_short" and any(
        len(other) > len(loc) and other[: len(loc)] == loc for other in all_locs
    )


def _format(loc: Loc, message: str) -> str:
    if not loc:
        return f"{message[0].upper()}{message[1:]}"
    return f"{human_path(loc)}: {message} ({technical_path(loc)})"


def validate_input(kind: str, data: object) -> DocumentInput:
    """Validate and sanitise the input of one document kind, or raise InvalidInput."""
    model = _model_for(kind)
    if not isinstance(data, dict):
        raise InvalidInput(["Inndata må være et JSON-objekt med felter."])
    problems: list[tuple[Loc, str]] = []
    result: DocumentInput | None = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        all_locs = [tuple(e["loc"]) for e in errors]
        for error in errors:
            loc = tuple(error["loc"])
            if not _is_consequence(loc, error["type"], all_locs):
                problems.append((loc, _message(error)))
    problems.extend(reference_problems(kind, data))
    problems.extend(document_limit_problems(data))
    if problems or result is None:
        raise InvalidInput([_format(loc, message) for loc, message in problems])
    return result


def input_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of one kind's input (field names as in the JSON files)."""
    schema: dict[str, Any] = _model_for(kind).model_json_schema(by_alias=True)
    schema["title"] = f"Trygg – inndata for {kind}"
    return schema


__all__ = [
    "AcknowledgementInput",
    "AcknowledgementListInput",
    "ActivityPlanInput",
    "EvaluationInput",
    "InvalidInput",
    "InvestigationInput",
    "ReportInput",
    "input_schema",
    "validate_input",
]
