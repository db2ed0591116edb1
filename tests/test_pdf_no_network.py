"""LibreOffice never reaches the network (issue 12): a counting HTTP server on 127.0.0.1
sees no request while documents that link to it are converted, and the PDF is made.

The documents: a linked image (`<a:blip r:link>` to an external relationship), a remote
attached template, and an image link chosen by case data (a template whose `r:link`
is built from `{{ pupil_name[0] }}`, rendered by Trygg's own render path).
"""

from __future__ import annotations

import http.server
import io
import re
import socketserver
import threading
import time
import zipfile
from collections.abc import Callable, Iterator

import docx
import pytest

from tests.factories.pdf import skip_without_libreoffice
from trygg.documents.render import render_docx
from trygg.pdf import ConverterService, convert_docx_to_pdfa
from trygg.pdf.offline import OFFLINE_SETTINGS, without_external_links, write_profile_settings

IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
ATTACHED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# How long a late request (LibreOffice fetches while it lays out) is waited for.
SETTLE_SECONDS = 1.0


class Counter(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Counter

    def _answer(self) -> None:
        self.server.requests.append((self.command, self.path))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def counter() -> Iterator[Counter]:
    server = Counter()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _drawing(link: str) -> str:
    return (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        'drawingml/2006/wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/>'
        '<wp:docPr id="90" name="Bilde"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
        'drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="90" name="Bilde"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:link="{link}"/><a:stretch><a:fillRect/>'
        '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>"
        "</w:drawing></w:r></w:p>"
    )


def _relationship(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}" TargetMode="External"/>'


def linking_docx(base: str, *, body_link: str = "rIdImage", letters: str = "") -> bytes:
    """A Word file with a linked image, a remote attached template and a hyperlink; with
    `letters`, one external image relationship per letter (`L0K` → /leak/0/K)."""
    document = docx.Document()
    document.add_paragraph("Aktivitetsplan. Hei verden.")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    rels = [
        _relationship("rIdImage", IMAGE, f"{base}/bilde.png"),
        _relationship("rIdLink", HYPERLINK, "https://www.udir.no/"),
        *(_relationship(f"L0{c}", IMAGE, f"{base}/leak/0/{c}") for c in letters),
    ]
    document_rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = document_rels.replace(
        "</Relationships>", "".join(rels) + "</Relationships>"
    ).encode()
    body = parts["word/document.xml"].decode()
    parts["word/document.xml"] = body.replace(
        "<w:sectPr", _drawing(body_link) + "<w:sectPr", 1
    ).encode()
    settings = parts["word/settings.xml"].decode()
    settings = re.sub(r"(<w:settings\b[^>]*>)", r'\1<w:attachedTemplate r:id="rIdT"/>', settings)
    if f'xmlns:r="{R}"' not in settings:
        settings = settings.replace("<w:settings ", f'<w:settings xmlns:r="{R}" ', 1)
    parts["word/settings.xml"] = settings.encode()
    parts["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + _relationship("rIdT", ATTACHED, f"{base}/maler/Normal.dotm")
        + "</Relationships>"
    ).encode()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return packed.getvalue()


def case_data_link(base: str) -> bytes:
    """A document rendered from a template that picks its image link by the pupil's name."""
    template = linking_docx(base, body_link="L0{{ pupil_name[0] }}", letters="KOk")
    return render_docx(template, {"pupil_name": "Kari Hemmelig"}, "Aktivitetsplan", "Emne")


def external_targets(docx_bytes: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        return [
            match
            for name in package.namelist()
            if name.endswith(".rels")
            for match in re.findall(
                r'Target="([^"]*)"[^>]*TargetMode="External"', package.read(name).decode()
            )
        ]


def converted_quietly(counter: Counter, convert: Callable[[], bytes]) -> bytes:
    pdf = convert()
    time.sleep(SETTLE_SECONDS)
    assert counter.requests == []
    assert pdf.startswith(b"%PDF-")
    return pdf


DOCUMENTS: dict[str, Callable[[str], bytes]] = {
    "linked image and remote template": linking_docx,
    "image link built from case data": case_data_link,
}


def test_the_case_data_document_really_links_out(counter: Counter) -> None:
    # The hostile document is what the test claims: its image link names the pupil.
    document = case_data_link(counter.base)
    assert (
        'r:link="L0K"' in zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml").decode()
    )
    assert f"{counter.base}/leak/0/K" in external_targets(document)


@pytest.mark.parametrize("build", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_no_request_arrives_while_the_warm_converter_converts(
    converter: ConverterService, counter: Counter, build: Callable[[str], bytes]
) -> None:
    document = build(counter.base)
    converted_quietly(counter, lambda: convert_docx_to_pdfa(document, converters=converter.pool()))


@pytest.mark.parametrize("build", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_the_converter_s_own_settings_stop_the_fetch_without_the_stripping(
    converter: ConverterService, counter: Counter, build: Callable[[str], bytes]
) -> None:
    # The pool straight, with every external link still in the package: the profile's
    # settings alone must keep LibreOffice off the network.
    document = build(counter.base)
    assert external_targets(document)
    converted_quietly(counter, lambda: converter.pool().convert(document))


def test_no_request_arrives_while_a_cold_soffice_converts(counter: Counter) -> None:
    skip_without_libreoffice()
    document = linking_docx(counter.base)
    converted_quietly(counter, lambda: convert_docx_to_pdfa(document, converters=None))


def test_external_relationships_are_stripped_and_hyperlinks_kept() -> None:
    document = case_data_link("http://127.0.0.1:9")
    stripped = without_external_links(document)
    assert external_targets(stripped) == ["https://www.udir.no/"]
    # The document itself is unchanged apart from the relationships.
    with zipfile.ZipFile(io.BytesIO(stripped)) as package:
        assert "Hei verden" in package.read("word/document.xml").decode()
    # A package without external links is passed on as it is.
    assert without_external_links(stripped) == stripped


def test_the_profile_settings_replace_earlier_values(tmp_path: pytest.TempPathFactory) -> None:
    profile = tmp_path / "profile"  # type: ignore[operator]
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True)
    xcu.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/'
        '2001/registry">\n<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
        '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>false</value>'
        '</prop></item>\n<item oor:path="/org.openoffice.Office.Common/Misc"><prop '
        'oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>\n</oor:items>\n',
        encoding="utf-8",
    )
    write_profile_settings(profile)
    write_profile_settings(profile)
    text = xcu.read_text(encoding="utf-8")
    assert "<value>false</value></prop></item>" in text  # FirstRun kept
    assert text.count('oor:name="BlockUntrustedRefererLinks"') == 1
    assert 'oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value>' in text
    assert len(OFFLINE_SETTINGS) == text.count('oor:op="fuse"') - 1
