"""The intake benchmark measures real checks: each hostile upload is refused for what it
is, the real template passes, the body of many paragraphs is searched to its end. No
timing is asserted here; bench/intake.py prints the ratios."""

from __future__ import annotations

from bench.intake import measure


def test_the_intake_benchmark_measures_real_refusals() -> None:
    results = measure(paragraphs=20_000, part_mb=30, members=300, runs=1)
    reasons = {name: found for name, (_, found) in results.items()}
    assert reasons["Trygg's own template"] == []
    assert any("større enn" in r for r in reasons["a 30 MB part (zip bomb)"])
    assert any("mer enn 200 deler" in r for r in reasons["300 members"])
    assert reasons["20,000 empty paragraphs"] == []
    assert all(seconds > 0 for seconds, _ in results.values())
