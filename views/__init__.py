"""Blueprints, one per area, and the pieces every page shares."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from views import (
        acknowledgements,
        admin,
        admin_calendar,
        admin_school,
        admin_templates,
        alerts,
        auth,
        case_documents,
        case_key,
        case_pdf,
        cases,
        errors,
        home,
        password_links,
        reports,
    )
    from views.headers import install_headers

    app.register_blueprint(auth.bp)
    app.register_blueprint(password_links.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_templates.bp)
    app.register_blueprint(admin_calendar.bp)
    app.register_blueprint(admin_school.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(case_documents.bp)
    app.register_blueprint(case_pdf.bp)
    app.register_blueprint(case_key.bp)
    app.register_blueprint(acknowledgements.bp)
    errors.install(app)
    install_headers(app)
