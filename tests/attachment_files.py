"""Files to attach to a case, made on the spot: images by Pillow, PDFs by pypdf (with
JavaScript, an embedded file or a launch action when asked), and a PDF written by hand."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def png(size: tuple[int, int] = (40, 30), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG", **save)
    return out.getvalue()


def jpeg(exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (20, 120, 200))
    if exif is not None:
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def pdf(*, js: bool = False, embedded: bool = False, launch: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if js:
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hei');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    if embedded:
        writer.add_attachment("skjult.txt", b"hemmelig")
    if launch:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# JavaScript behind an escaped name ("/J#61vaScript" is "/JavaScript") in a page's
# additional actions, in a PDF written by hand.
def handwritten_pdf(*objects: bytes) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj %s endobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


HIDDEN_SCRIPT = handwritten_pdf(
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
    b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
)
