"""The Flask extensions, created once and bound to each app in init_extensions."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from database import db, migrate

csrf = CSRFProtect()
babel = Babel()


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nb")
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    # The login gate must run before CSRF, so an anonymous POST is sent to the login page
    # and a wrong role gets 403, whatever the form carried.
    from web.gate import install_gate

    install_gate(app)
    csrf.init_app(app)
