"""What an uploaded attachment really is: PDF, PNG or JPEG, decided by its content.

A file name and a browser's content type say what a file claims to be; here the bytes
decide. The magic bytes pick the format, then the file is parsed for real: a PDF by
pypdf (its whole object graph, looking for active content a viewer would run), an image
by Pillow, which decodes every pixel and encodes the image again. Re-encoding drops what
rides along in an image's metadata (a phone's position, a thumbnail of the uncropped
picture) and anything appended after the image data.

Nothing here writes: `check_upload` returns the bytes to store and what to record.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

# The plugins of the three formats used, registered now: Pillow would otherwise import
# every plugin it has on the first PDF save (and look for optional packages it lacks).
from PIL import (  # noqa: F401
    Image,
    ImageOps,
    JpegImagePlugin,
    PdfImagePlugin,
    PngImagePlugin,
    UnidentifiedImageError,
)
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from trygg.errors import Refused

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# 40 megapixels: any phone photo or screenshot; a larger "image" is a decompression bomb.
MAX_PIXELS = 40_000_000
MAX_DISPLAY_NAME = 120
# A real PDF of 10 MB has some tens of thousands of objects; a walk beyond this is refused.
MAX_PDF_OBJECTS = 200_000

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

MIMETYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
FORMAT_NAMES = {"pdf": "PDF", "png": "PNG", "jpg": "JPEG"}

# Active content a PDF viewer may run or open. Keys of a dictionary...
_FORBIDDEN_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/EmbeddedFiles": "innebygde filer",
    "/EmbeddedFile": "innebygde filer",
    "/XFA": "XFA-skjema",
    "/RichMedia": "innebygd media",
}
# ...and the values of /S (an action's type), /Type and /Subtype.
_FORBIDDEN_VALUES = {
    "/JavaScript": "JavaScript",
    "/Launch": "en handling som starter et program",
    "/ImportData": "en handling som henter data",
    "/SubmitForm": "en handling som sender skjemadata",
    "/EmbeddedFile": "innebygde filer",
    "/FileAttachment": "innebygde filer",
    "/RichMedia": "innebygd media",
    "/Movie": "innebygd media",
    "/Sound": "innebygd media",
}
_TYPED_KEYS = ("/S", "/Type", "/Subtype")

WRONG_TYPE = (
    "Filen er ikke en PDF, PNG eller JPEG. Vedlegg må være en PDF eller et bilde (PNG eller "
    "JPEG), uansett hva filen heter. Ta et skjermbilde eller lagre dokumentet som PDF."
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: the bytes to store and what the case records about them."""

    format: str  # pdf | png | jpg
    content: bytes  # what is stored: the PDF as received, an image re-encoded
    received_sha256: str
    pages: int
    display_name: str


def _refuse(message: str, **values: object) -> Refused:
    return Refused(message, field="file", **values)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_upload(content: bytes, filename: str) -> CheckedFile:
    """The upload as the case will keep it, or Refused (at the file field) saying why."""
    if not content:
        raise _refuse("Filen er tom. Velg filen på nytt.")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise _refuse(
            "Filen er for stor (%(size)s MB). Et vedlegg kan være høyst %(limit)d MB; ta "
            "gjerne et skjermbilde, eller lagre PDF-en med mindre bilder.",
            size=_megabytes(len(content)),
            limit=MAX_ATTACHMENT_BYTES // 1024 // 1024,
        )
    received = hashlib.sha256(content).hexdigest()
    if content.startswith(PDF_MAGIC):
        pages = check_pdf(content)
        return CheckedFile("pdf", content, received, pages, display_name(filename, "pdf"))
    if content.startswith(PNG_MAGIC):
        fmt = "png"
    elif content.startswith(JPEG_MAGIC):
        fmt = "jpg"
    else:
        raise _refuse(WRONG_TYPE)
    stored = reencode_image(content, fmt)
    return CheckedFile(fmt, stored, received, 1, display_name(filename, fmt))


# --- PDF --------------------------------------------------------------------------------


