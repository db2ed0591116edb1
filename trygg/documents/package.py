"""The Word package as Trygg hands it out: the same input gives the same bytes.

After docxtpl has rendered, the package is written again so that two renders of one
input and one template are byte-identical (the archive is content-addressed, and a
changed hash must mean changed content):

- every member has the same fixed time stamp, attributes and compression, and the
  members stand in a fixed order ([Content_Types].xml first, as Word writes it);
- the core properties are set from the case, not kept from whoever made the template:
  title, created and modified (the document's own date), author and last modified by
  "Trygg", the template's language;
- the extended (app) properties are replaced: a template made in Word carries its
  application, company, manager and template path ("Microsoft Macintosh Word", 2013);
- the thumbnail is dropped: it is a picture of the template's first page, which shows
  neither this document nor anything a reader needs.

The language is the template's: Trygg's own templates declare nb-NO in their default
run properties; a school that writes nynorsk uploads its own template declaring nn-NO,
and that language goes into the document properties too.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from lxml import etree

from trygg.documents.context import DocumentContext

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip member can carry
_FILE_MODE = 0o644 << 16
_DEFAULT_LANGUAGE = "nb-NO"

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_CORE_TYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CORE_CONTENT = "application/vnd.openxmlformats-package.core-properties+xml"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)

_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Trygg</Application><DocSecurity>0</DocSecurity>'
    "</Properties>"
)


def finish_package(docx: bytes, context: DocumentContext) -> bytes:
    """The rendered ``docx`` with fixed zip metadata and properties from ``context``."""
    return normalise_package(docx, title=context.title, created=document_date(context))


def document_date(context: DocumentContext) -> dt.date | None:
    # The contexts hand templates the date as text ("14.09.2026", trygg.calendar.formats).
    text = context.variables.get("document_date")
    try:
        return dt.datetime.strptime(str(text), "%d.%m.%Y").date()
    except ValueError:
        return None


def normalise_package(docx: bytes, *, title: str, created: dt.date | None) -> bytes:
    """``docx`` written again: fixed member order and times, neutral properties."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    rels = parts.get("_rels/.rels")
    if rels is not None:
        rels, dropped = _without_thumbnail(rels)
        parts["_rels/.rels"] = rels
        for name in dropped:
            parts.pop(name, None)
    subject = _core_subject(parts.get("docProps/core.xml"))
    language = template_language(parts.get("word/styles.xml"))
    if "docProps/core.xml" in parts or _has_core_relationship(rels):
        parts["docProps/core.xml"] = core_properties_xml(title, subject, created, language)
        _ensure_core_content_type(parts)
    if "docProps/app.xml" in parts:
        parts["docProps/app.xml"] = _APP_XML.encode()
    return write_package(parts)


def _order(name: str) -> tuple[int, str]:
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return first.get(name, 2), name


def write_package(parts: dict[str, bytes]) -> bytes:
    """The members in Trygg's fixed order, with fixed times and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            info.create_system = 3  # Unix; the default depends on the machine
            target.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def _without_thumbnail(rels: bytes) -> tuple[bytes, list[str]]:
    root = etree.fromstring(rels, _PARSER)
    dropped: list[str] = []
    for rel in root.findall(f"{{{_PKG_RELS}}}Relationship"):
        if rel.get("Type") == _THUMBNAIL:
            dropped.append((rel.get("Target") or "").lstrip("/"))
            root.remove(rel)
    if not dropped:
        return rels, []
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), dropped


def _has_core_relationship(rels: bytes | None) -> bool:
    if rels is None:
        return False
    root = etree.fromstring(rels, _PARSER)
    return any(
        rel.get("Type") == _CORE_TYPE
        and (rel.get("Target") or "").lstrip("/") == "docProps/core.xml"
        for rel in root.findall(f"{{{_PKG_RELS}}}Relationship")
    )


def _ensure_core_content_type(parts: dict[str, bytes]) -> None:
    types = parts.get("[Content_Types].xml")
    if types is None:
        return
    root = etree.fromstring(types, _PARSER)
    for override in root.findall(f"{{{_CONTENT_TYPES}}}Override"):
        if override.get("PartName") == "/docProps/core.xml":
            return
    override = etree.SubElement(root, f"{{{_CONTENT_TYPES}}}Override")
    override.set("PartName", "/docProps/core.xml")
    override.set("ContentType", _CORE_CONTENT)
    parts["[Content_Types].xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def _core_subject(core: bytes | None) -> str:
    if core is None:
        return ""
    subject = etree.fromstring(core, _PARSER).find("{http://purl.org/dc/elements/1.1/}subject")
    return (subject.text or "") if subject is not None else ""


def template_language(styles: bytes | None) -> str:
    """The language of the template's default run properties, e.g. "nb-NO"."""
    if styles is None:
        return _DEFAULT_LANGUAGE
    root = etree.fromstring(styles, _PARSER)
    lang = root.find(f"{{{_W}}}docDefaults/{{{_W}}}rPrDefault/{{{_W}}}rPr/{{{_W}}}lang")
    value = lang.get(f"{{{_W}}}val") if lang is not None else None
    return value or _DEFAULT_LANGUAGE


def core_properties_xml(title: str, subject: str, created: dt.date | None, language: str) -> bytes:
    stamps = ""
    if created is not None:
        when = f"{created.isoformat()}T00:00:00Z"
        stamps = (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        "<dc:creator>Trygg</dc:creator><cp:lastModifiedBy>Trygg</cp:lastModifiedBy>"
        f"<cp:revision>1</cp:revision>{stamps}<dc:language>{escape(language)}</dc:language>"
        "</cp:coreProperties>"
    ).encode()
