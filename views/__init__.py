"""The feature packages' blueprints. Each package (auth, admin, reports, cases, documents,
acknowledgements) sits beside its forms in forms/ and its templates in templates/; the
plumbing every page shares is in web/."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from views import home
    from views.acknowledgements import pages as acknowledgements
    from views.admin import (
        access,
        days_off,
        feide_settings,
        pupils,
        school_settings,
        templates,
        users,
    )
    from views.auth import feide, login, password_links
    from views.cases import alerts, closing, guardians, key, merge, notes
    from views.cases import pages as cases
    from views.documents import pages as documents
    from views.documents import pdf
    from views.jobs import invitations as job_invitations
    from views.jobs import pages as jobs
    from views.measures import pages as measures
    from views.overview import pages as overview
    from views.reports import pages as reports

    for blueprint in (
        login.bp,
        feide.bp,
        password_links.bp,
        home.bp,
        users.bp,
        templates.bp,
        days_off.bp,
        school_settings.bp,
        feide_settings.bp,
        access.bp,
        pupils.bp,
        reports.bp,
        cases.bp,
        alerts.bp,
        closing.bp,
        notes.bp,
        merge.bp,
        guardians.bp,
        documents.bp,
        pdf.bp,
        key.bp,
        measures.bp,
        acknowledgements.bp,
        overview.bp,
        jobs.bp,
        job_invitations.bp,
    ):
        app.register_blueprint(blueprint)
