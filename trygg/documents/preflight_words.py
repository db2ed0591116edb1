"""Norwegian words for what Jinja, python-docx and lxml report in English.

An admin who uploads a template reads every message; a Python exception's text means
nothing to them and may show code. Known messages are said again in Norwegian, naming
the tag or part; anything else becomes a plain sentence without the exception.
"""

from __future__ import annotations

import re

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from trygg.documents.guard import BrokenDocument

_JINJA: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"'([\w.]+)' is undefined", "variabelen «{0}» finnes ikke"),
        (r"has no attribute '(\w+)'", "«{0}» finnes ikke i denne verdien eller raden"),
        (r"Encountered unknown tag '(\w+)'", "ukjent tag «{{% {0} %}}»"),
        (
            r"Jinja was looking for the following tags: '(\w+)'",
            "en tag mangler sin avslutning «{{% {0} %}}»",
        ),
        (r"unexpected end of template", "en tag er ikke avsluttet (mangler «%}» eller «}}»)"),
        (r"unexpected '(.+?)'", "uventet «{0}» i en tag"),
        (r"unexpected char '(.+?)'", "tegnet «{0}» kan ikke stå i en tag"),
        (r"expected token '([^']+)', got '([^']*)'", "uventet «{1}» i en tag"),
        (r"expected token '([^']+)'", "en tag er skrevet feil"),
        (r"tag name expected", "en {% %}-tag mangler navn (for, if, …)"),
        (r"unsafe|not safely callable", "malen bruker noe som ikke er tillatt i en mal"),
    )
)


def jinja_reason(error: TemplateError) -> str:
    """What is wrong with a tag, in Norwegian."""
    message = str(getattr(error, "message", None) or error)
    # The bounded sandbox (trygg.documents.render) refuses in Norwegian already.
    if isinstance(error, SecurityError) and message.startswith("Malen"):
        return message.rstrip(".")
    for pattern, words in _JINJA:
        match = pattern.search(message)
        if match:
            return words.format(*match.groups())
    return "en tag er skrevet feil eller bruker noe malen ikke har"


_PART = re.compile(r"['\"]([\w/\[\]_.-]+\.(?:xml|rels))['\"]")


def unreadable(error: Exception) -> str:
    """Why python-docx could not open a file, naming the part where it says which."""
    match = _PART.search(str(error))
    if match:
        return f"delen «{match.group(1)}» mangler eller er ødelagt. Lagre malen på nytt i Word."
    return "en del av filen mangler eller er ødelagt. Lagre malen på nytt i Word."


def broken_document(error: BrokenDocument) -> str:
    """The guard's Norwegian sentence, without the XML parser's English detail."""
    message = str(error)
    if message.startswith("Ugyldig XML i "):
        part = message.removeprefix("Ugyldig XML i ").split(":", 1)[0]
        return (
            f"Ugyldig XML i {part}. En tag lager noe som ikke er gyldig i Word; "
            "skriv feltene ut som de er."
        )
    return message
