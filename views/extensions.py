"""The Flask extensions, created once and bound to each app in init_extensions."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from trygg.models import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate(render_as_batch=True, compare_type=True)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nb")
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"))
    # The login gate must run before CSRF, so an anonymous POST is sent to the login page
    # and a wrong role gets 403, whatever the form carried.
    from views.access import install_gate

    install_gate(app)
    csrf.init_app(app)
