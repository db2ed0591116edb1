"""One PDF/A of a composed document back into a stamped PDF/A per section.

LibreOffice exports the bookmarks trygg.pdf.compose puts at each section's start and
end as named destinations; the sections' pages are read from them and must follow one
another without a gap. Each section's PDF keeps what its own conversion would have had:
its pages with their fonts (embedded; the subset is the whole batch's), the PDF/A
identification and output intent, the language (/Lang), the tagged structure of its own
pages (a screen reader reads it as before), its own headings as bookmarks and
LibreOffice's document information; then the archive metadata is stamped in, with the
values trygg.pdf.metadata.stamp_metadata writes.

This runs once per employee in an export of hundreds, so it is done with pikepdf
(qpdf, in C++): pypdf took four times as long for the copying alone.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from trygg.pdf.archive_stamp import ArchiveStamp
from trygg.pdf.xmp import update_xmp

# Catalog entries a section's PDF takes over as they are.
_CATALOG_KEEP = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents")


class SplitFailed(ValueError):
    """The composed PDF does not show the sections as expected (never shown to users:
    the caller converts those files one by one instead)."""


@dataclass(frozen=True)
class Section:
    first: int  # page indexes in the composed PDF
    last: int

    @property
    def pages(self) -> int:
        return self.last - self.first + 1


def _copy(target: pikepdf.Pdf, value: Any) -> Any:
    """``value`` of another PDF in ``target``; indirect objects through qpdf's copy,
    which maps each object once (a page already copied stays that page)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return target.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(target, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(target, item) for key, item in value.items()})
    return value


