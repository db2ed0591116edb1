"""Which Word files may be composed into one document (trygg.pdf.compose), and with which.

Composing is done only where each section is sure to look as its file would alone:
files of one template (the parts a whole document shares, such as styles, numbering,
settings and fonts, are byte for byte the same), one section each with its own default
header and footer, no footnotes or comments, no numbered lists (their numbers would run
on from section to section), no fields but PAGE, NUMPAGES and HYPERLINK. Any other file
is converted on its own, as before: slower, never different.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import threading
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from trygg.pdf.word_fields import FieldProblem, W, check_page_count_field, fields_of

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCUMENT = "word/document.xml"
# Parts the whole document shares: equal bytes put files in one group.
SHARED_TYPES = frozenset(
    {
        "styles",
        "stylesWithEffects",
        "settings",
        "webSettings",
        "fontTable",
        "theme",
        "numbering",
        "customXml",
        "footnotes",
        "endnotes",
    }
)
HEADER_FOOTER = frozenset({"header", "footer"})
# Parts a section brings along, renamed in the composed package.
OWN_TYPES = frozenset({"image", "hyperlink"})
ALLOWED_FIELDS = frozenset({"PAGE", "NUMPAGES", "HYPERLINK"})
# Body elements that refer to parts or places outside the section itself.
_REFERENCES_OUT = (
    "footnoteReference",
    "endnoteReference",
    "commentReference",
    "commentRangeStart",
    "altChunk",
    "subDoc",
)
_LIST_FORMATS_THAT_DO_NOT_COUNT = frozenset({"bullet", "none"})


_REFERENCES = etree.XPath("descendant-or-self::*/@r:*", namespaces={"r": R_NS})


class NotComposable(ValueError):
    """Why a file is converted on its own (for logs and tests, never shown to users)."""


@dataclass(frozen=True)
class Relationship:
    type: str  # the last segment of the type URI ("image", "header", …)
    target: str  # the part name in the package, or the URL of an external target
    external: bool


@dataclass
class WordFile:
    """One Word file taken apart for composing; never changed once opened."""

    parts: dict[str, bytes]
    document: Any
    relationships: dict[str, Relationship]
    group: str  # equal for files whose shared parts are byte for byte equal
    page_counts_in: frozenset[str]  # the parts with a NUMPAGES field
    overrides: dict[str, str]  # part name → content type
    defaults: dict[str, str]  # extension → content type


def parse_xml(data: bytes) -> Any:
    # The package may come from an uploaded template: no entities, no network.
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relationships_of(parts: dict[str, bytes], part: str) -> dict[str, Relationship]:
    data = parts.get(rels_name(part))
    if data is None:
        return {}
    found = {}
    folder = posixpath.dirname(part)
    for element in parse_xml(data).iter(f"{{{_RELS_NS}}}Relationship"):
        kind = element.get("Type", "")
        external = (element.get("TargetMode") or "").lower() == "external"
        target = element.get("Target", "")
        if not external:
            target = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
        # The last segment names the kind (Word 2010's stylesWithEffects has its own
        # namespace); a kind this module does not know stops composing anyway.
        found[element.get("Id", "")] = Relationship(kind.rsplit("/", 1)[-1], target, external)
    return found


def open_word_file(docx: bytes) -> WordFile:
    """The file taken apart; NotComposable when it must be converted on its own."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise NotComposable("not a readable package") from error
    if DOCUMENT not in parts:
        raise NotComposable("no word/document.xml")
    try:
        document = parse_xml(parts[DOCUMENT])
        relationships = relationships_of(parts, DOCUMENT)
        group = _group_of(parts, document, relationships)
        facts = _template_facts(group, parts, relationships)
        page_counts_in = _check(parts, document, relationships, facts)
        types = parse_xml(parts["[Content_Types].xml"])
    except (etree.XMLSyntaxError, FieldProblem, KeyError) as error:
        raise NotComposable(str(error) or "no content types") from error
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
        for o in types.iter(f"{{{_CT_NS}}}Override")
    }
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in types.iter(f"{{{_CT_NS}}}Default")
    }
    return WordFile(parts, document, relationships, group, page_counts_in, overrides, defaults)


