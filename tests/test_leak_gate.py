"""The leak gate names the form field a leaked name was typed in, so the handler knows
what to rewrite; a leak from the template itself names no field."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from sqlalchemy.orm import Session

from tests.factories.cases import NOW, file
from tests.factories.users import user
from trygg.cases.documents import leak_problems, save_draft
from trygg.cases.workflow import start_document
from trygg.documents import RenderedDocument


def rendered_with(text: str) -> RenderedDocument:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return RenderedDocument(docx=out.getvalue(), filename="x.docx", sha256="0" * 64, title="x")


def test_a_leak_points_at_the_field_it_was_typed_in(
    session: Session, demo: dict[str, str], tmp_path: Path
) -> None:
    case, _ = file(session, tmp_path, demo["ansatt"])
    handler = user(session, demo["ledelse"])
    doc = start_document(session, case, "undersokelse", handler, NOW)
    conversation = {"date": "2026-09-15", "with": "pupil", "by": "Hilde Moe"}
    data = {
        **doc.data,
        "conversations": [
            {**conversation, "account": "Hun sier det var ok."},
            {**conversation, "account": "Jonte dyttet henne, sier hun."},
        ],
    }
    save_draft(session, case, doc, data, doc.revision, handler, NOW)

    [problem] = leak_problems(case, doc, rendered_with("Samtale: Jonte dyttet henne."))

    assert problem.startswith("Navnet «Jonte» står i")
    assert "Det er skrevet i: Undersøkelse › Samtale 2 › Hva som kom fram." in problem
    # A name no field holds (the template's own text, say) has no field to point at.
    [other] = leak_problems(case, doc, rendered_with("Kontakt: Emma Hansen"))
    assert "Emma Hansen" in other and "skrevet i" not in other
