"""The feature packages' blueprints. Each package (auth, admin, reports, cases, documents,
acknowledgements) sits beside its forms in forms/ and its templates in templates/; the
plumbing every page shares is in web/."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from views import home
    from views.acknowledgements import pages as acknowledgements
    from views.admin import access, days_off, school_settings, templates, users
    from views.auth import login, password_links
    from views.cases import alerts, key
    from views.cases import pages as cases
    from views.documents import pages as documents
    from views.documents import pdf
    from views.reports import pages as reports

    for blueprint in (
        login.bp,
        password_links.bp,
        home.bp,
        users.bp,
        templates.bp,
        days_off.bp,
        school_settings.bp,
        access.bp,
        reports.bp,
        cases.bp,
        alerts.bp,
        documents.bp,
        pdf.bp,
        key.bp,
        acknowledgements.bp,
    ):
        app.register_blueprint(blueprint)