def _group_of(parts: dict[str, bytes], document: Any, rels: dict[str, Relationship]) -> str:
    digest = hashlib.sha256()
    shared = sorted((r.type, r.target) for r in rels.values() if r.type in SHARED_TYPES)
    for kind, target in shared:
        for name in (target, rels_name(target)):
            digest.update(f"\0{kind}\0{name}\0".encode())
            digest.update(parts.get(name, b"\0missing"))
    # The root's namespaces and attributes (mc:Ignorable) and anything beside the body
    # (a page background) are the composed document's too.
    digest.update(repr(sorted(document.nsmap.items(), key=lambda i: i[0] or "")).encode())
    digest.update(repr(sorted(document.attrib.items())).encode())
    for child in document:
        if child.tag != f"{W}body":
            digest.update(etree.tostring(child))
    return digest.hexdigest()


@dataclass(frozen=True)
class _TemplateFacts:
    counting_styles: frozenset[str]
    counting_lists: frozenset[str]
    default_style: str | None
    even_and_odd_headers: bool


_facts: dict[str, _TemplateFacts] = {}
_facts_lock = threading.Lock()


def _template_facts(
    group: str, parts: dict[str, bytes], rels: dict[str, Relationship]
) -> _TemplateFacts:
    """What the shared parts say, read once per group (styles.xml runs to 350 KB)."""
    with _facts_lock:
        known = _facts.get(group)
    if known is not None:
        return known
    by_type = {r.type: parts.get(r.target) for r in rels.values() if not r.external}
    lists = _counting_lists(by_type.get("numbering"))
    styles, default = _counting_styles(by_type.get("styles"), lists)
    settings = by_type.get("settings")
    even_odd = settings is not None and _on(parse_xml(settings).find(f"{W}evenAndOddHeaders"))
    facts = _TemplateFacts(styles, lists, default, even_odd)
    with _facts_lock:
        if len(_facts) > 64:
            _facts.clear()
        _facts[group] = facts
    return facts


def _on(element: Any) -> bool:
    """A Word on/off property: present and not switched off."""
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "off")


def _counting_lists(numbering: bytes | None) -> frozenset[str]:
    """The list ids (numId) whose numbers count (1., a), i.): every format but bullets."""
    if numbering is None:
        return frozenset()
    root = parse_xml(numbering)
    formats: dict[str, set[str]] = {}
    for abstract in root.iter(f"{W}abstractNum"):
        found = {f.get(f"{W}val", "") for f in abstract.iter(f"{W}numFmt")}
        # A list defined by a style elsewhere is not followed: counted, to be safe.
        if abstract.find(f"{W}numStyleLink") is not None or not found:
            found.add("linked")
        formats[abstract.get(f"{W}abstractNumId", "")] = found
    counting = set()
    for num in root.iter(f"{W}num"):
        abstract_id = num.find(f"{W}abstractNumId")
        found = set(
            formats.get("" if abstract_id is None else abstract_id.get(f"{W}val", ""), {"?"})
        )
        found |= {f.get(f"{W}val", "") for f in num.iter(f"{W}numFmt")}
        if found - _LIST_FORMATS_THAT_DO_NOT_COUNT:
            counting.add(num.get(f"{W}numId", ""))
    return frozenset(counting)


def _counting_styles(
    styles: bytes | None, lists: frozenset[str]
) -> tuple[frozenset[str], str | None]:
    """Paragraph styles that number their paragraphs (through basedOn), and the default."""
    if styles is None:
        return frozenset(), None
    based_on: dict[str, str] = {}
    own_list: dict[str, str] = {}
    default = None
    for style in parse_xml(styles).iter(f"{W}style"):
        if style.get(f"{W}type") != "paragraph":
            continue
        style_id = style.get(f"{W}styleId", "")
        if style.get(f"{W}default") in ("1", "true", "on"):
            default = style_id
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(f"{W}val", "")
        num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
        if num_id is not None:
            own_list[style_id] = num_id.get(f"{W}val", "")
    counting = set()
    for style_id in set(based_on) | set(own_list):
        current, seen = style_id, set()
        while current and current not in own_list and current not in seen:
            seen.add(current)
            current = based_on.get(current, "")
        if own_list.get(current) in lists:
            counting.add(style_id)
    return frozenset(counting), default


