"""docxtpl rendering: cached template bytes, one shared sandboxed Jinja environment.

A DocxTemplate is built fresh for every render from the cached bytes: a shared instance
is not thread-safe (wrong output, exceptions, even a segfault under load). The Jinja
environment holds no per-render state and is safe to share; the loop budget of one
render lives in a context variable.

The sandbox bounds what a template can build: text and lists made by ``*``, ``+``, ``~``,
``%`` and by calls stay under MAX_TEXT_LENGTH items, ``range`` under MAX_RANGE, all ranges
of one render together under MAX_RANGE_STEPS steps, and integers under MAX_INT_BITS. A
municipality's own template is also rendered in a worker process with memory, CPU and
wall-clock limits (trygg.documents.isolation); these bounds make the common attacks fail
at once, with a reason, instead of at the limit.
"""

import contextvars
import functools
import io
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from trygg.documents.compiled import TemplateCache, render_parts
from trygg.documents.context import DocumentContext
from trygg.documents.package import document_date, finish_package, write_package

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "doc_templates"

# Far above any real document (the longest field is a few thousand characters), far
# below what hurts a server (a few hundred KB).
MAX_TEXT_LENGTH = 200_000
MAX_RANGE = 10_000
MAX_RANGE_STEPS = 100_000
MAX_INT_BITS = 4_096

TOO_LONG = (
    "Malen lager en tekst eller liste som er for lang (over {limit} tegn eller elementer) "
    "med «{operation}». Fjern uttrykket fra malen."
)
RANGE_TOO_LONG = (
    "Malen bruker range() med over {limit} steg. Løkker i en mal skal gå over lister "
    "fra dokumentet, ikke over store tall."
)
TOO_MANY_STEPS = (
    "Malens løkker over range() går til sammen over {limit} steg. Fjern de nestede "
    "løkkene fra malen."
)
NUMBER_TOO_LARGE = "Malen regner ut et for stort tall med «{operation}». Fjern uttrykket."

# A width or precision in a format ("%0999999d", "{:>999999}") allocates before any
# result exists.
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+)?(?:\.(\d+))?|\{[^{}]*:[^{}\d]*(\d+)?(?:\.(\d+))?")


def _refuse(message: str, **params: object) -> SecurityError:
    return SecurityError(message.format(**params))


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


def _check_result(value: Any, operation: str) -> Any:
    if _size(value) > MAX_TEXT_LENGTH:
        raise _refuse(TOO_LONG, limit=f"{MAX_TEXT_LENGTH:,}".replace(",", " "), operation=operation)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _refuse(NUMBER_TOO_LARGE, operation=operation)
    return value


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], operation: str) -> None:
    """Refuse before the work: 'x'.ljust(10**9) would allocate a gigabyte first."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_TEXT_LENGTH:
            raise _refuse(
                TOO_LONG, limit=f"{MAX_TEXT_LENGTH:,}".replace(",", " "), operation=operation
            )


def _check_format(template: object, operation: str) -> None:
    if isinstance(template, str):
        for match in _FORMAT_WIDTH.finditer(template):
            widths = [int(g) for g in match.groups() if g]
            if any(w > MAX_TEXT_LENGTH for w in widths):
                raise _refuse(
                    TOO_LONG, limit=f"{MAX_TEXT_LENGTH:,}".replace(",", " "), operation=operation
                )


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse before computing: 'x' * 1500000000 must never be built."""
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(count, int) and _size(sequence) * max(count, 0) > MAX_TEXT_LENGTH:
                raise _refuse(
                    TOO_LONG, limit=f"{MAX_TEXT_LENGTH:,}".replace(",", " "), operation="*"
                )
    elif operator == "+":
        if _size(left) + _size(right) > MAX_TEXT_LENGTH:
            raise _refuse(TOO_LONG, limit=f"{MAX_TEXT_LENGTH:,}".replace(",", " "), operation="+")
    elif operator == "**":
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * abs(left).bit_length() > MAX_INT_BITS
        ):
            raise _refuse(NUMBER_TOO_LARGE, operation="**")
    elif operator == "%":
        _check_format(left, "%")


class _RangeBudget:
    """The steps all ranges of one render may still take (nested loops multiply)."""

    def __init__(self) -> None:
        self.left = MAX_RANGE_STEPS

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _refuse(TOO_MANY_STEPS, limit=f"{MAX_RANGE_STEPS:,}".replace(",", " "))


_range_budget: contextvars.ContextVar[_RangeBudget | None] = contextvars.ContextVar(
    "trygg_range_budget", default=None
)


