"""Client side of the warm converter service: a pool of unoserver instances.

An unoserver instance converts one document at a time (its XML-RPC server is
single-threaded), so the pool hands each conversion to an idle instance and makes the
other threads wait. Across worker processes the instances' own request queues serialise
the work; that stays correct, only slower.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
import xmlrpc.client
from collections.abc import Sequence
from dataclasses import dataclass

from trygg.pdf.errors import (
    CRASHED,
    SERVICE_UNREACHABLE,
    TIMED_OUT,
    ConversionFailed,
    PdfUnavailable,
)

CONVERTERS_ENV = "TRYGG_CONVERTERS"
# Asks LibreOffice's PDF export for PDF/A-2b (value 3 would be PDF/A-3).
PDFA_FILTER_OPTIONS = ("SelectPdfVersion=2",)
# How long an instance that refused a connection is skipped (it is probably restarting).
DOWN_FOR_SECONDS = 2.0


class ConvertersUnreachable(PdfUnavailable):
    """No instance accepted a connection; the caller may fall back to a cold soffice."""


@dataclass(frozen=True)
class ConverterAddress:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> ConverterAddress:
        host, _, port = text.strip().rpartition(":")
        if not host or not port.isdecimal():
            raise ValueError(f"converter address must be host:port, got {text!r}")
        return cls(host, int(port))


def parse_converters(value: str) -> tuple[ConverterAddress, ...]:
    """Parse "127.0.0.1:2003,127.0.0.1:2005" (the TRYGG_CONVERTERS format)."""
    return tuple(ConverterAddress.parse(part) for part in value.split(",") if part.strip())


class _TimeoutTransport(xmlrpc.client.Transport):
    # xmlrpc.client has no timeout of its own; a hung instance would block us forever.
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: str | tuple[str, dict[str, str]]) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def server_proxy(address: ConverterAddress, timeout: float) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(
        f"http://{address}", transport=_TimeoutTransport(timeout), allow_none=True
    )


# The connection broke while the instance was working: it died (killed, crashed).
_DIED_MIDWAY = (
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)
# Faults from unoserver that mean LibreOffice itself went away under the conversion.
_DIED_FAULT_MARKERS = ("DisposedException", "bridge", "RuntimeException")


class ConverterPool:
    """Dispatches conversions over unoserver instances, one conversion per instance."""

    def __init__(self, addresses: Sequence[ConverterAddress]) -> None:
        if not addresses:
            raise ValueError("a converter pool needs at least one address")
        self.addresses = tuple(addresses)
        self._ready = threading.Condition()
        self._busy: set[int] = set()
        self._down_until = [0.0] * len(self.addresses)
        self._last_used = [0.0] * len(self.addresses)

    def convert(
        self,
        data: bytes,
        *,
        convert_to: str = "pdf",
        filter_options: Sequence[str] = PDFA_FILTER_OPTIONS,
        timeout: float = 60.0,
    ) -> bytes:
        deadline = time.monotonic() + timeout
        tried: set[int] = set()
        refused_only = True
        retried = False
        while True:
            index = self._acquire(deadline, exclude=tried)
            if index is None:
                if refused_only:
                    raise ConvertersUnreachable(SERVICE_UNREACHABLE)
                raise ConversionFailed(CRASHED)
            tried.add(index)
            address = self.addresses[index]
            try:
                proxy = server_proxy(address, max(deadline - time.monotonic(), 0.1))
                with proxy:
                    result = proxy.convert(
                        None,
                        xmlrpc.client.Binary(data),
                        None,
                        convert_to,
                        None,
                        list(filter_options),
                        True,
                        None,
                        None,
                    )
            except ConnectionRefusedError:
                # Nothing reached the instance, so trying the next one is always safe.
                self._mark_down(index)
                continue
            except _DIED_MIDWAY:
                refused_only = False
                self._mark_down(index)
                if retried:
                    raise ConversionFailed(CRASHED) from None
                retried = True
                continue
            except TimeoutError:
                raise ConversionFailed(TIMED_OUT) from None
            except xmlrpc.client.Fault as fault:
                refused_only = False
                if "TimeoutError" in fault.faultString:
                    # unoserver killed LibreOffice and is exiting; the supervisor restarts it.
                    self._mark_down(index)
                    raise ConversionFailed(TIMED_OUT) from None
                if retried or not any(m in fault.faultString for m in _DIED_FAULT_MARKERS):
                    raise ConversionFailed(CRASHED) from None
                self._mark_down(index)
                retried = True
                continue
            except (xmlrpc.client.ProtocolError, http.client.HTTPException, OSError):
                raise ConversionFailed(CRASHED) from None
            finally:
                self._release(index)
            if not isinstance(result, xmlrpc.client.Binary):
                raise ConversionFailed(CRASHED)
            return result.data

    def _acquire(self, deadline: float, *, exclude: set[int]) -> int | None:
        with self._ready:
            while True:
                candidates = [
                    i
                    for i in range(len(self.addresses))
                    if i not in exclude and i not in self._busy
                ]
                waiting_for = [i for i in self._busy if i not in exclude]
                now = time.monotonic()
                up = [i for i in candidates if self._down_until[i] <= now]
                # A recently refused instance is only tried when nothing else can come free.
                pick = up or (candidates if not waiting_for else [])
                if pick:
                    index = min(pick, key=lambda i: (self._down_until[i], self._last_used[i]))
                    self._busy.add(index)
                    self._last_used[index] = now
                    return index
                if not waiting_for:
                    return None
                remaining = deadline - now
                if remaining <= 0:
                    raise ConversionFailed(TIMED_OUT)
                self._ready.wait(min(remaining, DOWN_FOR_SECONDS))

    def _release(self, index: int) -> None:
        with self._ready:
            self._busy.discard(index)
            self._ready.notify()

    def _mark_down(self, index: int) -> None:
        with self._ready:
            self._down_until[index] = time.monotonic() + DOWN_FOR_SECONDS


_pools: dict[tuple[ConverterAddress, ...], ConverterPool] = {}
_pools_lock = threading.Lock()


def shared_pool(addresses: Sequence[str] | str) -> ConverterPool:
    """The process-wide pool for these addresses ("host:port" strings or one
    comma-separated string, e.g. the app config's ``converters``).

    Shared so that all threads of one process see which instances are busy.
    """
    text = addresses if isinstance(addresses, str) else ",".join(addresses)
    parsed = parse_converters(text)
    with _pools_lock:
        pool = _pools.get(parsed)
        if pool is None:
            pool = _pools[parsed] = ConverterPool(parsed)
        return pool


def pool_from_env() -> ConverterPool | None:
    """The shared pool named by TRYGG_CONVERTERS, or None when it is not set."""
    value = os.environ.get(CONVERTERS_ENV, "").strip()
    return shared_pool(value) if value else None
