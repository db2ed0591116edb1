"""Benchmark: labelling throughput and leak-scan time per document.

Run from the repository root: .venv/bin/python -m bench.anonymise
Prints MB/s for anonymising 1 MB of case text mentioning 100 people, and the median
time to leak-scan a realistic three-page DOCX. Deterministic (fixed seed); < 1 minute.
"""

from __future__ import annotations

import io
import random
import statistics
import time

from docx import Document

from trygg.anonymise import Actor, Anonymiser, LabelSettings, assign_labels, scan_docx
from trygg.anonymise.namelists import first_names, surnames

SENTENCES = [
    "I storefri sa {a} at {b} ikke fikk være med på fotballbanen.",
    "{a} og {b} sto ved porten da kontaktlærer kom ut kl. 11.30.",
    "På Snap skrev {a}: «ingen liker deg», og {b} svarte med en emoji.",
    "{a}s mor ringte skolen etter at {b} hadde tatt lua i garderoben.",
    "Elevene ble fulgt opp på AKS, der {a} sin gruppe lekte i gapahuken.",
    "Observasjon: rolig i klasserommet, men uro på skoleveien etter skoletid.",
    "Samtale med eleven 16.09; eleven ønsker en voksen ute i friminuttene.",
]


def _people(rng: random.Random, count: int) -> list[Actor]:
    firsts = rng.sample(sorted(first_names()), count)
    lasts = rng.sample(sorted(surnames()), count)
    return [
        Actor(f"p{i}", "pupil", f"{f} {s}")
        for i, (f, s) in enumerate(zip(firsts, lasts, strict=True))
    ]


def _text(rng: random.Random, people: list[Actor], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        a, b = rng.sample(people, 2)
        sentence = rng.choice(SENTENCES).format(
            a=a.name if rng.random() < 0.3 else a.name.split()[0], b=b.name
        )
        parts.append(sentence)
        length += len(sentence.encode()) + 1
    return " ".join(parts)


def _docx(people: list[Actor]) -> bytes:
    document = Document()
    document.sections[0].header.paragraphs[
        0
    ].text = "Oslo kommune – Nordpolen skole – 2026/0142 – Unntatt offentlighet"
    document.sections[0].footer.paragraphs[0].text = "Side 1 av 3"
    document.add_heading("Aktivitetsplan for Sara Nilsen", 1)
    for i in range(45):
        document.add_paragraph(SENTENCES[i % len(SENTENCES)].format(a="Elev A", b="Elev B") * 2)
    table = document.add_table(rows=8, cols=5)
    for row in table.rows:
        for cell in row.cells:
            cell.text = "Voksen ute i storefri, hver skoledag, Per Olsen (kontaktlærer)"
    document.core_properties.author = "Ingrid Dahl"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    rng = random.Random(20260914)
    people = _people(rng, 100)
    labels = assign_labels(people, LabelSettings())
    text = _text(rng, people, 1_000_000)
    megabytes = len(text.encode()) / 1_000_000
    anonymiser = Anonymiser("Sara Nilsen", people, labels)
    start = time.perf_counter()
    output = anonymiser.text(text)
    elapsed = time.perf_counter() - start
    print(
        f"anonymise: {megabytes:.2f} MB, 100 people, {elapsed:.2f} s, {megabytes / elapsed:.2f} MB/s"
    )
    assert "Elev" in output

    docx = _docx(people[:10])
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        hits = scan_docx(docx, "aktivitetsplan-2026-0142.docx", "Sara Nilsen", people[:10])
        timings.append(time.perf_counter() - start)
    assert hits == []
    print(
        f"leak scan: {len(docx) / 1000:.0f} kB DOCX (~3 pages), median {statistics.median(timings) * 1000:.1f} ms "
        f"over {len(timings)} runs (min {min(timings) * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
