"""Many Word files to stamped PDF/A files with a few LibreOffice conversions instead of
one per file (a school's kvitteringer: trygg.acknowledgements.pdfs).

Files that may be composed (trygg.pdf.composable) are put together by template, up to
``chunk`` files a document (trygg.pdf.compose), converted once and split back into a
PDF/A per file (trygg.pdf.split); as many chunks at a time as the pool has converters.
NUMPAGES is written out as the page count expected: the most common count of the
template so far (1 to begin with). A section that came out with another count is
composed again with its own count and converted a second time; if that is still not
right, or anything else about a chunk's PDF is unexpected, or LibreOffice fails on the
chunk, its files are converted one by one, as are files that cannot be composed. Each
file's PDF is what its own conversion would be: the same pages, text and page numbers
(tests/test_pdf_batch.py compares them on real LibreOffice).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import pikepdf

from trygg.pdf.archive_stamp import ArchiveStamp
from trygg.pdf.client import PDFA_FILTER_OPTIONS, ConverterPool
from trygg.pdf.composable import NotComposable, WordFile, open_word_file
from trygg.pdf.compose import compose, section_marks
from trygg.pdf.convert import convert_docx_to_pdfa
from trygg.pdf.errors import NOT_A_DOCX, ConversionFailed
from trygg.pdf.offline import without_external_links
from trygg.pdf.split import SplitFailed, split_sections

log = logging.getLogger(__name__)

# Files per conversion at most. LibreOffice's work per file falls as a chunk grows (its
# fixed cost per document is spread: bench/acks.py measured 68, 52 and 35 ms of its CPU
# per kvittering in chunks of 10, 25 and 50), but a chunk must finish well inside the
# service's conversion timeout (30 s by default) even on a busy machine.
CHUNK = 50
# The bookmarks become named destinations only when asked for (trygg.pdf.split).
BATCH_FILTER_OPTIONS = (*PDFA_FILTER_OPTIONS, "ExportBookmarksToPDFDestination=true")


class _Expected:
    """The page count to write out for NUMPAGES, learnt per template as chunks finish."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[int]] = {}
        self._lock = threading.Lock()

    def guess(self, group: str) -> int:
        with self._lock:
            counts = self._counts.get(group)
            return counts.most_common(1)[0][0] if counts else 1

    def learn(self, group: str, pages: Sequence[int]) -> None:
        with self._lock:
            self._counts.setdefault(group, Counter()).update(pages)


