"""Issue 13 over HTTP: the other pupils of a meldeskjema picked from the school's register
per row, without JavaScript ("Søk i elevregisteret", "Velg …", "Velg en annen elev" on
each row, everything typed kept), and what filing does with the pick: the case's person
is the picked register pupil (also when two pupils share the name), their register
guardians come in labelled, and a forged or repeated pick files nothing."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin_pages import audit_events, error_summary, input_value, selected_option
from tests.conftest import csrf_token, log_in
from tests.factories.cases import BY, NOW
from tests.factories.users import school
from tests.pupil_files import HEADER
from tests.report_pages import NEW, report_data
from trygg.models import Case, Pupil
from trygg.pupils import register
from trygg.pupils.import_csv import parse_register_csv

# Two pupils called Lea Holm: a name alone cannot tell them apart.
REGISTER = (
    f"{HEADER}\n"
    "Lea;Holm;14.03.2015;6B;Kari Holm;kari@example.no;;ja;\n"
    "Lea;Holm;02.05.2016;5A;Ola Holm;ola@example.no;;ja;\n"
    "Leo;Lie;01.02.2015;5A;Anne Lie;anne@example.no;;ja;\n"
)
# The free text names nobody, so no name question stands between the form and the case.
NEUTRAL = {"account": "Eleven sa at de andre ikke lar henne være med.", "intervention": ""}
NOT_IN_REGISTER = "Eleven finnes ikke i elevregisteret ved skolen."
PICKED = "Fra elevregisteret: <strong>"


@pytest.fixture
def pupils(session: Session, demo: dict[str, str]) -> dict[str, int]:
    """The pupils' ids as "Lea Holm 5A"; Ola Lie is Vestre Aker's."""
    for name, text in (
        ("Nordpolen skole", REGISTER),
        ("Vestre Aker skole", f"{HEADER}\nOla;Lie;01.01.2015;6B;;;;;\n"),
    ):
        records = parse_register_csv(text).pupils
        register.apply_import(session, school(session, name).id, records, BY, NOW, "csv")
    session.commit()
    rows = session.execute(select(Pupil.first_name, Pupil.last_name, Pupil.class_name, Pupil.id))
    return {f"{first} {last} {klass}": pupil_id for first, last, klass, pupil_id in rows}


def row(index: int, name: str, role: str = "medelev", **more: str) -> dict[str, str]:
    fields = {"name": name, "role": role, "aliases": "", **more}
    return {f"others-{index}-{key}": value for key, value in fields.items()}


# The form as the reporter left it: one row for another pupil, the second row empty.
def form(**changes: object) -> dict[str, object]:
    blank = {"others-1-name": "", "others-1-role": "", "others-1-aliases": ""}
    return {**NEUTRAL, **row(0, "Lea Holm"), **blank, **changes}


def post(client: FlaskClient, fields: dict[str, object]) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, NEW), **report_data(**fields)}
    response = client.post(NEW, data=data)
    return response.status_code, response.get_data(as_text=True)


def shown(client: FlaskClient, fields: dict[str, object]) -> str:
    status, page = post(client, fields)
    assert status == 200
    return page


def cases(session: Session) -> int:
    return session.scalar(select(func.count(Case.id))) or 0


def test_a_row_searched_and_picked_ties_the_case_to_that_pupil_and_brings_the_guardians(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    lea_5a = pupils["Lea Holm 5A"]
    typed = {"arena_detail": "ved sykkelstativet i gården"}
    page = shown(client, form(search_other="0", **typed))
    # Both pupils called Lea Holm, each a button that names the row and the pupil.
    assert f'name="pick_other" value="0:{lea_5a}"' in page
    assert "Velg Lea Holm, 6B" in page and "Velg Lea Holm, 5A" in page
    assert "ved sykkelstativet i gården" in html.unescape(page)
    assert audit_events(session, "pupils.searched")  # the same audited search

    page = shown(client, form(pick_other=f"0:{lea_5a}", **typed))
    assert re.search(r"Fra elevregisteret: <strong>Lea Holm</strong>, 5A", page)
    assert input_value(page, "others-0-pupil_id") == str(lea_5a)
    assert 'name="clear_other" value="0"' in page
    assert selected_option(page, "others-0-role") == "medelev"  # still the reporter's
    assert "ved sykkelstativet i gården" in html.unescape(page)
    assert cases(session) == 0

    status, page = post(client, form(send="1", **row(0, "Lea Holm", pupil_id=str(lea_5a))))
    assert status == 302, error_summary(page)
    (case,) = session.execute(select(Case)).scalars()
    lea = next(a for a in case.actors if a.name == "Lea Holm")
    assert (lea.pupil_id, lea.label) == (lea_5a, "Elev A")
    people = {a.name: (a.label, a.guardian_of) for a in case.actors}
    assert people["Ola Holm"] == ("Foresatt til Elev A", lea.key)
    assert "Kari Holm" not in people  # the other Lea's mother


def test_the_name_check_knows_the_picked_pupils_guardians(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    # Ola Holm is the 5A Lea's father, which the name "Lea Holm" alone cannot tell: so
    # "Ola" in the text is him or Ola Dahl only when the name check uses the pick.
    log_in(client, demo["ansatt"])
    rows = {**row(0, "Lea Holm", pupil_id=str(pupils["Lea Holm 5A"])), **row(1, "Ola Dahl")}
    called = "Ola ringte skolen samme kveld."
    status, page = post(client, form(send="1", intervention=called, **rows))
    assert status == 200
    assert "Hvilken Ola mener du?" in page
    assert "Ola Holm" in page and "Ola Dahl" in page
    assert cases(session) == 0


def posted_rows(page: str) -> dict[str, str | None]:
    """The other pupils' rows as the page would post them: name and role by input name."""
    names = re.findall(r'name="(others-\d+-(?:name|aliases|pupil_id))"[^>]*value="([^"]*)"', page)
    roles = re.findall(r'name="(others-\d+-role)"', page)
    # report_data's own rows are left out: these are all the page has.
    none = {f"others-{n}-{key}": None for n in (0, 1) for key in ("name", "role", "aliases")}
    posted = {key: html.unescape(value) for key, value in names}
    return {**none, **posted, **dict.fromkeys(roles, "vitne")}


