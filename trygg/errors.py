"""Domain errors carry a Norwegian message id and its parameters; the web layer translates
them (one translation layer), the CLI prints them."""

from __future__ import annotations


class DomainError(Exception):
    """`field` names the input the message is about, so a form can show it there."""

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


class NotAllowed(DomainError):
    """The user may not do this. Views turn it into 403."""


class NotFound(DomainError):
    """No such object, or one the user may not know exists. Views turn it into 404."""