def _check(
    parts: dict[str, bytes], document: Any, rels: dict[str, Relationship], facts: _TemplateFacts
) -> frozenset[str]:
    """NotComposable unless the file can be a section; the parts with NUMPAGES."""
    body = document.find(f"{W}body")
    if body is None or len(body) < 2 or body[-1].tag != f"{W}sectPr":
        raise NotComposable("no body ending in its section properties")
    if body[-2].tag != f"{W}p":
        raise NotComposable("the body does not end in a paragraph")
    if len(list(body.iter(f"{W}sectPr"))) != 1:
        raise NotComposable("more than one section")
    for name in _REFERENCES_OUT:
        if next(body.iter(f"{W}{name}"), None) is not None:
            raise NotComposable(f"a {name}")
    if any(link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink")):
        raise NotComposable("a link to a place in the document")
    first = next(body.iter(f"{W}p"))
    if _on(first.find(f"{W}pPr/{W}pageBreakBefore")) or any(
        br.get(f"{W}type") == "page" for br in first.iter(f"{W}br")
    ):
        raise NotComposable("a page break before the first paragraph")
    for kind, _ in rels_in_use(body, rels):
        if kind not in OWN_TYPES:
            raise NotComposable(f"a {kind} relationship in the body")
    unknown = {r.type for r in rels.values()} - SHARED_TYPES - HEADER_FOOTER - OWN_TYPES
    if unknown:
        raise NotComposable(f"relationships of type {sorted(unknown)}")
    section = body[-1]
    _check_headers_and_footers(section, facts)
    number_format = section.find(f"{W}pgNumType")
    if number_format is not None and number_format.get(f"{W}fmt", "decimal") != "decimal":
        raise NotComposable("page numbers not in decimal")
    roots = [(DOCUMENT, body)]
    for rel in rels.values():
        if rel.type in HEADER_FOOTER:
            root = parse_xml(parts.get(rel.target, b""))
            own = relationships_of(parts, rel.target)
            if {r.type for r in own.values()} - OWN_TYPES:
                raise NotComposable(f"a {rel.type} with other parts than pictures and links")
            rels_in_use(root, own)
            roots.append((rel.target, root))
    page_counts_in = set()
    for name, root in roots:
        if _check_fields(root):
            page_counts_in.add(name)
        _check_lists(root, facts)
    return frozenset(page_counts_in)


def references(root: Any) -> list[Any]:
    """Every r:id, r:embed, r:link, … attribute value under ``root`` (lxml "smart"
    strings: ``getparent()`` is the element, ``attrname`` the attribute)."""
    found: list[Any] = _REFERENCES(root)
    return found


def rels_in_use(root: Any, rels: dict[str, Relationship]) -> list[tuple[str, str]]:
    """(type, id) of every relationship an element of ``root`` names, except the
    section's header and footer references."""
    used = []
    for value in references(root):
        if value.getparent().tag in (f"{W}headerReference", f"{W}footerReference"):
            continue
        rel = rels.get(str(value))
        if rel is None:
            raise NotComposable("a reference to a missing relationship")
        used.append((rel.type, str(value)))
    return used


def _check_headers_and_footers(section: Any, facts: _TemplateFacts) -> None:
    # A section without its own header takes the one before it: only files that say
    # what each of their pages carries can follow one another.
    kinds = ["default"]
    if _on(section.find(f"{W}titlePg")):
        kinds.append("first")
    if facts.even_and_odd_headers:
        kinds.append("even")
    for tag in ("headerReference", "footerReference"):
        present = {ref.get(f"{W}type", "default") for ref in section.findall(f"{W}{tag}")}
        if set(kinds) - present:
            raise NotComposable(f"no {tag} of every kind the section shows")


def _check_fields(root: Any) -> bool:
    """NotComposable for a field that would change meaning; whether NUMPAGES is there."""
    page_count = False
    for found in fields_of(root):
        if found.name not in ALLOWED_FIELDS:
            raise NotComposable(f"a {found.name or 'nameless'} field")
        if found.name == "NUMPAGES":
            check_page_count_field(found)
            page_count = True
    return page_count


def _check_lists(root: Any, facts: _TemplateFacts) -> None:
    for paragraph in root.iter(f"{W}p"):
        num_id = paragraph.find(f"{W}pPr/{W}numPr/{W}numId")
        if num_id is not None:
            if num_id.get(f"{W}val", "") in facts.counting_lists:
                raise NotComposable("a numbered list")
            continue
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val", "") if style is not None else facts.default_style
        if style_id in facts.counting_styles:
            raise NotComposable("a numbered paragraph style")
