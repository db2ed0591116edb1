"""The post-render guard: proves a rendered .docx is whole before anyone gets it.

docxtpl repairs broken body XML with a recovering parser, which silently drops text or
everything after a bad character. Valid XML, a reopening file and LibreOffice all miss
that; only checking that the end marker and every user text are present catches it.
"""

import io
import zipfile
from collections.abc import Iterable

from lxml import etree

from trygg.errors import DomainError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class BrokenDocument(DomainError):
    """The rendered document is damaged or incomplete; the message is Norwegian."""


def _strict_parse_all(docx: bytes) -> dict[str, etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile as exc:
        raise BrokenDocument("Dokumentet er ikke en gyldig Word-fil (zip).") from exc
    trees: dict[str, etree._Element] = {}
    with archive:
        names = archive.namelist()
        if len(names) != len(set(names)):
            raise BrokenDocument("Dokumentet har doble deler i zip-filen.")
        for name in names:
            if not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            try:
                trees[name] = etree.fromstring(archive.read(name), parser)
            except etree.XMLSyntaxError as exc:
                raise BrokenDocument(f"Ugyldig XML i {name}: {exc}") from exc
    if "word/document.xml" not in trees:
        raise BrokenDocument("Dokumentet mangler hoveddelen (word/document.xml).")
    return trees


def visible_text(tree: etree._Element) -> str:
    """Text as Word shows it: <w:br/> as newline, tabs, a newline after each paragraph."""
    out: list[str] = []
    for element in tree.iter(f"{W}t", f"{W}br", f"{W}cr", f"{W}tab", f"{W}p"):
        if element.tag == f"{W}t":
            out.append(element.text or "")
        elif element.tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif element.tag == f"{W}tab":
            # Tab stops in <w:pPr><w:tabs> are layout, not text.
            if element.getparent() is not None and element.getparent().tag == f"{W}r":
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def document_text(docx: bytes) -> str:
    """Body, headers and footers as one text (for checks and tests)."""
    trees = _strict_parse_all(docx)
    parts = [
        n
        for n in trees
        if n.startswith("word/") and n.split("/")[-1].startswith(("document", "header", "footer"))
    ]
    return "\n".join(visible_text(trees[n]) for n in sorted(parts))


def check_rendered(docx: bytes, end_marker: str, free_texts: Iterable[str]) -> None:
    """Raise BrokenDocument unless the output is whole; see the module docstring."""
    trees = _strict_parse_all(docx)
    body = trees["word/document.xml"].find(f"{W}body")
    if body is None or body.find(f"{W}sectPr") is None:
        raise BrokenDocument("Dokumentet er avkortet: sideoppsettet (w:sectPr) mangler til slutt.")
    body_text = visible_text(body)
    if end_marker not in body_text:
        raise BrokenDocument(
            "Dokumentet er avkortet: sluttmerket mangler. Noe av innholdet er gått tapt."
        )
    text = document_text(docx)
    missing = [value for value in free_texts if value and value not in text]
    if missing:
        sample = missing[0][:80].replace("\n", " ")
        raise BrokenDocument(
            f"{len(missing)} {'tekst' if len(missing) == 1 else 'tekster'} fra skjemaet "
            "mangler i dokumentet, blant annet "
            f"«{sample}». Dokumentet er ikke laget."
        )