def check_pdf(content: bytes) -> int:
    """The number of pages of a readable PDF without active content; Refused otherwise."""
    try:
        # pypdf warns about the small faults real PDFs are full of; they decide nothing here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    "PDF-en er passordbeskyttet eller kryptert. Lagre den uten passord og "
                    "last den opp igjen."
                )
            pages = len(reader.pages)
            reason = active_content(reader)
    except Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise _refuse(
            "Filen begynner som en PDF, men kan ikke leses som en. Lagre den som PDF på nytt "
            "og last den opp igjen."
        ) from None
    if pages == 0:
        raise _refuse("PDF-en har ingen sider.")
    if reason:
        raise _refuse(
            "PDF-en inneholder %(what)s, og slikt tas ikke inn i saken fordi det kan kjøre "
            "eller åpne noe hos den som leser. Skriv den ut til en ny PDF («Skriv ut» → "
            "«Lagre som PDF») og last opp den.",
            what=reason,
        )
    return pages


def active_content(reader: PdfReader) -> str:
    """What active content the PDF holds (JavaScript, a launch action, embedded files…),
    in Norwegian; "" when none. Walks every object reachable from the trailer."""
    for obj in _objects(reader):
        for key, value in obj.items():
            if key in _FORBIDDEN_KEYS:
                return _FORBIDDEN_KEYS[key]
            typed = key in _TYPED_KEYS and isinstance(value, NameObject)
            if typed and str(value) in _FORBIDDEN_VALUES:
                return _FORBIDDEN_VALUES[str(value)]
    return ""


def _objects(reader: PdfReader) -> Iterator[DictionaryObject]:
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = [reader.trailer]
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            raise _refuse("PDF-en er for sammensatt til å kontrolleres. Lagre den på nytt som PDF.")
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


# --- images -----------------------------------------------------------------------------

_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG"}


def reencode_image(content: bytes, fmt: str) -> bytes:
    """The image decoded in full and encoded again in its own format; Refused when it
    cannot be decoded or is unreasonably large."""
    unreadable = _refuse(
        "Bildet kan ikke leses (filen er skadet eller ufullstendig). Ta bildet eller "
        "skjermbildet på nytt."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[_PIL_FORMATS[fmt]]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, fmt)
    except Refused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(0, 0) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unreadable from None


def _too_many_pixels(width: int, height: int) -> Refused:
    return _refuse(
        "Bildet er for stort (%(width)d × %(height)d punkter). Ta et skjermbilde av det som "
        "skal vises, eller lagre bildet i mindre størrelse.",
        width=width,
        height=height,
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        # No text chunks, no EXIF: only the pixels (and a palette's transparency).
        image.save(out, "PNG", optimize=False)
    else:
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        # High quality: a screenshot's text must stay readable after one more encoding.
        image.save(out, "JPEG", quality=92, optimize=True)
    return out.getvalue()


def image_page(content: bytes) -> bytes:
    """A stored image as a one-page PDF of A4 width or less, for the combined PDF."""
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        page: Image.Image = image
        if image.mode != "RGB":
            # PDF pages have no transparency: lay the image on white paper.
            page = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            page.paste(rgba, mask=rgba.getchannel("A"))
        width, height = page.size
        # Fit within A4 less 2 cm margins (about 6.7 × 10.5 inches), never enlarged past
        # 96 pixels per inch.
        resolution = max(96.0, width / 6.7, height / 10.5)
        out = io.BytesIO()
        page.save(out, "PDF", resolution=resolution)
        return out.getvalue()


# --- names ------------------------------------------------------------------------------


def display_name(filename: str, fmt: str) -> str:
    """The uploaded name, cleaned for showing: the last path part, printable characters,
    at most MAX_DISPLAY_NAME long, with the extension of what the content is. Never a
    path: the archive stores the file by its SHA-256."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    ext = "jpg" if fmt == "jpg" else fmt
    return f"{(stem or 'vedlegg')[: MAX_DISPLAY_NAME - 5]}.{ext}"
