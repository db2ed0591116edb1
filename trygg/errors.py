"""Every error the domain raises on purpose shares one root, DomainError.

A domain error carries a Norwegian message id and its parameters; the web layer translates
it (one translation layer) and the CLI prints it. The kinds below say what went wrong, and
so how a user meets it; `web/errors.py` maps each kind to one page, in one place:

- Refused: a rule refused what the user asked or typed. A form shows it beside the field
  it names (`field`); anywhere else it is a page with the reason.
- NotAllowed / NotFound: 403 / 404. A case the user may not see is NotFound, so its
  existence cannot be probed.
- The document, archive, PDF and e-mail failures are subclasses defined beside the code
  that raises them (DocumentProblems, NameLeak, EditConflict, ArchiveDamaged, PdfError,
  InvalidInput, BrokenDocument, UnreadableDocument, AmbiguousName, NamesToCheck,
  PlanSuperseded, MailError); each has its own page.

Views catch only Refused (to show it on their form) and the few kinds a page shows in
its own way (EditConflict, NamesToCheck); everything else reaches the one mapping.
"""

from __future__ import annotations


class DomainError(Exception):
    """`field` names the input the message is about, so a form can show it there."""

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class Refused(DomainError):
    """A rule refused the request: wrong input, a step out of order, a duplicate."""


class NotAllowed(DomainError):
    """The user may not do this. The web layer answers 403."""


class NotFound(DomainError):
    """No such object, or one the user may not know exists. The web layer answers 404."""
