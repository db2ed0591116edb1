"""Builds the Trygg application: configuration, extensions, blueprints, error pages, CLI."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from trygg.accounts.passwords import Passwords
from trygg.config import ConfigError, Settings, settings_from_env
from trygg.documents import isolation

ROOT = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        try:
            settings = settings_from_env(os.environ, ROOT)
        except ConfigError as error:
            # Refuse to start with the reason alone: a traceback buries it, for the
            # operator of gunicorn and for someone trying `flask render` alike.
            raise SystemExit(f"Trygg starter ikke: {error}") from error
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    from web.limits import MAX_REQUEST_BYTES

    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="trygg_session",
        # A plan can take longer than an hour to write; the token lives as long as the login.
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="nb",
        BABEL_DEFAULT_TIMEZONE="Europe/Oslo",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        # What the largest text form needs; the upload pages raise it for themselves.
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    app.extensions["trygg.settings"] = settings
    app.extensions["trygg.passwords"] = Passwords(settings.password_hashing)
    # Renders with uploaded templates run in worker processes within these limits.
    isolation.configure(settings.render_limits)
    if os.environ.get("TRUSTED_PROXIES"):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=int(os.environ["TRUSTED_PROXIES"]), x_proto=1, x_host=1
        )

    from views import register_views
    from web import install_shell

    # Before the views: their rules name the `id` converter.
    install_shell(app)
    register_views(app)

    from commands import register_commands

    register_commands(app)
    return app
