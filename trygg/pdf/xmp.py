"""Reading and rewriting the XMP packet that carries a PDF/A file's identity.

PDF/A requires the document information dictionary (Info) and the XMP metadata to agree
(Title ↔ dc:title, Author ↔ dc:creator, Subject ↔ dc:description, Keywords ↔
pdf:Keywords, CreationDate ↔ xmp:CreateDate, ModDate ↔ xmp:ModifyDate). pypdf only
writes Info, so every property set there is mirrored here. Only schemas predefined by
XMP/PDF/A are used: custom ones would need a PDF/A extension-schema description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
_RDF = f"{{{NS['rdf']}}}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The packet header PDF/A wants: no `bytes`/`encoding` attributes, fixed id.
_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
# Padding lets other tools edit the packet in place, as the XMP specification suggests.
_TRAILER = "\n" + (" " * 99 + "\n") * 20 + '<?xpacket end="w"?>'
_EMPTY = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{rdf}"/></x:xmpmeta>'


@dataclass(frozen=True)
class PdfAId:
    """A PDF/A claim, e.g. part 2, conformance "B" for PDF/A-2b."""

    part: int
    conformance: str

    def __str__(self) -> str:
        return f"PDF/A-{self.part}{self.conformance.lower()}"


# A value is a plain string, a language alternative ({"x-default": ...}), or an ordered
# (Seq) or unordered (Bag) list, chosen by the property.
XmpValue = str | Mapping[str, str] | Sequence[str]
_SEQ = {"dc:creator"}
_BAG = {"dc:publisher", "dc:subject"}


def _parser() -> Any:
    # XMP comes from the PDF, i.e. from outside: no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def _rdf_root(xmp: bytes | None) -> Any:
    text = xmp.strip() if xmp else b""
    if text:
        root = etree.fromstring(text, _parser())
    else:
        root = etree.fromstring(_EMPTY.format(rdf=NS["rdf"]).encode(), _parser())
    rdf = root if root.tag == f"{_RDF}RDF" else root.find(f".//{_RDF}RDF")
    if rdf is None:
        raise ValueError("XMP packet has no rdf:RDF element")
    return rdf


def _clark(qname: str) -> str:
    prefix, local = qname.split(":")
    return f"{{{NS[prefix]}}}{local}"


def read_property(xmp: bytes | None, qname: str) -> str | None:
    """The text of a simple property, whether written as element or as attribute."""
    if not xmp:
        return None
    tag = _clark(qname)
    for description in _rdf_root(xmp).iter(f"{_RDF}Description"):
        if tag in description.attrib:
            return str(description.attrib[tag])
        element = description.find(tag)
        if element is not None:
            return "".join(element.itertext()).strip()
    return None


def read_pdfa_id(xmp: bytes | None) -> PdfAId | None:
    part = read_property(xmp, "pdfaid:part")
    conformance = read_property(xmp, "pdfaid:conformance")
    if part is None or not part.isdecimal():
        return None
    return PdfAId(int(part), (conformance or "").upper())


def update_xmp(
    xmp: bytes | None, properties: Mapping[str, XmpValue], *, remove: Sequence[str] = ()
) -> bytes:
    """Return a new packet with ``properties`` replaced and ``remove`` deleted.

    Everything else (above all pdfaid:part/conformance) is kept as it was.
    """
    rdf = _rdf_root(xmp)
    doomed = {_clark(q) for q in [*properties, *remove]}
    for description in list(rdf.iter(f"{_RDF}Description")):
        for name in [a for a in description.attrib if a in doomed]:
            del description.attrib[name]
        for child in [c for c in description if c.tag in doomed]:
            description.remove(child)
        if len(description) == 0 and set(description.attrib) <= {f"{_RDF}about"}:
            rdf.remove(description)
    if properties:
        prefixes = {q.split(":")[0] for q in properties}
        description = etree.SubElement(
            rdf, f"{_RDF}Description", nsmap={p: NS[p] for p in prefixes}
        )
        description.set(f"{_RDF}about", "")
        for qname, value in properties.items():
            _add_property(description, qname, value)
    xmpmeta = rdf.getparent() if rdf.getparent() is not None else rdf
    etree.indent(xmpmeta, space=" ")
    body: str = etree.tostring(xmpmeta, encoding="unicode")
    return (_HEADER + body + _TRAILER).encode("utf-8")


def _add_property(parent: Any, qname: str, value: XmpValue) -> None:
    element = etree.SubElement(parent, _clark(qname))
    if isinstance(value, str):
        element.text = value
    elif isinstance(value, Mapping):
        alt = etree.SubElement(element, f"{_RDF}Alt")
        for lang, text in value.items():
            item = etree.SubElement(alt, f"{_RDF}li")
            item.set(_XML_LANG, lang)
            item.text = text
    else:
        container = etree.SubElement(element, f"{_RDF}{'Seq' if qname in _SEQ else 'Bag'}")
        for text in value:
            etree.SubElement(container, f"{_RDF}li").text = text


def xmp_date(moment: datetime) -> str:
    """ISO 8601 with the offset, the same instant as :func:`pdf_date`."""
    return moment.isoformat(timespec="seconds")


def pdf_date(moment: datetime) -> str:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') carrying the same offset as XMP."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("PDF dates need a timezone-aware datetime")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"
