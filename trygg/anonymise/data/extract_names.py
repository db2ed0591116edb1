"""Extract the SSB first-name and surname lists from the norwegian-fake-data package.

Run once (``python trygg/anonymise/data/extract_names.py``) to refresh
``first_names.txt`` and ``surnames.txt`` beside this script. The package bundles
Statistics Norway (SSB) tables 10467 and 12891 under CC BY 4.0; we keep only the
distinct names, one a line, sorted, because the detector needs membership, not
frequencies.
"""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _snapshot() -> dict[str, Any]:
    resource = files("norwegian_fake_data").joinpath("data/names.json.gz")
    data: dict[str, Any] = json.loads(gzip.decompress(resource.read_bytes()))
    return data


def _distinct(section: dict[str, list[list[Any]]]) -> list[str]:
    # Each section is keyed by year (and category); a name recurs across keys.
    return sorted({str(row[0]) for rows in section.values() for row in rows})


def main() -> None:
    snapshot = _snapshot()
    header = (
        f"# Source: {snapshot['attribution']}, tables 10467 and 12891, "
        f"retrieved {snapshot['retrieved_on']} via norwegian-fake-data. "
        f"Licence: {snapshot['license']} ({snapshot['license_url']}).\n"
    )
    for filename, key in (("first_names.txt", "first_names"), ("surnames.txt", "surnames")):
        names = _distinct(snapshot[key])
        (HERE / filename).write_text(header + "\n".join(names) + "\n", encoding="utf-8")
        print(f"{filename}: {len(names)} names")


if __name__ == "__main__":
    main()
