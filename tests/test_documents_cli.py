"""The flask CLI commands: render, schema, check-template."""

import io
import json
import shutil
from pathlib import Path

import docx
import flask
import pytest
from click.testing import Result

from commands.documents import register
from trygg.documents.guard import document_text
from trygg.documents.render import template_path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(*args: str) -> Result:
    app = flask.Flask(__name__)
    register(app)
    return app.test_cli_runner().invoke(args=list(args))


def test_render_writes_a_document(tmp_path: Path) -> None:
    out = tmp_path / "ut" / "plan.docx"
    result = run(
        "render",
        "aktivitetsplan",
        "--input",
        str(EXAMPLES / "aktivitetsplan.json"),
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "Skrev" in result.output
    assert "Sara Nilsen" in document_text(out.read_bytes())
    assert docx.Document(io.BytesIO(out.read_bytes())).tables
    assert [p.name for p in out.parent.iterdir()] == ["plan.docx"]  # no temp files left


def test_invalid_input_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "aktivitetsplan.json").read_text(encoding="utf-8"))
    data["plan"]["measures"][0]["by"] = "alle ansatte"
    del data["plan"]["problem"]
    source = tmp_path / "feil.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "plan.docx"
    result = run("render", "aktivitetsplan", "--input", str(source), "--output", str(out))
    assert result.exit_code != 0
    assert "Inndata er ugyldige (2 feil)" in result.stderr
    assert "Problemet tiltakene skal løse: feltet mangler" in result.stderr
    assert "«alle ansatte» finnes ikke blant de involverte" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [source]


def test_broken_json_is_explained(tmp_path: Path) -> None:
    source = tmp_path / "x.json"
    source.write_text("{ ikke json", encoding="utf-8")
    result = run("render", "meldeskjema", "--input", str(source), "--output", str(tmp_path / "x"))
    assert result.exit_code != 0 and "ikke gyldig JSON" in result.stderr
    assert not (tmp_path / "x").exists()


def test_render_with_pdf(tmp_path: Path) -> None:
    pdf_module = pytest.importorskip("trygg.pdf")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice mangler")
    out, pdf = tmp_path / "m.docx", tmp_path / "m.pdf"
    result = run(
        "render",
        "meldeskjema",
        "--input",
        str(EXAMPLES / "meldeskjema.json"),
        "--output",
        str(out),
        "--pdf",
        str(pdf),
    )
    if result.exit_code != 0 and isinstance(result.exception, SystemExit):
        # The converter refused with its own Norwegian message: nothing may be written.
        assert not out.exists() and not pdf.exists()
        pytest.skip(f"PDF ikke tilgjengelig her: {result.stderr.strip()} ({pdf_module.__name__})")
    assert result.exit_code == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and out.exists()


def test_schema_prints_json_schema() -> None:
    result = run("schema", "evaluering")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "evaluation" in schema["properties"]


def test_unknown_kind_is_refused() -> None:
    result = run("schema", "brev")
    assert result.exit_code != 0


def test_check_template_accepts_a_default_template() -> None:
    result = run("check-template", str(template_path("evaluering")), "--kind", "evaluering")
    assert result.exit_code == 0, result.output
    assert "GODKJENT" in result.output
    # The test render was opened in LibreOffice (make test installs it), not skipped.
    assert "ikke prøvd i LibreOffice" not in result.output


def test_check_template_refuses_the_wrong_template(tmp_path: Path) -> None:
    result = run("check-template", str(template_path("kvittering")), "--kind", "aktivitetsplan")
    assert result.exit_code == 1
    assert "AVVIST" in result.output and "Påkrevd variabel «measures»" in result.output
