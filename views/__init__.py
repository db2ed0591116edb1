"""Blueprints, one per area, and the pieces every page shares."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from views import admin, auth, errors, home
    from views.headers import install_headers

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(admin.bp)
    errors.install(app)
    install_headers(app)
