"""docxtpl's render with the per-template work done once per template, not per document.

For every render docxtpl opens the package with python-docx, runs its regular
expressions over the body, headers and footers (``patch_xml``), compiles what comes out
as Jinja templates, and saves the whole package again; trygg.documents.package then
rewrites it once more. None of that depends on the document's data. A
CompiledTemplate keeps the result of that work for one template, keyed by the
template's SHA-256, so a render only runs the compiled Jinja templates, docxtpl's own
post-processing (``resolve_listing``, ``fix_tables`` with its recovering parser,
``fix_docpr_ids``) and writes the package once.

The output is byte for byte what DocxTemplate.render + save + finish_package give
(tests/test_render_cache.py compares them for every kind). A template with footnotes
takes docxtpl's own path: docxtpl renders footnotes once per section, which this module
does not copy.

The cache is bounded (least recently used out) and guarded by a lock; a Jinja template
may be rendered by several threads at once. An uploaded template is rendered in a worker
process (trygg.documents.isolation), which starts with an empty cache: the same code,
compiled anew each time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from docx.opc.oxml import oxml_parser, serialize_part_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template
from lxml import etree

from trygg.documents.package import core_properties_xml, normalise_package, template_language

CACHE_SIZE = 32
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl renders these core properties through Jinja; Trygg overwrites them afterwards,
# but a template's expression there must run (and fail) as it does in docxtpl.
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"


@dataclass(frozen=True)
class _Story:
    """A header or footer docxtpl renders: its member name, template and encoding."""

    name: str
    template: Template
    encoding: str


@dataclass(frozen=True)
class CompiledTemplate:
    sha256: str
    parts: dict[str, bytes]  # every member as finish_package writes it, bar the rendered ones
    shell: bytes  # word/document.xml with an empty body, as python-docx parses it
    body_index: int
    body: Template
    stories: tuple[_Story, ...]
    properties: tuple[Template, ...]
    language: str


def _jinja_source(helper: DocxTemplate, xml: str) -> str:
    # render_xml_part's first step, before it compiles.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))


def _after_jinja(helper: DocxTemplate, xml: str) -> str:
    # render_xml_part's steps after Jinja, in its order.
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return str(helper.resolve_listing(xml))


def compile_template(template: bytes, jinja_env: Environment) -> CompiledTemplate | None:
    """The per-template work of a docxtpl render; None for a template this module leaves
    to docxtpl (footnotes)."""
    document = DocxTemplate(io.BytesIO(template))
    document.init_docx()
    package = document.docx.part.package
    if any(part.content_type == _FOOTNOTES for part in package.parts):
        return None
    props = document.docx.core_properties  # creates the part when missing, as render does
    properties = tuple(jinja_env.from_string(getattr(props, name)) for name in _RENDERED_PROPERTIES)
    body = jinja_env.from_string(_jinja_source(document, document.get_xml()))
    stories = []
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for _rel, part in document.get_headers_footers(uri):
            xml = document.get_part_xml(part)
            stories.append(
                _Story(
                    name=str(part.partname).lstrip("/"),
                    template=jinja_env.from_string(_jinja_source(document, xml)),
                    encoding=document.get_headers_footers_encoding(xml),
                )
            )
    root = document.docx.element
    body_element = root.body
    body_index = list(root).index(body_element)
    for child in list(body_element):
        body_element.remove(child)
    shell = serialize_part_xml(root)
    saved = io.BytesIO()
    document.docx.save(saved)
    # Normalised once here; each render then writes its own core properties.
    with zipfile.ZipFile(
        io.BytesIO(normalise_package(saved.getvalue(), title="", created=None))
    ) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    return CompiledTemplate(
        sha256=hashlib.sha256(template).hexdigest(),
        parts=parts,
        shell=shell,
        body_index=body_index,
        body=body,
        stories=tuple(stories),
        properties=properties,
        language=template_language(parts.get("word/styles.xml")),
    )


def render_parts(
    compiled: CompiledTemplate,
    context: dict[str, Any],
    title: str,
    subject: str,
    created: dt.date | None,
) -> dict[str, bytes]:
    """The package members of one document, in docxtpl's order of work."""
    helper = DocxTemplate(io.BytesIO())  # only its string and tree helpers are used
    helper.docx_ids_index = 1000  # as render_init sets it
    tree = helper.fix_tables(_after_jinja(helper, compiled.body.render(context)))
    helper.fix_docpr_ids(tree)
    root = etree.fromstring(compiled.shell, oxml_parser)  # python-docx's parse_xml
    root.replace(root[compiled.body_index], tree)
    parts = dict(compiled.parts)
    parts[_DOCUMENT] = serialize_part_xml(root)
    for story in compiled.stories:
        xml = _after_jinja(helper, story.template.render(context)).encode(story.encoding)
        parts[story.name] = serialize_part_xml(etree.fromstring(xml, oxml_parser))
    for prop in compiled.properties:
        prop.render(context)  # overwritten below; run for its errors, as docxtpl does
    if _CORE in parts:
        parts[_CORE] = core_properties_xml(title, subject, created, compiled.language)
    return parts


class TemplateCache:
    """Compiled templates by SHA-256, the least recently used dropped beyond `size`."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[str, CompiledTemplate | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, template: bytes, jinja_env: Environment) -> CompiledTemplate | None:
        key = hashlib.sha256(template).hexdigest()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        # Compiled outside the lock: a slow template must not hold up the others. Two
        # threads may both compile it once; the results are equal.
        compiled = compile_template(template, jinja_env)
        with self._lock:
            self._entries[key] = compiled
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return compiled

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
