"""LibreOffice never reaches the network: three layers, each enough on its own.

A Word template may link an image (`<a:blip r:link>` to a relationship with
TargetMode="External") or attach a remote template; LibreOffice 7.4 then sends OPTIONS,
GET and HEAD to that address during every conversion, and a template that picks the link
by case data (`r:link="L0{{ pupil_name[0] }}"`) sends a pupil's name out letter by letter.

1. `without_external_links` drops every external relationship but hyperlinks (which are
   only followed when a reader clicks them) from the package before conversion.
2. `write_profile_settings` puts two settings in the converter's own user profile:
   `BlockUntrustedRefererLinks` (LibreOffice loads nothing linked from a document that
   is not in a trusted location, and ours never are) and a manual HTTP(S) proxy on a
   closed local port, so a fetch that slips past the first has nowhere to go.

Measured on LibreOffice 7.4.7 with a counting server (tests/test_pdf_no_network.py):
without these, a linked image costs 14 requests per warm conversion; with either setting
alone, or with the stripping alone, none.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

# Port 9 (discard) on the loopback: nothing listens there, so a proxied request fails at once.
DEAD_PROXY_HOST = "127.0.0.1"
DEAD_PROXY_PORT = 9

OFFLINE_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    # 1 = manual proxy; an empty ooInetNoProxy means every host goes through it.
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", DEAD_PROXY_HOST),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", str(DEAD_PROXY_PORT)),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", DEAD_PROXY_HOST),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", str(DEAD_PROXY_PORT)),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", ""),
)

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
)
_FOOTER = "</oor:items>\n"


def _item(path: str, name: str, value: str) -> str:
    return (
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
    )


def write_profile_settings(profile: Path) -> None:
    """Put the offline settings into a LibreOffice user profile, before it starts.

    LibreOffice rewrites registrymodifications.xcu on exit (one item per line), keeping
    what it read; our items replace any earlier value of the same settings.
    """
    path = profile / "user" / "registrymodifications.xcu"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    if path.exists():
        text = path.read_text(encoding="utf-8")
        body = text.split("<oor:items", 1)[-1].split(">", 1)[-1].rsplit("</oor:items>", 1)[0]
        ours = [
            re.compile(rf'oor:path="{re.escape(p)}"><prop oor:name="{re.escape(n)}"')
            for p, n, _ in OFFLINE_SETTINGS
        ]
        lines = [
            line
            for line in body.splitlines()
            if line.strip() and not any(pattern.search(line) for pattern in ours)
        ]
    lines += [_item(*setting) for setting in OFFLINE_SETTINGS]
    path.write_text(_HEADER + "\n".join(lines) + "\n" + _FOOTER, encoding="utf-8")


def without_external_links(docx: bytes) -> bytes:
    """The package with every external relationship removed, hyperlinks kept.

    An element left pointing at a removed relationship (an image link, the attached
    template) is ignored by LibreOffice; the rest of the document converts as before.
    A package that is not a readable zip is returned as it is: the converter's own
    checks refuse it with their message.
    """
    try:
        source = zipfile.ZipFile(io.BytesIO(docx))
    except zipfile.BadZipFile:
        return docx
    changed = False
    parts: list[tuple[zipfile.ZipInfo, bytes]] = []
    with source:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".rels"):
                stripped = _strip_relationships(data)
                if stripped is not None:
                    data, changed = stripped, True
            parts.append((info, data))
    if not changed:
        return docx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _strip_relationships(data: bytes) -> bytes | None:
    """The .rels part without its external relationships, or None if it has none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    external = [
        element
        for element in root.iter(_RELATIONSHIPS)
        if (element.get("TargetMode") or "").lower() == "external"
        and element.get("Type") != _HYPERLINK
    ]
    if not external:
        return None
    for element in external:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result
