"""Error pages in Norwegian. A CSRF failure explains itself instead of a bare 400."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from trygg.errors import NotAllowed, NotFound

MESSAGES = {
    400: ("Noe var galt med forespørselen", "Prøv igjen fra forrige side."),
    403: ("Ingen tilgang", "Du har ikke tilgang til denne siden."),
    404: ("Siden finnes ikke", "Sjekk adressen, eller gå tilbake til forsiden."),
    405: ("Ikke tillatt", "Denne handlingen kan ikke gjøres slik."),
    413: ("Filen er for stor", "Filen kan være høyst 16 MB."),
    500: ("Noe gikk galt hos oss", "Feilen er logget. Prøv igjen om litt."),
}


def _page(status: int, detail: str | None = None) -> tuple[str, int]:
    title, text = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=gettext(title), text=detail or gettext(text)
        ),
        status,
    )


def install(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        app.logger.warning("CSRF refused: %s", error.description)
        return _page(
            400,
            gettext(
                "Skjemaet kunne ikke sendes fordi sikkerhetsnøkkelen mangler eller er utløpt. "
                "Gå tilbake, last siden på nytt og send igjen."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return _page(error.code or 500)

    @app.errorhandler(NotAllowed)
    def not_allowed(error: NotAllowed) -> tuple[str, int]:
        return _page(403)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[str, int]:
        return _page(404)
