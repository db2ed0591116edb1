"""The base form: every text field is stripped and cleaned before validation."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

# Characters XML (and so Word) cannot hold, and lone surrogates; see tech-notes §1.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _XML_ILLEGAL.sub("", value)).strip()


def restored_formdata() -> MultiDict[str, str] | None:
    """What the user had typed when their session ran out, if this page has it."""
    if not has_request_context() or request.method != "GET":
        return None
    fields = g.get("restored_form")
    if not fields:
        return None
    return MultiDict([(key, value) for key, values in fields.items() for value in values])


class BaseForm(FlaskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # After a session timeout the form comes back with the text typed before it.
        restored = restored_formdata() if not args and "formdata" not in kwargs else None
        if restored is not None:
            kwargs["formdata"] = restored
        super().__init__(*args, **kwargs)

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class.__name__ in ("StringField", "TextAreaField", "EmailField"):
                filters.append(clean_text)
            return unbound_field.bind(form=form, filters=filters, **options)
