"""Choosing a register pupil on the case's "Knytt … til elevregisteret" pages (issue 13):
one search-then-choose for tying the case's pupil (merge.link) and another pupil of the
case (merge.link_person), and its template macro in templates/cases/register/_choose.html.

Without JavaScript the "Søk" button posts the search and the page lists the matches as
radio buttons to choose from. static/js/pupil_search.js sends the same search as the user
types (the whole form, with search_pupil and pupil_search) and asks for JSON: the answer
the meldeskjema's search gets (views.reports.pupil_picking.matches_json). A pick there
fills the search form's hidden pupil_id, and its "Knytt til eleven" button chooses.

The search goes in the POST body, never the address: a pupil's name in a URL ends up in
proxy and access logs. Every search that showed pupils is audited, as the reporter's is
(trygg.pupils.report_search)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from werkzeug.wrappers import Response

from database import db
from forms.case_register import LinkPupilForm
from trygg.errors import Refused
from trygg.models import Case
from trygg.pupils.register import search
from trygg.pupils.report_search import find_for_report
from views.cases.loading import now
from views.reports.pupil_picking import matches_json, pupil_label, pupil_match, wants_json
from web.form_errors import show_error
from web.gate import audit_initiator

NOTHING_CHOSEN = "Søk etter eleven og velg henne eller ham."


@dataclass(frozen=True)
class RegisterChoice:
    form: LinkPupilForm
    query: str
    # The register pupil a POST chose: one of the matches of the search it carries.
    chosen: int | None

    def page(self) -> dict[str, Any]:
        """What templates/cases/register/_choose.html's macro shows."""
        return {"form": self.form, "query": self.query, "searched": bool(self.query)}


def register_choice(case: Case) -> RegisterChoice | Response:
    """The search and the choice a request carries, among the active pupils of the case's
    school; or, for the script's search, the JSON answer. A POST that chooses no pupil, or
    one the search does not show (a stale pick, a changed id), is refused at the field."""
    query = _query()
    searching = _searching()
    if searching:
        found = find_for_report(db.session, case.school_id, query, audit_initiator(), now())
        if wants_json():
            return matches_json([pupil_match(p) for p in found])
    else:
        # Choosing: the matches are shown again only if the choice is refused, and then
        # the request's changes (an audit event among them) are discarded anyway.
        found = search(db.session, case.school_id, query) if query else []
    form = LinkPupilForm()
    form.pupil_id.choices = [(str(p.id), pupil_label(p)) for p in found]
    chosen = None
    if not searching and form.validate_on_submit():
        chosen = form.chosen()
        if chosen not in {p.id for p in found}:
            chosen = None
            show_error(form, Refused(NOTHING_CHOSEN, field="pupil_id"))
    return RegisterChoice(form, query, chosen)


def _query() -> str:
    if request.method != "POST":
        return ""
    # The script sends the field's text trimmed as pupil_search; the page's own form, q.
    return (request.form.get("pupil_search") or request.form.get("q") or "")[:100]


def _searching() -> bool:
    """A POST only searches when its button was «Søk» (search_pupil, as the script sends
    it; action=search from a page rendered before the script came), else it chooses."""
    return request.method == "POST" and (
        "search_pupil" in request.form or request.form.get("action") == "search"
    )