def convert_many(
    docs: Sequence[bytes],
    stamps: Sequence[ArchiveStamp],
    *,
    converters: ConverterPool,
    chunk: int = CHUNK,
    timeout: float = 120.0,
) -> Iterator[tuple[int, bytes]]:
    """(index, stamped PDF/A) for each of ``docs``, as they are done (not in order);
    at most ``chunk`` files a conversion.

    Raises what a single conversion raises (PdfUnavailable, ConversionFailed) when a
    file fails on its own too; the files before it have been yielded by then."""
    if len(docs) != len(stamps):
        raise ValueError("one stamp per document")
    expected = _Expected()

    def run(job: list[tuple[int, WordFile]] | int) -> list[tuple[int, bytes]]:
        if isinstance(job, int):
            return _one_by_one([job], docs, stamps, converters, timeout)
        return _chunk(job, docs, stamps, converters, timeout, expected)

    # As many equal chunks as keep every converter busy to the end: 300 files on two
    # converters are six chunks of 50, 60 files two of 30.
    rounds = -(-len(docs) // (len(converters.addresses) * chunk))
    size = -(-len(docs) // (len(converters.addresses) * rounds)) if docs else chunk
    # One worker more than converters: it composes its chunk while the others convert,
    # so that no converter waits for Python.
    workers = len(converters.addresses) + 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdf-batch") as pool:
        pending: set[Future[list[tuple[int, bytes]]]] = set()
        try:
            # Each chunk goes to work as soon as it is full, while the rest are opened.
            for job in _jobs(docs, size):
                pending.add(pool.submit(run, job))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield from future.result()
        finally:
            for future in pending:
                future.cancel()


def open_offline(docx: bytes) -> WordFile:
    """The file taken apart for composing, with the same wall as a single conversion
    (trygg.pdf.offline): no external part left for LibreOffice to fetch, links kept."""
    word = open_word_file(docx)
    # Most files have no external relationship at all; only those are read twice.
    if any(b"External" in data for name, data in word.parts.items() if name.endswith(".rels")):
        word = open_word_file(without_external_links(docx))
    return word


def _jobs(docs: Sequence[bytes], chunk: int) -> Iterator[list[tuple[int, WordFile]] | int]:
    """Chunks of up to ``chunk`` files of one template, and the index of each file that
    must be converted on its own."""
    groups: dict[str, list[tuple[int, WordFile]]] = {}
    for index, docx in enumerate(docs):
        if not docx.startswith(b"PK\x03\x04"):
            raise ConversionFailed(NOT_A_DOCX)
        try:
            word = open_offline(docx)
        except NotComposable as reason:
            log.info("document %d converted on its own: %s", index, reason)
            yield index
            continue
        members = groups.setdefault(word.group, [])
        members.append((index, word))
        if len(members) == chunk:
            yield groups.pop(word.group)
    yield from groups.values()


def _one_by_one(
    indexes: Sequence[int],
    docs: Sequence[bytes],
    stamps: Sequence[ArchiveStamp],
    converters: ConverterPool,
    timeout: float,
) -> list[tuple[int, bytes]]:
    """The files as a single download converts them."""
    return [
        (
            i,
            stamps[i].onto(
                convert_docx_to_pdfa(
                    docs[i], allow_cold=False, converters=converters, timeout=timeout
                )
            ),
        )
        for i in indexes
    ]


def _convert(
    words: Sequence[tuple[int, WordFile]],
    counts: Sequence[int],
    stamps: Sequence[ArchiveStamp],
    converters: ConverterPool,
    timeout: float,
) -> list[tuple[int, bytes]]:
    """(pages, PDF) per file of one composed conversion; SplitFailed if the PDF does
    not show the sections as composed."""
    composed = compose([w for _, w in words], counts)
    pdf = converters.convert(composed, filter_options=BATCH_FILTER_OPTIONS, timeout=timeout)
    marks = [section_marks(n) for n in range(len(words))]
    try:
        return split_sections(pdf, marks, [stamps[i] for i, _ in words])
    except pikepdf.PdfError as error:
        raise SplitFailed(f"not a readable PDF: {error}") from error


def _chunk(
    words: list[tuple[int, WordFile]],
    docs: Sequence[bytes],
    stamps: Sequence[ArchiveStamp],
    converters: ConverterPool,
    timeout: float,
    expected: _Expected,
) -> list[tuple[int, bytes]]:
    group = words[0][1].group
    guess = expected.guess(group)
    try:
        results = _convert(words, [guess] * len(words), stamps, converters, timeout)
    except (SplitFailed, ConversionFailed) as problem:
        log.warning("a chunk of %d documents converted one by one: %s", len(words), problem)
        return _one_by_one([i for i, _ in words], docs, stamps, converters, timeout)
    expected.learn(group, [pages for pages, _ in results])
    done = [(i, pdf) for (i, _), (pages, pdf) in zip(words, results, strict=True) if pages == guess]
    again = [(w, pages) for w, (pages, _) in zip(words, results, strict=True) if pages != guess]
    if not again:
        return done
    try:
        second = _convert([w for w, _ in again], [p for _, p in again], stamps, converters, timeout)
    except (SplitFailed, ConversionFailed) as problem:
        log.warning("%d documents converted one by one: %s", len(again), problem)
        return done + _one_by_one([i for (i, _), _ in again], docs, stamps, converters, timeout)
    wrong = []
    for ((i, _), pages), (got, pdf) in zip(again, second, strict=True):
        if got == pages:
            done.append((i, pdf))
        else:
            wrong.append(i)
    return done + _one_by_one(wrong, docs, stamps, converters, timeout)
