"""Issue 12: bounds on lines and characters per field and per document.

A 60 KB text made of line breaks made a 1,182-page PDF. Now a field holds at most so
many lines, a document so many characters and line breaks, and the refusal is Norwegian
and stands at the field, with what was typed kept in the form.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_token, log_in
from tests.document_pages import documents, edit_url, form_fields, submit, text_of
from tests.factories.cases import case_at
from tests.factories.users import HANDLER, staff_value
from trygg.documents import InvalidInput, validate_input
from trygg.documents.limits import (
    CELL_TEXT_LINES,
    DOCUMENT_CHARACTERS_MAX,
    DOCUMENT_LINE_BREAKS_MAX,
    LONG_TEXT_LINES,
    line_count,
)
from trygg.models.documents import DRAFT

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    return data


def problems(kind: str, data: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        validate_input(kind, data)
    return info.value.problems


LONG_FIELDS = ("watch", "interventions", "pupil_voice", "analysis", "best_interest")


def test_sixty_kilobytes_of_line_breaks_is_refused_at_each_field() -> None:
    # The text that made 1,182 pages: 10,000 characters of line breaks in each long
    # field, every field within its character bound.
    data = example("undersokelse")
    for name in LONG_FIELDS:
        data["investigation"][name] = "a\n" * 4_999 + "a"
    found = problems("undersokelse", data)
    assert (
        "Undersøkelse › Analyse: for mange linjer (høyst 200, fikk 5\u00a0000); "
        "slå sammen avsnitt (investigation.analysis)"
    ) in found
    for name in LONG_FIELDS:
        assert any(p.endswith(f"(investigation.{name})") and "for mange linjer" in p for p in found)
    assert any("dokumentet får for mange linjer" in p for p in found)


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\x0b", "\x0c", "\u2028"])
def test_a_long_text_may_hold_its_lines_and_not_one_more(brk: str) -> None:
    data = example("undersokelse")
    data["investigation"]["analysis"] = brk.join(["Linje"] * LONG_TEXT_LINES)
    validate_input("undersokelse", data)
    data["investigation"]["analysis"] = brk.join(["Linje"] * (LONG_TEXT_LINES + 1))
    [problem] = problems("undersokelse", data)
    assert f"for mange linjer (høyst {LONG_TEXT_LINES}, fikk {LONG_TEXT_LINES + 1})" in problem
    assert problem.endswith("(investigation.analysis)")


def test_an_optional_long_text_and_a_table_cell_have_their_bounds_too() -> None:
    data = example("undersokelse")
    data["investigation"]["conclusion"]["comment"] = "x\n" * LONG_TEXT_LINES + "x"
    data["investigation"]["conversations"][1]["account"] = "\n".join(["y"] * (CELL_TEXT_LINES + 1))
    found = problems("undersokelse", data)
    assert len(found) == 2
    assert any(p.endswith("(investigation.conclusion.comment)") for p in found)
    assert any(p.endswith("(investigation.conversations[1].account)") for p in found)


def _conversation(text: str) -> dict[str, Any]:
    return {"date": "2026-09-16", "with": "p1", "by": "s2", "account": text}


def test_many_fields_each_within_bounds_are_refused_together_at_the_longest() -> None:
    data = example("undersokelse")
    rows = [_conversation("Hun forteller om friminuttet. " * 60) for _ in range(59)]
    rows.append(_conversation("Den lengste samtalen. " * 130))
    data["investigation"]["conversations"] = rows
    [problem] = problems("undersokelse", data)
    assert "dokumentet blir for langt (høyst 100\u00a0000 tegn i alle feltene til sammen" in problem
    assert problem.endswith("(investigation.conversations[59].account)")


def test_line_breaks_are_counted_over_the_whole_document() -> None:
    data = example("undersokelse")
    rows = [_conversation("\n".join(["kort"] * 30)) for _ in range(40)]
    data["investigation"]["conversations"] = rows
    [problem] = problems("undersokelse", data)
    assert "dokumentet får for mange linjer (høyst 1\u00a0000 linjeskift" in problem
    assert problem.endswith("(investigation.conversations[0].account)")


@pytest.mark.parametrize(
    "kind", ["meldeskjema", "undersokelse", "aktivitetsplan", "evaluering", "kvittering"]
)
def test_a_real_document_stays_far_below_the_bounds(kind: str) -> None:
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(example(kind))
    assert sum(map(len, texts)) * 50 < DOCUMENT_CHARACTERS_MAX
    assert sum(line_count(t) - 1 for t in texts) * 50 < DOCUMENT_LINE_BREAKS_MAX
    assert max(line_count(t) for t in texts) * 50 < LONG_TEXT_LINES


def test_the_form_shows_the_bound_at_the_field_and_keeps_the_text(
    client: FlaskClient, session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case = case_at(session, tmp_path, "received")
    log_in(client, HANDLER)
    url = edit_url(case.id, "undersokelse")
    client.post(f"{url}/start", data={"csrf_token": csrf_token(client, url)})
    page = client.get(url).get_data(as_text=True)
    typed = "\n".join(f"Avsnitt {n}" for n in range(1, 302))
    changes = {
        "watch": "Ekstra voksen ute i storefri.",
        "conversations-0-date": "2026-09-15",
        "conversations-0-with": "pupil",
        "conversations-0-by": staff_value(session, HANDLER),
        "conversations-0-account": "Sara forteller at hun holdes utenfor.",
        "pupil_voice": "Sara gruer seg til storefri.",
        "analysis": typed,
        "best_interest": "Saras trygghet veier tyngst.",
    }

    refused = submit(client, url, page, changes, button="ferdigstill")

    assert refused.status_code == 200
    body = refused.get_data(as_text=True)
    error = re.search(r'<p class="error-message" id="analysis-error">(.*?)</p>', body, re.S)
    assert error is not None, text_of(refused)[:2000]
    assert "for mange linjer (høyst 200, fikk 301)" in html.unescape(error.group(1))
    assert form_fields(body)["analysis"].replace("\r\n", "\n") == typed
    [draft] = documents(session, case.id, "undersokelse")
    assert draft.status == DRAFT
