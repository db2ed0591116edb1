"""The web shell every page stands on: extensions, the login gate, one transaction per
request, the error pages, the request size limit, the security headers, the date filters
and the URL converter for ids."""

from __future__ import annotations

from flask import Flask


def install_shell(app: Flask) -> None:
    from web import errors, formatting, lifecycle
    from web.converters import install_converters
    from web.extensions import init_extensions
    from web.headers import install_headers
    from web.limits import install_limits

    init_extensions(app)
    lifecycle.install(app)
    errors.install(app)
    install_limits(app)
    install_headers(app)
    formatting.install(app)
    install_converters(app)
