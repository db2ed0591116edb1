"""Rendering: contract, examples, hostile text, anonymisation, guard and threads."""

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate

from trygg.documents import BrokenDocument, render_document, validate_input
from trygg.documents.contract import required_names, variable_names
from trygg.documents.guard import check_rendered, document_text
from trygg.documents.hostile import HOSTILE, hostile_input, long_paragraph
from trygg.documents.render import JINJA_ENV, template_path
from trygg.documents.service import build_context

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASE_KINDS = ("meldeskjema", "undersokelse", "aktivitetsplan", "evaluering")
ALL_KINDS = (*CASE_KINDS, "kvittering", "kvitteringsliste")


def example(kind: str) -> dict[str, object]:
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_template_variables_match_the_contract(kind: str) -> None:
    used = DocxTemplate(template_path(kind)).get_undeclared_template_variables(JINJA_ENV)
    assert used <= variable_names(kind)
    assert required_names(kind) <= used


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_context_offers_exactly_the_contract(kind: str) -> None:
    context = build_context(kind, validate_input(kind, hostile_input(kind)))
    assert set(context.variables) == variable_names(kind)
    for value in context.variables.values():
        assert isinstance(value, str | int | bool | list | dict)


def test_readme_is_generated_from_the_contract() -> None:
    from trygg.documents.contract_doc import contract_markdown

    readme = Path(__file__).resolve().parents[1] / "doc_templates" / "README.md"
    assert readme.read_text(encoding="utf-8") == contract_markdown()


@pytest.mark.parametrize("kind", (*CASE_KINDS, "kvittering"))
def test_every_shared_example_renders(kind: str) -> None:
    result = render_document(kind, example(kind))
    text = document_text(result.docx)
    # Issue 10: only the case documents are marked; a kvittering holds nothing confidential.
    marking = "Unntatt offentlighet, offl. § 13 jf. fvl. § 13 første ledd nr. 1"
    assert (marking in text) == (kind in CASE_KINDS)
    assert "Oslo kommune" in text and "Nordpolen skole" in text
    assert "None" not in text
    assert result.filename.endswith(f"_{kind}_v1.docx")
    props = docx.Document(io.BytesIO(result.docx)).core_properties
    assert props.author == "Trygg" and props.last_modified_by == "Trygg"
    assert props.title == result.title and "&amp;" not in props.title


def test_plan_names_the_pupil_and_labels_everyone_else() -> None:
    text = document_text(render_document("aktivitetsplan", example("aktivitetsplan")).docx)
    assert "Sara Nilsen" in text
    for name in ("Jonas", "Jonte", "Emma", "Hansen", "Kari Berg"):
        assert name not in text
    assert "Elev A" in text and "Foresatt til Elev A" in text
    assert "Ingrid Dahl (sosiallærer)" in text  # staff in their role are named
    assert "Forklaring av betegnelser" in text
    assert "fra og med 21.09.2026" in text  # § 12-6: one week after the rektor knew
    for element in ("Problemet tiltakene skal løse", "Hvem gjennomfører", "Evalueres"):
        assert element in text
    assert "hun gruer seg til friminuttene & vil helst være inne." in text.lower()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_hostile_input_renders_literally_and_reopens(kind: str) -> None:
    result = render_document(kind, hostile_input(kind))
    reopened = docx.Document(io.BytesIO(result.docx))
    assert reopened.sections[0].header is not None
    text = document_text(result.docx)
    for literal in ("Smith & Søn", "<b>", '"x"', "{{ 7*7 }}", "æøå"):
        assert literal in text
    assert "49" not in text.replace("2026", "")


@pytest.mark.parametrize("kind", ("aktivitetsplan", "undersokelse", "meldeskjema"))
def test_hostile_free_text_keeps_lines_and_long_paragraphs(kind: str) -> None:
    text = document_text(render_document(kind, hostile_input(kind)).docx)
    assert "{% if %}" in text and "🙂" in text
    # VT and FF become line breaks, the other controls go (issue 12).
    assert "Linje 1\nLinje 2\nLinje 3\nLinje 4\n\n slutt" in text
    assert long_paragraph() in text


def test_newlines_become_word_line_breaks() -> None:
    body = render_document("aktivitetsplan", hostile_input("aktivitetsplan")).docx
    xml = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()
    assert "Linje 1</w:t><w:br/>" in xml
    assert "\r" not in xml and "\x07" not in xml


def test_thirty_measures_give_thirty_unsplittable_rows_under_a_repeating_header() -> None:
    result = render_document("aktivitetsplan", hostile_input("aktivitetsplan"))
    table = docx.Document(io.BytesIO(result.docx)).tables[1]
    assert len(table.rows) == 31
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows[1:])


def test_guard_catches_a_silently_dropped_text_and_a_truncated_body() -> None:
    data = example("meldeskjema")
    context = build_context("meldeskjema", validate_input("meldeskjema", data))
    good = render_document("meldeskjema", data).docx
    check_rendered(good, context.variables["end_marker"], context.free_texts)
    with pytest.raises(BrokenDocument, match="mangler i dokumentet"):
        check_rendered(good, context.variables["end_marker"], ["en tekst som ble borte"])
    with pytest.raises(BrokenDocument, match="sluttmerket mangler"):
        check_rendered(good, "et annet sluttmerke", [])
    with pytest.raises(BrokenDocument, match="ikke en gyldig Word-fil"):
        check_rendered(b"PK-not-a-zip", "x", [])


def test_twenty_parallel_renders_are_correct_and_distinct() -> None:
    def render(index: int) -> bytes:
        data = example("aktivitetsplan")
        data["plan"]["problem"] = f"Problem nummer {index} & <tråd>"  # type: ignore[index]
        return render_document("aktivitetsplan", data).docx

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, range(20)))
    for index, body in enumerate(results):
        text = document_text(body)
        assert f"Problem nummer {index} & <tråd>" in text
        others = [i for i in range(20) if i != index]
        assert not any(f"Problem nummer {i} &" in text for i in others)
    assert len(set(results)) == 20


def test_hostile_constant_really_is_hostile() -> None:
    for needle in ("\r\n", "\x00", "\ud800", "\x07", "\x0c", "{{", "&", "<"):
        assert needle in HOSTILE
