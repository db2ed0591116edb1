"""Issue 15, the document path: docxtpl's per-template work is done once per template
(trygg.documents.compiled), and the guard and the leak scanner share one parse."""

from __future__ import annotations

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from trygg.anonymise import docx_parts, scan_docx
from trygg.documents.compiled import TemplateCache
from trygg.documents.context import DocumentContext, actor_records
from trygg.documents.guard import check_rendered
from trygg.documents.inputs import ActivityPlanInput
from trygg.documents.package import finish_package
from trygg.documents.render import (
    JINJA_ENV,
    render_docx,
    render_finished,
    template_bytes,
    template_path,
)
from trygg.documents.service import SUBJECT, build_context, render_document
from trygg.documents.validation import validate_input

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KINDS = sorted(path.stem for path in EXAMPLES.glob("*.json"))


def _context(kind: str) -> DocumentContext:
    data = json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    return build_context(kind, validate_input(kind, data))


@pytest.mark.parametrize("kind", KINDS)
def test_the_cached_render_gives_docxtpls_bytes(kind: str) -> None:
    context = _context(kind)
    template = template_bytes(template_path(kind))
    reference = finish_package(
        render_docx(template, context.variables, context.title, SUBJECT), context
    )

    assert render_finished(template, context, SUBJECT) == reference
    assert render_finished(template, context, SUBJECT) == reference  # from the cache


def test_the_cache_is_keyed_by_the_templates_bytes_and_bounded() -> None:
    cache = TemplateCache(size=2)
    first = template_bytes(template_path("kvittering"))
    # The same template with one more (ignored) zip member: other bytes, another entry.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(first)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("docProps/extra.bin", b"x")
    second = out.getvalue()

    one = cache.get(first, JINJA_ENV)
    assert cache.get(first, JINJA_ENV) is one
    assert cache.get(second, JINJA_ENV) is not one
    cache.get(template_bytes(template_path("meldeskjema")), JINJA_ENV)

    assert len(cache) == 2
    assert cache.get(first, JINJA_ENV) is not one  # dropped, compiled again


def test_threads_rendering_one_template_get_the_same_bytes() -> None:
    context = _context("undersokelse")
    template = template_bytes(template_path("undersokelse"))
    expected = render_finished(template, context, SUBJECT)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: render_finished(template, context, SUBJECT), range(12)))

    assert all(result == expected for result in results)


def test_the_leak_scan_reads_what_the_guard_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads((EXAMPLES / "aktivitetsplan.json").read_text(encoding="utf-8"))
    document = render_document("aktivitetsplan", data)
    validated = validate_input("aktivitetsplan", data)
    assert isinstance(validated, ActivityPlanInput)
    parsed: list[int] = []
    real_xml = docx_parts._xml
    monkeypatch.setattr(docx_parts, "_xml", lambda raw: parsed.append(1) or real_xml(raw))

    actors = actor_records(validated)
    hits = scan_docx(document.docx, document.filename, validated.pupil.name, actors)
    check_rendered(document.docx, "", [])

    assert actors and hits == [] and parsed == []


def test_a_changed_part_is_parsed_and_checked_again() -> None:
    document = render_document(
        "meldeskjema", json.loads((EXAMPLES / "meldeskjema.json").read_text())
    )
    with zipfile.ZipFile(io.BytesIO(document.docx)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"</w:body>", b"</w:bod>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)

    with pytest.raises(docx_parts.UnreadableDocument):
        scan_docx(out.getvalue(), "x.docx", "Jonas Berg", [])