class BoundedRange:
    """range() for templates: at most MAX_RANGE long, and every step it takes is counted
    against the render's budget, however often the same range is looped over."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RANGE:
            raise _refuse(RANGE_TOO_LONG, limit=f"{MAX_RANGE:,}".replace(",", " "))

    def _counted(self, steps: Iterator[int]) -> Iterator[int]:
        budget = _range_budget.get()
        for step in steps:
            if budget is not None:
                budget.take()
            yield step

    def __iter__(self) -> Iterator[int]:
        return self._counted(iter(self._range))

    def __reversed__(self) -> Iterator[int]:
        return self._counted(reversed(self._range))

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, value: object) -> bool:
        return value in self._range

    def __getitem__(self, index: int) -> int:
        return self._range[index]


class _BoundedCodeGenerator(CodeGenerator):
    # "~" compiles to a join the sandbox never sees; its result is checked here.
    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    # The filtered value comes first, after the context or environment if jinja passes one.
    value_at = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)  # keeps jinja's pass_context/pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[value_at + 1 :], kwargs, name)
        if name == "format" and len(args) > value_at:
            _check_format(args[value_at], name)
        return _check_result(function(*args, **kwargs), name)

    return bounded


class BoundedSandboxedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox plus bounds on what a template may build (see the module doc)."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = BoundedRange
        self.filters = {
            name: _bounded_filter(name, function) for name, function in self.filters.items()
        }

    def call_binop(self, context: JinjaContext, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _check_result(super().call_binop(context, operator, left, right), operator)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # "{:>999999999}".format(1): the sandbox wraps str.format when it is looked up.
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__, value.__name__)
        return wrapped

    def checked_concat(self, value: str) -> str:
        return _check_result(value, "~")  # type: ignore[no-any-return]

    def call(
        __self,  # jinja's own names, so keyword arguments of the call pass through
        __context: JinjaContext,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        name = getattr(__obj, "__name__", "kall")
        if __obj is not BoundedRange:
            _check_arguments(args, kwargs, name)
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_result(result, name)


# autoescape: & < > in user text must be text, not XML. StrictUndefined: a template
# variable the context lacks is an error, not an empty hole in a legal document.
# Sandboxed and bounded: municipalities may upload templates.
JINJA_ENV = BoundedSandboxedEnvironment(
    autoescape=True,
    undefined=StrictUndefined,
    finalize=lambda value: "" if value is None else value,
)

_cache: dict[Path, bytes] = {}
_cache_lock = threading.Lock()


def template_path(kind: str, template_dir: Path | None = None) -> Path:
    return (template_dir or DEFAULT_TEMPLATE_DIR) / f"{kind}.docx"


def template_bytes(path: Path) -> bytes:
    """The template file's bytes, read once per process."""
    key = path.resolve()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = key.read_bytes()
            _cache[key] = cached
        return cached


def clear_template_cache() -> None:
    """For an admin who replaced a template on disk."""
    with _cache_lock:
        _cache.clear()
    _compiled.clear()


_compiled = TemplateCache()


def render_finished(template: bytes, context: DocumentContext, subject: str) -> bytes:
    """The finished package (trygg.documents.package) of ``context`` in ``template``.

    The same bytes as finish_package(render_docx(...)), with the per-template work of
    docxtpl done once per template (trygg.documents.compiled)."""
    compiled = _compiled.get(template, JINJA_ENV)
    if compiled is None:
        return finish_package(
            render_docx(template, context.variables, context.title, subject), context
        )
    budget = _range_budget.set(_RangeBudget())
    try:
        parts = render_parts(
            compiled, context.variables, context.title, subject, document_date(context)
        )
    finally:
        _range_budget.reset(budget)
    return write_package(parts)


def render_docx(template: bytes, context: dict[str, Any], title: str, subject: str) -> bytes:
    """Render a template to .docx bytes with docxtpl itself and set neutral properties."""
    document = DocxTemplate(io.BytesIO(template))
    budget = _range_budget.set(_RangeBudget())
    try:
        document.render(context, jinja_env=JINJA_ENV, autoescape=True)
    finally:
        _range_budget.reset(budget)
    # Properties are set here, never through Jinja: docxtpl would escape them twice,
    # and an author must not be a person's name in a document sent home.
    props = document.docx.core_properties
    props.title = title
    props.subject = subject
    props.author = "Trygg"
    props.last_modified_by = "Trygg"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.identifier = ""
    props.language = "nb-NO"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
