"""Work with a template that is not Trygg's own, in a worker process with limits.

A municipality's Word template is a program: docxtpl runs its Jinja code, and python-docx
and lxml parse whatever the package holds. One template froze a whole server for 22
minutes (2,000,000 empty paragraphs), another asked for 7.7 GB. So the pre-flight of an
upload, and every later render with an uploaded template, runs in a worker process with
an address-space limit (RLIMIT_AS), a CPU-time limit (RLIMIT_CPU) and a wall-clock limit
(the parent kills the worker), from `Settings.render_limits`. A template that goes over
is refused with the limit it broke (RenderLimitExceeded); the web worker that waits for
it keeps its other threads, and the server keeps answering.

Trygg's own templates (doc_templates/) render in the web process: they are code we wrote.
"""

from __future__ import annotations

import pickle
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import TemplateError

from trygg.config import RenderLimits, TemplateLimits
from trygg.errors import DomainError

if TYPE_CHECKING:
    from trygg.documents.context import DocumentContext
    from trygg.documents.preflight import PreflightReport
    from trygg.documents.service import RenderedDocument

T = TypeVar("T")

MEMORY = (
    "Malen bruker for mye minne (over %(limit)d MB) når den fylles ut, og kan ikke "
    "brukes. Fjern store bilder, svært mange avsnitt eller tunge uttrykk fra malen."
)
CPU = (
    "Malen bruker for mye regnetid (over %(limit)d sekunder) når den fylles ut, og kan "
    "ikke brukes. Fjern svært mange avsnitt, nestede løkker eller tunge uttrykk fra malen."
)
WALL = (
    "Malen ble ikke ferdig utfylt innen %(limit)d sekunder, og kan ikke brukes. Fjern "
    "svært mange avsnitt, nestede løkker eller tunge uttrykk fra malen."
)
CRASHED = (
    "Malen stoppet programmet som fyller den ut (kode %(code)s), og kan ikke brukes. "
    "Lagre malen på nytt i Word og prøv igjen."
)
LIBREOFFICE_FAILED = "LibreOffice klarte ikke å åpne det utfylte dokumentet: {error}"

# What a worker that ran out of memory may report instead of a plain MemoryError.
_MEMORY_SIGNS = ("MemoryError", "Memory allocation failed", "Cannot allocate memory")

# The worker runs from the repository root, so it imports this very package.
_ROOT = Path(__file__).resolve().parents[2]
_WORKER = "from trygg.documents.isolation import _worker_main; _worker_main()"

_limits = RenderLimits()


class RenderLimitExceeded(DomainError):
    """A template went over a render limit (memory, CPU time, wall-clock time) or
    crashed the worker; the message says which, in Norwegian."""


def configure(limits: RenderLimits) -> None:
    """Set the limits for this process (create_app does, from Settings.render_limits)."""
    global _limits
    _limits = limits


def current_limits() -> RenderLimits:
    return _limits


def _portable(error: BaseException) -> BaseException:
    """The error as the parent can unpickle it; otherwise a plain one with its text."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    except Exception:  # whatever a third-party exception does when pickled
        text = f"{type(error).__name__}: {error}"
        if isinstance(error, TemplateError):
            return TemplateError(text)
        if isinstance(error, DomainError):
            return DomainError(str(error))
        return RuntimeError(text)
    return error


def _worker_main() -> None:
    """The worker: limits first, then the job from stdin, the outcome to stdout."""
    limits, function, args = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our parent
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Soft limit: SIGXCPU ends the worker; the hard limit one second later is SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", function(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as error:  # carried to the parent, which raises it
        if any(sign in f"{type(error).__name__}: {error}" for sign in _MEMORY_SIGNS):
            outcome = ("memory", None)
        else:
            outcome = ("raise", _portable(error))
    if outcome[0] != "memory" and _peak_address_space() >= 0.9 * memory:
        # Allocations failed inside a library that reported something else (lxml: "a part
        # of the file is missing"), or the pre-flight turned it into a finding.
        outcome = ("memory", None)
    try:
        data = pickle.dumps(outcome)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _peak_address_space() -> int:
    """The worker's largest address space so far, in bytes (Linux: VmPeak)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_limited(function: Callable[..., T], *args: Any, limits: RenderLimits | None = None) -> T:
    """Call `function(*args)` in a worker process within `limits` (default: configured).

    `function` must be a module-level function and its arguments and result picklable.
    Raises what the function raised, or RenderLimitExceeded.

    The worker is a fresh interpreter (`python -c …_worker_main()`, about 0.3 s
    to import the engine), not a multiprocessing child: spawn and forkserver re-run the
    parent's main script in every child (gunicorn's, flask's, a benchmark's), and fork
    copies a threaded web worker's locks.
    """
    limits = limits or _limits
    job = pickle.dumps((limits, function, args))
    worker = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", _WORKER],
        cwd=_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        output, _ = worker.communicate(job, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        raise RenderLimitExceeded(WALL, limit=limits.wall_seconds) from None
    finally:
        if worker.poll() is None:  # an exception in communicate() itself
            worker.kill()
            worker.wait()
    if not output:
        if worker.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise RenderLimitExceeded(CPU, limit=limits.cpu_seconds)
        raise RenderLimitExceeded(CRASHED, code=worker.returncode)
    status, value = pickle.loads(output)  # noqa: S301 - our own worker's answer
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "memory":
        raise RenderLimitExceeded(MEMORY, limit=limits.memory_mb)
    raise value


# --- what runs in the worker ----------------------------------------------------------------


def _render_in_worker(context: DocumentContext, template: bytes) -> RenderedDocument:
    from trygg.documents.service import render_context

    return render_context(context, template)


def _preflight_in_worker(
    docx_bytes: bytes, kind: str, keep_rendered: bool, limits: TemplateLimits | None
) -> tuple[PreflightReport, bytes | None]:
    from trygg.documents.preflight import check_template

    rendered: list[bytes] = []
    report = check_template(
        docx_bytes,
        kind,
        open_with_libreoffice=rendered.append if keep_rendered else None,
        limits=limits,
    )
    return report, (rendered[0] if rendered else None)


def render_limited(context: DocumentContext, template: bytes) -> RenderedDocument:
    """render_context in a worker within the limits: for templates that are not Trygg's."""
    return run_limited(_render_in_worker, context, template)


def check_template_limited(
    docx_bytes: bytes,
    kind: str,
    open_with_libreoffice: Callable[[bytes], None] | None = None,
    *,
    limits: TemplateLimits | None = None,
) -> PreflightReport:
    """check_template in a worker within the render limits; a template that goes over one
    is refused with the limit's reason as a finding. `limits` are the package limits
    check_template takes.

    The LibreOffice step runs here, in the parent, on the rendered test document the
    worker hands back: it talks to the converter service, which has its own timeout.
    """
    from trygg.documents.preflight import PreflightReport

    try:
        report, rendered = run_limited(
            _preflight_in_worker, docx_bytes, kind, open_with_libreoffice is not None, limits
        )
    except RenderLimitExceeded as error:
        report = PreflightReport(kind)
        report.error(str(error))
        return report
    if rendered is not None and open_with_libreoffice is not None:
        try:
            open_with_libreoffice(rendered)
        except Exception as error:  # the hook is someone else's converter
            report.error(LIBREOFFICE_FAILED.format(error=error))
    return report
