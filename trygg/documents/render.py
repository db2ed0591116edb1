"""docxtpl rendering: cached template bytes, one shared sandboxed Jinja environment.

A DocxTemplate is built fresh for every render from the cached bytes: a shared instance
is not thread-safe (wrong output, exceptions, even a segfault under load). The Jinja
environment holds no per-render state and is safe to share.
"""

import io
import threading
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "doc_templates"

# autoescape: & < > in user text must be text, not XML. StrictUndefined: a template
# variable the context lacks is an error, not an empty hole in a legal document.
# Sandboxed: municipalities may upload templates.
JINJA_ENV = SandboxedEnvironment(
    autoescape=True,
    undefined=StrictUndefined,
    finalize=lambda value: "" if value is None else value,
)

_cache: dict[Path, bytes] = {}
_cache_lock = threading.Lock()


def template_path(kind: str, template_dir: Path | None = None) -> Path:
    return (template_dir or DEFAULT_TEMPLATE_DIR) / f"{kind}.docx"


def template_bytes(path: Path) -> bytes:
    """The template file's bytes, read once per process."""
    key = path.resolve()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = key.read_bytes()
            _cache[key] = cached
        return cached


def clear_template_cache() -> None:
    """For an admin who replaced a template on disk."""
    with _cache_lock:
        _cache.clear()


def render_docx(template: bytes, context: dict[str, Any], title: str, subject: str) -> bytes:
    """Render a template to .docx bytes and set neutral document properties."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=JINJA_ENV, autoescape=True)
    # Properties are set here, never through Jinja: docxtpl would escape them twice,
    # and an author must not be a person's name in a document sent home.
    props = document.docx.core_properties
    props.title = title
    props.subject = subject
    props.author = "Trygg"
    props.last_modified_by = "Trygg"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.identifier = ""
    props.language = "nb-NO"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
