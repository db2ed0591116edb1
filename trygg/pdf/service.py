"""The warm converter service: N supervised unoserver instances.

Run it in the foreground with ``python -m trygg.pdf.service --ports 2003,2005
--workdir instance/lo`` and point the app at it with
``TRYGG_CONVERTERS=127.0.0.1:2003,127.0.0.1:2005``. Each instance gets its own XML-RPC
port, uno port (port + 1), profile and ``--conversion-timeout``. unoserver kills
LibreOffice and exits when a conversion times out, so a watcher thread per instance
restarts whatever exits and kills whatever stops answering.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType, TracebackType

from trygg.pdf.client import CONVERTERS_ENV, ConverterAddress, ConverterPool
from trygg.pdf.errors import (
    NO_UNO_PYTHON,
    PORT_IN_USE,
    SERVICE_DID_NOT_START,
    PdfUnavailable,
)
from trygg.pdf.instance import Instance
from trygg.pdf.locate import find_soffice, find_uno_python

log = logging.getLogger(__name__)

DEFAULT_BASE_PORT = 2003
DEFAULT_CONVERSION_TIMEOUT = 30
# LibreOffice plus unoserver's own fixed 7 s of sleeping; generous for a loaded machine.
STARTUP_TIMEOUT = 60.0
HEALTH_INTERVAL = 5.0
POLL_INTERVAL = 0.2
MAX_BACKOFF = 30.0


def default_ports(count: int | None = None, base: int = DEFAULT_BASE_PORT) -> list[int]:
    """One instance per core by default; ports step by 2 because port + 1 is the uno port."""
    return [base + 2 * i for i in range(count or os.cpu_count() or 1)]


class ConverterService:
    """Starts, watches and stops unoserver instances. Usable as a context manager."""

    def __init__(
        self,
        ports: Sequence[int] | None = None,
        *,
        workdir: Path | str,
        host: str = "127.0.0.1",
        conversion_timeout: int = DEFAULT_CONVERSION_TIMEOUT,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.ports = list(ports) if ports else default_ports()
        uno_ports = [p + 1 for p in self.ports]
        if len(set(self.ports) | set(uno_ports)) != 2 * len(self.ports):
            raise ValueError("ports must differ by at least 2 (port + 1 is the uno port)")
        self.workdir = Path(workdir).resolve()
        self.host = host
        self.conversion_timeout = conversion_timeout
        self.startup_timeout = startup_timeout
        # A hung instance's single-threaded server stops answering; a busy one answers
        # within its conversion timeout, even with a request or two queued before the ping.
        self.hang_timeout = 2.0 * conversion_timeout + 10.0
        self.instances: list[Instance] = []
        self._stop = threading.Event()
        self._watchers: list[threading.Thread] = []

    @property
    def addresses(self) -> tuple[ConverterAddress, ...]:
        return tuple(ConverterAddress(self.host, port) for port in self.ports)

    @property
    def env_value(self) -> str:
        """The value for TRYGG_CONVERTERS."""
        return ",".join(str(a) for a in self.addresses)

    @property
    def restarts(self) -> int:
        return sum(i.restarts for i in self.instances)

    def pool(self) -> ConverterPool:
        return ConverterPool(self.addresses)

    def start(self, *, wait: bool = True) -> ConverterService:
        uno_python = find_uno_python()
        soffice = find_soffice()
        _check_uno(uno_python)
        for port in self.ports:
            for candidate in (port, port + 1):
                _check_port_free(self.host, candidate)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._stop.clear()
        self.instances = [
            Instance(
                address=ConverterAddress(self.host, port),
                uno_port=port + 1,
                workdir=self.workdir,
                uno_python=uno_python,
                soffice=soffice,
                conversion_timeout=self.conversion_timeout,
            )
            for port in self.ports
        ]
        for instance in self.instances:
            instance.spawn()
            watcher = threading.Thread(
                target=self._watch, args=(instance,), name=f"watch-{instance.address}", daemon=True
            )
            watcher.start()
            self._watchers.append(watcher)
        if wait:
            try:
                self.wait_ready()
            except BaseException:
                self.stop()
                raise
        return self

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until every instance answers (e.g. after a restart)."""
        deadline = time.monotonic() + (timeout or self.startup_timeout)
        while not all(i.ready for i in self.instances):
            if time.monotonic() > deadline or self._stop.is_set():
                raise PdfUnavailable(SERVICE_DID_NOT_START.format(workdir=self.workdir))
            time.sleep(POLL_INTERVAL)

    def stop(self) -> None:
        self._stop.set()
        for watcher in self._watchers:
            watcher.join()
        self._watchers.clear()
        for instance in self.instances:
            instance.kill()

    def __enter__(self) -> ConverterService:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _watch(self, instance: Instance) -> None:
        backoff = 0.5
        next_health_check = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if not instance.running():
                code = instance.process.returncode if instance.process else None
                log.warning("unoserver %s exited (code %s); restarting", instance.address, code)
                instance.kill()
                # A quick crash loop (bad profile, port taken) must not spin the CPU.
                backoff = min(backoff * 2, MAX_BACKOFF) if now - instance.started_at < 30 else 0.5
                if self._stop.wait(backoff):
                    break
                instance.spawn()
                instance.restarts += 1
            elif not instance.ready:
                if instance.ping(timeout=2.0):
                    instance.ready = True
                    next_health_check = now + HEALTH_INTERVAL
                    log.info("unoserver %s ready", instance.address)
                elif now - instance.started_at > self.startup_timeout:
                    log.error("unoserver %s did not start; killing it", instance.address)
                    instance.kill()
            elif now >= next_health_check:
                if not instance.ping(timeout=self.hang_timeout):
                    if self._stop.is_set():
                        break
                    log.error("unoserver %s stopped answering; killing it", instance.address)
                    instance.kill()
                next_health_check = time.monotonic() + HEALTH_INTERVAL
            self._stop.wait(POLL_INTERVAL)


def _check_uno(uno_python: Path) -> None:
    # Fail once with a clear message instead of letting every instance crash-loop.
    probe = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [str(uno_python), "-c", "import uno, unoserver.server"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if probe.returncode != 0:
        raise PdfUnavailable(NO_UNO_PYTHON)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise OSError(PORT_IN_USE.format(port=port)) from None


def _parse_ports(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def run_foreground(service: ConverterService) -> int:
    """Run until SIGINT/SIGTERM; prints the TRYGG_CONVERTERS line the app needs."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        service.start()
    except (PdfUnavailable, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"PDF-tjenesten kjører. {CONVERTERS_ENV}={service.env_value}", flush=True)
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        service.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m trygg.pdf.service",
        description="Kjører LibreOffice-konverterere (unoserver) for PDF/A, under tilsyn.",
    )
    parser.add_argument("--ports", type=_parse_ports, help="f.eks. 2003,2005 (uno-port = port+1)")
    parser.add_argument("--count", type=int, help="antall konverterere (standard: antall kjerner)")
    parser.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workdir", default="instance/lo", help="profiler og logger")
    parser.add_argument(
        "--conversion-timeout", type=int, default=DEFAULT_CONVERSION_TIMEOUT, help="sekunder"
    )
    args = parser.parse_args(argv)
    service = ConverterService(
        args.ports or default_ports(args.count, args.base_port),
        workdir=args.workdir,
        host=args.host,
        conversion_timeout=args.conversion_timeout,
    )
    return run_foreground(service)


if __name__ == "__main__":
    sys.exit(main())