def test_a_row_is_found_by_its_index_in_the_page_after_rows_were_removed(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    leo = pupils["Leo Lie 5A"]
    three = {**row(0, "Jonas Berg", aliases="Jonte"), **row(1, "Emma Lie"), **row(2, "leo")}
    # Removed by the server, row 1 leaves a gap in the page: rows 0 and 2.
    page = shown(client, {**NEUTRAL, **three, "remove_row": "1"})
    rows = posted_rows(page)
    assert rows["others-1-name"] is None and rows["others-2-name"] == "leo"
    # Each button names its row as the page numbers it; the answer numbers them afresh.
    page = shown(client, {**NEUTRAL, **rows, "search_other": "2"})
    assert 'name="pick_other" value="0:' not in page
    button = page.index(f'name="pick_other" value="1:{leo}"')
    assert page.index('name="others-1-name"') < button < page.index('name="others-1-role"')
    page = shown(client, {**NEUTRAL, **rows, "pick_other": f"2:{leo}"})
    assert input_value(page, "others-1-pupil_id") == str(leo)
    assert input_value(page, "others-1-name") == "Leo Lie"  # the register's spelling
    assert input_value(page, "others-0-pupil_id") == ""
    assert input_value(page, "others-0-name") == "Jonas Berg"
    assert input_value(page, "others-0-aliases") == "Jonte"
    # "Fjern raden" on the row after the gap removes that row, not another.
    page = shown(client, {**NEUTRAL, **rows, "remove_row": "2"})
    assert {k: v for k, v in posted_rows(page).items() if v} == {
        "others-0-name": "Jonas Berg",
        "others-0-aliases": "Jonte",
        "others-0-role": "vitne",
    }
    # A button for a row that is not there ties nothing.
    page = shown(client, {**NEUTRAL, **rows, "pick_other": f"1:{leo}"})
    assert PICKED not in page


def test_no_match_says_the_name_may_stay_and_a_cleared_row_keeps_the_name(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    page = shown(client, form(search_other="0", **row(0, "Nora Dahl")))
    assert "Ingen elever i registeret passer." in page
    assert "la navnet stå slik du skrev det" in page
    assert input_value(page, "others-0-name") == "Nora Dahl"

    leo = str(pupils["Leo Lie 5A"])
    page = shown(client, form(clear_other="0", **row(0, "Leo Lie", pupil_id=leo)))
    assert PICKED not in page
    assert 'name="others-0-pupil_id" type="hidden" value=""' in page
    assert input_value(page, "others-0-name") == "Leo Lie"
    # Typed, not picked: the row's search button is there again.
    assert 'name="search_other" value="0"' in page


def test_a_forged_pick_is_refused_at_the_row_and_nothing_is_filed(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    other_school = str(pupils["Ola Lie 6B"])
    page = shown(client, form(pick_other=f"0:{other_school}"))
    assert NOT_IN_REGISTER in page and "Ola Lie" not in page
    assert 'name="others-0-pupil_id" type="hidden" value=""' in page
    for value in (other_school, "999999", "abc"):
        status, page = post(client, form(send="1", **row(0, "Lea Holm", pupil_id=value)))
        assert status == 200, value
        summary = error_summary(page)
        assert "Annen elev 1" in summary and NOT_IN_REGISTER in summary, value
        assert "Ola Lie" not in page
        assert "Lea Holm" in page  # what was typed is kept
    assert cases(session) == 0


def test_the_same_register_pupil_twice_is_refused_at_the_row(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    log_in(client, demo["ansatt"])
    leo = str(pupils["Leo Lie 5A"])
    both = {**row(0, "Leo Lie", pupil_id=leo), **row(1, "Leo Lie", "vitne", pupil_id=leo)}
    status, page = post(client, form(send="1", **both))
    assert status == 200
    assert "Annen elev 2" in error_summary(page)
    assert "Leo Lie er valgt på en annen rad også." in error_summary(page)
    # The report's own pupil picked again on a row.
    main = {"pupil_id": leo, "pupil_name": "Leo Lie", "pupil_class": "5A"}
    status, page = post(client, form(send="1", **main, **row(0, "Leo Lie", pupil_id=leo)))
    assert status == 200
    assert "Leo Lie er eleven meldingen gjelder." in error_summary(page)
    # Picking answers so at once, and leaves the row as it was.
    page = shown(client, form(**main, pick_other=f"0:{leo}"))
    assert "Leo Lie står allerede i meldingen." in page
    assert input_value(page, "others-0-name") == "Lea Holm"
    assert cases(session) == 0


def test_changed_row_buttons_never_give_an_error_page(
    client: FlaskClient, session: Session, demo: dict[str, str], pupils: dict[str, int]
) -> None:
    """The row buttons carry a row index (and a pupil id) a hostile user may change: the
    form comes back as it was typed, never a 500, and nothing is filed or tied."""
    log_in(client, demo["ansatt"])
    lea = pupils["Lea Holm 5A"]
    for button, value in (
        ("search_other", "abc"),
        ("search_other", "99"),
        ("search_other", "-1"),
        ("pick_other", "abc"),
        ("pick_other", f"99:{lea}"),
        ("pick_other", "0:"),
        ("pick_other", f":{lea}"),
        ("clear_other", "7"),
        ("remove_row", "x"),
    ):
        status, page = post(client, form(**{button: value}))
        assert status == 200, (button, value)
        assert input_value(page, "others-0-name") == "Lea Holm", (button, value)
        assert 'class="picked-pupil"' not in page, (button, value)
    assert cases(session) == 0
