"""The web shell every page stands on: extensions, the login gate, one transaction per
request, the error pages, the security headers, and the date filters."""

from __future__ import annotations

from flask import Flask


def install_shell(app: Flask) -> None:
    from web import errors, formatting, lifecycle
    from web.extensions import init_extensions
    from web.headers import install_headers

    init_extensions(app)
    lifecycle.install(app)
    errors.install(app)
    install_headers(app)
    formatting.install(app)
