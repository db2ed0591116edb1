"""Issue 12: the same input and template give a byte-identical DOCX, with properties
from the case and the template's language (nb-NO in Trygg's own templates)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from trygg.documents import render_document
from trygg.documents.package import normalise_package
from trygg.documents.render import DEFAULT_TEMPLATE_DIR

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TEMPLATES = sorted(DEFAULT_TEMPLATE_DIR.glob("*.docx"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def example(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_same_input_renders_to_the_same_bytes() -> None:
    first = render_document("undersokelse", example("undersokelse")).docx
    # Zip times have a resolution of two seconds: let the clock move past one.
    time.sleep(2.1)
    second = render_document("undersokelse", example("undersokelse")).docx
    assert sha256(first) == sha256(second)


def test_zip_members_have_fixed_times_and_order() -> None:
    rendered = render_document("meldeskjema", example("meldeskjema")).docx
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        infos = package.infolist()
    assert [i.filename for i in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    rest = [i.filename for i in infos[2:]]
    assert rest == sorted(rest)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_core_properties_come_from_the_case() -> None:
    rendered = render_document("meldeskjema", example("meldeskjema")).docx
    props = docx.Document(io.BytesIO(rendered)).core_properties
    assert props.title == "Meldeskjema – sak 2026/0142"
    assert props.author == "Trygg" and props.last_modified_by == "Trygg"
    # The document's own date (the report's date in examples/meldeskjema.json).
    assert props.created is not None and props.created.date().isoformat() == "2026-09-14"
    assert props.modified == props.created
    assert props.language == "nb-NO"
    assert props.revision == 1


def test_no_stale_application_properties_and_no_thumbnail() -> None:
    rendered = render_document("aktivitetsplan", example("aktivitetsplan")).docx
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        names = package.namelist()
        app = package.read("docProps/app.xml").decode()
        rels = package.read("_rels/.rels").decode()
        core = package.read("docProps/core.xml").decode()
    assert not [n for n in names if "thumbnail" in n]
    assert "thumbnail" not in rels
    assert "Microsoft" not in app and "Normal.dotm" not in app
    assert "<Application>Trygg</Application>" in app
    assert "2013" not in core


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_the_templates_declare_norwegian_bokmal(path: Path) -> None:
    with zipfile.ZipFile(path) as package:
        styles = package.read("word/styles.xml").decode()
        settings = package.read("word/settings.xml").decode()
        names = package.namelist()
    default = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    assert default is not None
    assert re.findall(r'<w:lang w:val="([^"]+)"', default.group()) == ["nb-NO"]
    assert 'w:val="en-US"' not in styles
    assert '<w:themeFontLang w:val="nb-NO"' in settings
    assert "word/stylesWithEffects.xml" not in names
    assert not [n for n in names if "thumbnail" in n]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_the_templates_as_built_are_already_normalised(path: Path) -> None:
    # build_templates.py writes them through normalise_package: rebuilding with no change
    # to the script gives the same bytes, so git shows only real changes.
    template = path.read_bytes()
    title = docx.Document(io.BytesIO(template)).core_properties.title
    assert normalise_package(template, title=title, created=None) == template


def _with_language(template: bytes, language: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(
                    b'<w:lang w:val="nb-NO"', f'<w:lang w:val="{language}"'.encode()
                )
            target.writestr(info, data)
    return out.getvalue()


def test_a_nynorsk_template_gives_a_nynorsk_document() -> None:
    template = _with_language((DEFAULT_TEMPLATE_DIR / "meldeskjema.docx").read_bytes(), "nn-NO")
    rendered = render_document("meldeskjema", example("meldeskjema"), template=template).docx
    assert docx.Document(io.BytesIO(rendered)).core_properties.language == "nn-NO"
