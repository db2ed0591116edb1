"""Flask CLI commands for documents: render, schema, check-template.

They call the same trygg.documents entry points as the web forms, so a document made
from the command line is byte-for-byte the one the web would make.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click
from flask import Flask

from trygg.config import Settings
from trygg.documents import (
    InvalidInput,
    input_schema,
    known_kinds,
    render_document,
)
from trygg.documents.guard import BrokenDocument
from trygg.documents.template_store import MAX_TEMPLATE_BYTES, libreoffice_checker

KIND = click.Choice(known_kinds())


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader never sees half a file: write beside the target, then rename over it.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Kan ikke lese {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{path} er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}): {exc.msg}"
        ) from exc


class _NotATemplate(click.ClickException):
    """A refusal in Norwegian: click's own "Error:" prefix would be the only English."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Feil: {self.format_message()}", err=True)


def _read_template(path: Path) -> bytes:
    """The file's bytes, refused in Norwegian (never a traceback) when it cannot be a
    template: missing, a folder, unreadable, or larger than any upload may be."""
    try:
        if not path.is_file():
            raise _NotATemplate(f"Finner ikke filen {path}.")
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise _NotATemplate(
                f"{path} er for stor ({size / 1024 / 1024:.1f} MB). En mal kan være høyst "
                f"{MAX_TEMPLATE_BYTES // 1024 // 1024} MB."
            )
        with path.open("rb") as handle:
            return handle.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise _NotATemplate(f"Kan ikke lese {path}.") from exc


def _to_pdf(docx: bytes) -> bytes:
    try:
        from trygg.pdf import PdfUnavailable, convert_docx_to_pdfa
    except ImportError as exc:
        raise click.ClickException("PDF-modulen er ikke installert.") from exc
    try:
        return convert_docx_to_pdfa(docx)
    except PdfUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


def register(app: Flask) -> None:
    """Add the document commands to app.cli."""

    @app.cli.command("render")
    @click.argument("kind", type=KIND)
    @click.option("--input", "input_path", required=True, type=click.Path(path_type=Path))
    @click.option("--output", "output_path", required=True, type=click.Path(path_type=Path))
    @click.option("--pdf", "pdf_path", type=click.Path(path_type=Path), default=None)
    def render_command(
        kind: str, input_path: Path, output_path: Path, pdf_path: Path | None
    ) -> None:
        """Lag et dokument (DOCX, eventuelt PDF/A) fra en JSON-fil."""
        data = _read_json(input_path)
        try:
            document = render_document(kind, data)
        except InvalidInput as exc:
            click.echo(f"Inndata er ugyldige ({len(exc.problems)} feil):", err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            raise SystemExit(2) from exc
        except BrokenDocument as exc:
            raise click.ClickException(str(exc)) from exc
        # Convert before writing anything, so a failing PDF leaves no half result.
        pdf = _to_pdf(document.docx) if pdf_path is not None else None
        _write_atomically(output_path, document.docx)
        click.echo(f"Skrev {output_path} ({document.title}, SHA-256 {document.sha256})")
        if pdf_path is not None and pdf is not None:
            _write_atomically(pdf_path, pdf)
            click.echo(f"Skrev {pdf_path}")

    @app.cli.command("schema")
    @click.argument("kind", type=KIND)
    def schema_command(kind: str) -> None:
        """Skriv ut JSON Schema for inndata til en dokumenttype."""
        click.echo(json.dumps(input_schema(kind), ensure_ascii=False, indent=2))

    @app.cli.command("check-template")
    @click.argument("template", type=click.Path(path_type=Path))
    @click.option("--kind", required=True, type=KIND)
    def check_template_command(template: Path, kind: str) -> None:
        """Kontroller en Word-mal mot kontrakten og prøv den med fiendtlige data."""
        # The same check as the admin page, LibreOffice included; a command may start
        # LibreOffice itself when no converter service runs.
        # Like `render --pdf`: the service named by TRYGG_CONVERTERS, else a cold start.
        settings: Settings | None = app.extensions.get("trygg.settings")
        checker = libreoffice_checker(
            (), allow_cold=True, limits=settings.template_limits if settings else None
        )
        report = checker(_read_template(template), kind)
        click.echo(report.as_text())
        if report.refused:
            raise SystemExit(1)
