"""Word templates a municipality or school uploads: the default template with its
heading (and optionally more) changed."""

from __future__ import annotations

import io

import docx

from trygg.documents.render import template_path

KIND = "aktivitetsplan"


def edited_default(
    change: str = "Aktivitetsplan – Oslo kommune",
    *,
    problem: str | None = None,
    extra: str | None = None,
) -> bytes:
    """The default aktivitetsplan template with its heading (and optionally more) changed."""
    document = docx.Document(str(template_path(KIND)))
    document.paragraphs[0].text = change
    if problem is not None:
        target = next(p for p in document.paragraphs if p.text == "{{ problem }}")
        target.text = problem
    if extra is not None:
        document.add_paragraph(extra)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def heading_of(content: bytes) -> str:
    return str(docx.Document(io.BytesIO(content)).paragraphs[0].text)
