"""The PDF converter for tests: a warm LibreOffice converter service (`converter`, one per
test module) and free ports for more of them. A pytest plugin, registered in
tests/conftest.py.

A warm converter needs LibreOffice and the UNO Python (.venv-uno): without them a test
that asks for `converter`, or is marked `needs_libreoffice`, is skipped. A test that asks
for `converter` is also marked `libreoffice` (so `-m "not libreoffice"` leaves it out),
and its app converts through it (`settings_overrides` in tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator

import pytest

from trygg.pdf import ConverterService
from trygg.pdf.locate import DEFAULT_UNO_PYTHON

HAVE_LIBREOFFICE = shutil.which("soffice") is not None and bool(
    os.environ.get("TRYGG_UNO_PYTHON") or DEFAULT_UNO_PYTHON.exists()
)
MISSING = "LibreOffice or .venv-uno is missing (see make test)"
needs_libreoffice = pytest.mark.skipif(not HAVE_LIBREOFFICE, reason=MISSING)


def skip_without_libreoffice() -> None:
    if not HAVE_LIBREOFFICE:
        pytest.skip(MISSING)


def free_port_pairs(count: int) -> list[int]:
    """Ports p with p + 1 also free (p + 1 becomes the uno port)."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port + 1 > 65535 or port in ports or port + 1 in ports or port - 1 in ports:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        ports.append(port)
    return ports


@pytest.fixture(scope="module")
def converter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterService]:
    """One warm converter for the test module (starting LibreOffice takes seconds)."""
    skip_without_libreoffice()
    workdir = tmp_path_factory.mktemp("lo")
    with ConverterService(free_port_pairs(1), workdir=workdir, conversion_timeout=30) as svc:
        yield svc


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "converter" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