class ComposedPdf:
    """The converted composed document, opened once for all its sections."""

    def __init__(self, pdf: bytes, marks: Sequence[tuple[str, str]]) -> None:
        # qpdf reads a file far faster than a Python stream (a third of the split's
        # time went to reading through io.BytesIO); the file goes when this is closed.
        self.file = tempfile.NamedTemporaryFile(prefix="trygg-batch-", suffix=".pdf")  # noqa: SIM115
        try:
            self._open(pdf, marks)
        except BaseException:
            self.close()
            raise

    def _open(self, pdf: bytes, marks: Sequence[tuple[str, str]]) -> None:
        self.file.write(pdf)
        self.file.flush()
        self.source = pikepdf.open(self.file.name)
        self.page_index: dict[tuple[int, int], int] = {
            page.obj.objgen: n for n, page in enumerate(self.source.pages)
        }
        self.sections = self._sections(marks)
        self.outline = self._outline()
        root = self.source.Root
        self.tree: Any = root.get("/StructTreeRoot")
        self.parents: dict[int, Any] = {}
        self.blocks: list[tuple[int, Any]] = []
        if self.tree is not None:
            self.parents = dict(pikepdf.NumberTree(self.tree.ParentTree).items())
            document = self._only(self.tree.K)
            self.document = document
            for block in self._list(document.get("/K")):
                self.blocks.append((self._first_page(block), block))
        metadata = root.get("/Metadata")
        self.xmp = metadata.read_bytes() if metadata is not None else None
        self.info = {str(key): value for key, value in self.source.docinfo.items()}

    def close(self) -> None:
        if hasattr(self, "source"):
            self.source.close()
        self.file.close()

    def _sections(self, marks: Sequence[tuple[str, str]]) -> list[Section]:
        destinations: dict[str, Any] = {}
        names = self.source.Root.get("/Dests")
        if names is not None:
            destinations = {str(key).lstrip("/"): value for key, value in names.items()}
        elif "/Names" in self.source.Root and "/Dests" in self.source.Root.Names:
            tree = pikepdf.NameTree(self.source.Root.Names.Dests)
            destinations = {_text(key): value for key, value in tree.items()}
        sections, expected = [], 0
        for start, end in marks:
            try:
                first = self.page_index[self._target(destinations[start]).objgen]
                last = self.page_index[self._target(destinations[end]).objgen]
            except KeyError:
                raise SplitFailed(f"no page for {start} or {end}") from None
            if first != expected or last < first:
                raise SplitFailed(f"pages {first}-{last}, expected from {expected}")
            sections.append(Section(first, last))
            expected = last + 1
        if expected != len(self.source.pages):
            raise SplitFailed(f"{len(self.source.pages) - expected} pages after the last section")
        return sections

    @staticmethod
    def _target(destination: Any) -> Any:
        if isinstance(destination, Dictionary):
            destination = destination.D
        return destination[0]

    def _outline(self) -> list[tuple[int, int, str, tuple[float | None, ...]]]:
        """(depth, page, title, (left, top, zoom)) of every bookmark, in order."""
        found: list[tuple[int, int, str, tuple[float | None, ...]]] = []

        def walk(items: list[Any], depth: int) -> None:
            for item in items:
                target = item.destination
                if isinstance(target, Array) and len(target) >= 2 and target[1] == Name.XYZ:
                    place = tuple(None if v is None else float(v) for v in list(target)[2:5])
                    page = self.page_index.get(target[0].objgen)
                    if page is not None:
                        found.append((depth, page, str(item.title), place))
                walk(list(item.children), depth + 1)

        with self.source.open_outline() as outline:
            walk(list(outline.root), 0)
        return found

    @staticmethod
    def _list(value: Any) -> list[Any]:
        if value is None:
            return []
        return list(value) if isinstance(value, Array) else [value]

    def _only(self, value: Any) -> Any:
        items = self._list(value)
        if len(items) != 1:
            raise SplitFailed("not one Document element under the structure root")
        return items[0]

    def _first_page(self, element: Any) -> int:
        """The first page an element's content is on (its /Pg, or its first child's)."""
        if isinstance(element, Dictionary):
            if "/Pg" in element:
                return self.page_index.get(element.Pg.objgen, -1)
            for child in self._list(element.get("/K")):
                page = self._first_page(child)
                if page >= 0:
                    return page
        return -1

    def section_pdf(self, number: int, stamp: ArchiveStamp) -> bytes:
        section = self.sections[number]
        target = pikepdf.new()
        target.pages.extend(self.source.pages[section.first : section.last + 1])
        root = target.Root
        for key in _CATALOG_KEEP:
            if key in self.source.Root:
                root[key] = _copy(target, self.source.Root[key])
        if self.tree is not None:
            self._structure(target, section)
        self._bookmarks(target, section)
        root.OpenAction = Array([target.pages[0].obj, Name.XYZ, None, None, 0])
        info, properties = stamp.properties()
        for key, value in {**self.info, **info}.items():
            # LibreOffice's Producer and Creator too: Info and XMP must agree for PDF/A.
            target.docinfo[Name(key)] = value
        xmp = update_xmp(self.xmp, properties)
        root.Metadata = target.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)
        out = io.BytesIO()
        # The same input gives the same bytes (the archive is content-addressed).
        target.save(
            out,
            min_version=self.source.pdf_version,
            deterministic_id=True,
            # LibreOffice's XMP carries no PDF version to correct; parsing it costs.
            fix_metadata_version=False,
        )
        return out.getvalue()

    def _structure(self, target: pikepdf.Pdf, section: Section) -> None:
        blocks = [b for page, b in self.blocks if section.first <= page <= section.last]
        if any(page < 0 for page, _ in self.blocks):
            raise SplitFailed("a structure element on no page")
        # Each block's parent is the whole document's Document element; cut for the
        # copy, or qpdf would copy every section through it.
        elements: set[tuple[int, int]] = set()
        for block in blocks:
            self._elements(block, elements)
        parents = [block.get("/P") for block in blocks]
        for block in blocks:
            del block["/P"]
        try:
            copied = [target.copy_foreign(block) for block in blocks]
        finally:
            for block, parent in zip(blocks, parents, strict=True):
                if parent is not None:
                    block.P = parent
        tree = target.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = target.make_indirect(
            Dictionary(
                {
                    key: _copy(target, value)
                    for key, value in self.document.items()
                    if key not in ("/P", "/K", "/Pg")
                }
            )
        )
        document.P, document.K, document.Pg = tree, Array(copied), target.pages[0].obj
        for block in copied:
            block.P = document
        numbers = Array()
        for page in list(target.pages):
            keys = [page.obj.get("/StructParents")]
            keys += [annotation.get("/StructParent") for annotation in page.obj.get("/Annots", [])]
            for number in keys:
                if number is not None and int(number) in self.parents:
                    owners = self._owners(target, self.parents[int(number)], elements)
                    numbers.extend([number, owners])
        tree.K = document
        tree.ParentTree = target.make_indirect(Dictionary(Nums=numbers))
        for key in ("/RoleMap", "/ClassMap"):
            if key in self.tree:
                tree[key] = _copy(target, self.tree[key])
        target.Root.StructTreeRoot = tree

    def _owners(self, target: pikepdf.Pdf, entry: Any, copied: set[tuple[int, int]]) -> Any:
        """A parent tree entry in ``target``: every element it names must have come
        along with the section's blocks, or qpdf would drag in another section."""
        for item in self._list(entry):
            if isinstance(item, Dictionary) and item.objgen not in copied:
                raise SplitFailed("marked content of an element of another section")
        return _copy(target, entry)

    def _elements(self, element: Any, found: set[tuple[int, int]]) -> None:
        """The indirect structure elements under ``element`` (itself included)."""
        if not isinstance(element, Dictionary):
            return
        if element.is_indirect:
            found.add(element.objgen)
        for child in self._list(element.get("/K")):
            self._elements(child, found)

    def _bookmarks(self, target: pikepdf.Pdf, section: Section) -> None:
        """The section's bookmarks, nested as before; one whose parent belongs to an
        earlier section stands at the top, as it would in its own file."""
        with target.open_outline() as outline:
            open_items: list[tuple[int, pikepdf.OutlineItem]] = []
            for depth, page, title, (left, top, zoom) in self.outline:
                if not section.first <= page <= section.last:
                    continue
                while open_items and open_items[-1][0] >= depth:
                    open_items.pop()
                item = pikepdf.OutlineItem(
                    title, page - section.first, "XYZ", left=left, top=top, zoom=zoom
                )
                (open_items[-1][1].children if open_items else outline.root).append(item)
                open_items.append((depth, item))


def _text(key: str | bytes) -> str:
    return key.decode("latin-1") if isinstance(key, bytes) else key


def split_sections(
    pdf: bytes, marks: Sequence[tuple[str, str]], stamps: Sequence[ArchiveStamp]
) -> list[tuple[int, bytes]]:
    """(page count, stamped PDF/A) per section of ``pdf``, in order."""
    composed = ComposedPdf(pdf, marks)
    try:
        return [
            (section.pages, composed.section_pdf(number, stamps[number]))
            for number, section in enumerate(composed.sections)
        ]
    finally:
        composed.close()
