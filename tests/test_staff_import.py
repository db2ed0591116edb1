"""Parsing a staff CSV file: header, blank lines, delimiters, encodings, limits and the
Norwegian reasons a line is rejected. Parsing reads the database but never writes it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trygg.accounts import staff_import
from trygg.accounts.staff_import import ImportPreview, decode_upload, parse_staff_csv
from trygg.models import AuditEvent, School, User

COLUMNS = "Linjen har {n} felt; det skal være 4: navn, e-post, tittel, rolle."


@pytest.fixture
def nordpolen(session: Session, demo: dict[str, str]) -> int:
    return session.execute(select(School.id).where(School.name == "Nordpolen skole")).scalar_one()


def parse(session: Session, text: str, school_id: int | None) -> ImportPreview:
    return parse_staff_csv(session, text, school_id)


def reasons(preview: ImportPreview) -> dict[int, tuple[str, ...]]:
    return {line.line: line.reasons for line in preview.rejected}


def emails(preview: ImportPreview) -> list[str]:
    return [row.email for row in preview.accepted]


# --- header and blank lines --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "navn;e-post;tittel;rolle",
        "Navn;E-postadresse;Tittel;Rolle",
        " NAVN ;epost;tittel;rolle",
        "name,email,title,role",
        "e-post;navn;tittel;rolle",
    ],
)
def test_a_header_on_the_first_line_is_skipped(
    session: Session, nordpolen: int, header: str
) -> None:
    delimiter = "," if "," in header else ";"
    row = delimiter.join(["Per Olsen", "per.olsen@nordpolen.no", "lærer", "ansatt"])
    preview = parse(session, f"{header}\n{row}\n", nordpolen)
    assert preview.rejected == ()
    assert [(r.line, r.name, r.email) for r in preview.accepted] == [
        (2, "Per Olsen", "per.olsen@nordpolen.no")
    ]


def test_a_header_word_further_down_is_an_ordinary_bad_line(
    session: Session, nordpolen: int
) -> None:
    text = "Per Olsen;per.olsen@nordpolen.no;lærer;ansatt\nnavn;e-post;tittel;rolle\n"
    preview = parse(session, text, nordpolen)
    assert emails(preview) == ["per.olsen@nordpolen.no"]
    assert reasons(preview) == {
        2: (
            "«e-post» er ikke en gyldig e-postadresse.",
            "Ukjent rolle «rolle». Bruk ansatt, kontaktlærer, ledelse eller admin.",
        )
    }


def test_blank_lines_are_skipped_and_line_numbers_follow_the_file(
    session: Session, nordpolen: int
) -> None:
    text = (
        "navn;e-post;tittel;rolle\r\n"
        "\r\n"
        "Per Olsen;per.olsen@nordpolen.no;lærer;ansatt\r\n"
        ";;;\r\n"
        "   \r\n"
        " ; ; ; \r\n"
        "Ola;ikke-en-adresse;;ansatt\r\n"
        "\r\n"
    )
    preview = parse(session, text, nordpolen)
    assert [(r.line, r.email) for r in preview.accepted] == [(3, "per.olsen@nordpolen.no")]
    assert list(reasons(preview)) == [7]


def test_a_quoted_line_break_does_not_shift_later_line_numbers(
    session: Session, nordpolen: int
) -> None:
    # Excel quotes a cell with Alt+Enter in it; the record spans lines 2-3 of the file.
    text = (
        "navn;e-post;tittel;rolle\n"
        'Per Olsen;per.olsen@nordpolen.no;"lærer\nmattematikk";ansatt\n'
        "Ola;ikke-en-adresse;;ansatt\n"
    )
    preview = parse(session, text, nordpolen)
    assert [(r.line, r.email) for r in preview.accepted] == [(2, "per.olsen@nordpolen.no")]
    assert list(reasons(preview)) == [4]


def test_old_mac_line_endings_are_read(session: Session, nordpolen: int) -> None:
    text = "Per Olsen;per.olsen@nordpolen.no;;ansatt\rKari Dahl;kari.dahl@nordpolen.no;;ansatt"
    preview = parse(session, text, nordpolen)
    assert emails(preview) == ["per.olsen@nordpolen.no", "kari.dahl@nordpolen.no"]


def test_an_empty_file_gives_an_empty_preview(session: Session, nordpolen: int) -> None:
    assert parse(session, "", nordpolen) == ImportPreview((), ())
    assert parse(session, "navn;e-post;tittel;rolle\n\n\n", nordpolen) == ImportPreview((), ())


def test_a_leading_blank_line_does_not_hide_the_delimiter_or_header(
    session: Session, nordpolen: int
) -> None:
    text = "\nnavn,e-post,tittel,rolle\nPer Olsen,per.olsen@nordpolen.no,lærer,ansatt\n"
    preview = parse(session, text, nordpolen)
    assert preview.rejected == ()
    assert emails(preview) == ["per.olsen@nordpolen.no"]


# --- delimiters, quoting, whitespace --------------------------------------------------------


def test_semicolons_and_commas_are_both_understood(session: Session, nordpolen: int) -> None:
    semicolon = "Per Olsen;per.olsen@nordpolen.no;lærer, 6B;ansatt\n"
    comma = 'Per Olsen,per.olsen@nordpolen.no,"lærer; 6B",ansatt\n'
    for text, title in ((semicolon, "lærer, 6B"), (comma, "lærer; 6B")):
        preview = parse(session, text, nordpolen)
        assert preview.rejected == ()
        assert [(r.name, r.title) for r in preview.accepted] == [("Per Olsen", title)]


def test_quoted_cells_and_surrounding_spaces(session: Session, nordpolen: int) -> None:
    text = '"Olsen; Per";  Per.Olsen@Nordpolen.NO  ;" kontaktlærer 6B ";  Kontaktlærer \n'
    preview = parse(session, text, nordpolen)
    assert preview.rejected == ()
    (row,) = preview.accepted
    assert (row.name, row.email, row.title, row.role) == (
        "Olsen; Per",
        "per.olsen@nordpolen.no",
        "kontaktlærer 6B",
        "kontaktlaerer",
    )


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("ansatt", "ansatt"),
        ("Kontaktlærer", "kontaktlaerer"),
        ("KONTAKTLAERER", "kontaktlaerer"),
        ("saksbehandler", "kontaktlaerer"),
        ("ledelse", "ledelse"),
        ("Skoleledelse", "ledelse"),
        ("Rektor", "ledelse"),
        ("admin", "admin"),
        ("Administrator", "admin"),
    ],
)
def test_role_names_people_type_are_understood(
    session: Session, nordpolen: int, typed: str, role: str
) -> None:
    preview = parse(session, f"Per Olsen;per.olsen@nordpolen.no;;{typed}\n", nordpolen)
    assert [r.role for r in preview.accepted] == [role]


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("Per Olsen;per.olsen@nordpolen.no;ansatt", 3),
        ("Per Olsen;per.olsen@nordpolen.no;lærer;ansatt;ekstra", 5),
        ("Per Olsen", 1),
    ],
)
def test_wrong_number_of_fields(session: Session, nordpolen: int, line: str, fields: int) -> None:
    preview = parse(session, line + "\n", nordpolen)
    assert preview.accepted == ()
    (rejected,) = preview.rejected
    assert rejected.line == 1
    assert rejected.text == line
    assert rejected.reasons == (COLUMNS.format(n=fields),)


def test_rejected_comma_lines_are_shown_with_semicolons(session: Session, nordpolen: int) -> None:
    preview = parse(session, "Per Olsen,ikke-epost,lærer,ansatt\n", nordpolen)
    assert preview.rejected[0].text == "Per Olsen;ikke-epost;lærer;ansatt"


# --- reasons ----------------------------------------------------------------------------------


def test_every_reason_is_given_in_norwegian(session: Session, nordpolen: int) -> None:
    long_name = "N" * 201
    long_title = "T" * 201
    lines = [
        ";uten.navn@nordpolen.no;;ansatt",
        "Uten Epost;;;ansatt",
        "Feil Epost;per@@nordpolen.no;;ansatt",
        f"{long_name};lang.navn@nordpolen.no;;ansatt",
        f"Lang Tittel;lang.tittel@nordpolen.no;{long_title};ansatt",
        "Ukjent Rolle;ukjent.rolle@nordpolen.no;;vaktmester",
        "Tom Rolle;tom.rolle@nordpolen.no;;",
        "Eva Eier;eva.eier@nordpolen.no;;skoleeier",
        ";;lærer;lektor",
    ]
    preview = parse(session, "\n".join(lines), nordpolen)
    assert preview.accepted == ()
    assert reasons(preview) == {
        1: ("Navn mangler.",),
        2: ("E-postadresse mangler.",),
        3: ("«per@@nordpolen.no» er ikke en gyldig e-postadresse.",),
        4: ("Navnet er for langt (høyst 200 tegn).",),
        5: ("Tittelen er for lang (høyst 200 tegn).",),
        6: ("Ukjent rolle «vaktmester». Bruk ansatt, kontaktlærer, ledelse eller admin.",),
        7: ("Ukjent rolle «». Bruk ansatt, kontaktlærer, ledelse eller admin.",),
        8: ("Skoleeier- og kommunebrukere opprettes enkeltvis, ikke fra fil.",),
        9: (
            "Navn mangler.",
            "E-postadresse mangler.",
            "Ukjent rolle «lektor». Bruk ansatt, kontaktlærer, ledelse eller admin.",
        ),
    }


def test_name_and_title_of_exactly_200_characters_are_accepted(
    session: Session, nordpolen: int
) -> None:
    text = f"{'N' * 200};per.olsen@nordpolen.no;{'T' * 200};ansatt"
    assert len(parse(session, text, nordpolen).accepted) == 1


def test_municipality_wide_admins_are_not_imported_without_a_school(
    session: Session, demo: dict[str, str]
) -> None:
    text = "Kari Admin;kari.admin@oslo.kommune.no;;admin\nPer Olsen;per@oslo.kommune.no;;ansatt"
    preview = parse(session, text, None)
    assert reasons(preview) == {
        1: ("Skoleeier- og kommunebrukere opprettes enkeltvis, ikke fra fil.",)
    }
    assert emails(preview) == ["per@oslo.kommune.no"]


def test_duplicates_in_the_file_and_in_the_database(
    session: Session, nordpolen: int, demo: dict[str, str]
) -> None:
    text = "\n".join(
        [
            "Per Olsen;per.olsen@nordpolen.no;;ansatt",
            "Per Kopi;PER.OLSEN@nordpolen.no;;ansatt",
            "Mona Ruud;Ansatt.Nordpolen@demo.trygg.no;;ansatt",
            "Per Tredje;per.olsen@NORDPOLEN.no;;ansatt",
            "Mona Kopi;ansatt.nordpolen@demo.trygg.no;;ansatt",
        ]
    )
    preview = parse(session, text, nordpolen)
    assert emails(preview) == ["per.olsen@nordpolen.no"]
    assert reasons(preview) == {
        2: ("E-postadressen står også på linje 1.",),
        3: ("Det finnes allerede en bruker med denne e-postadressen.",),
        4: ("E-postadressen står også på linje 1.",),
        5: ("E-postadressen står også på linje 3.",),
    }


def test_parsing_writes_nothing(session: Session, nordpolen: int) -> None:
    def counts() -> tuple[int, int]:
        users = session.execute(select(func.count()).select_from(User)).scalar_one()
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return users, events

    before = counts()
    preview = parse(
        session,
        "Per Olsen;per.olsen@nordpolen.no;;ansatt\nKari Dahl;kari.dahl@nordpolen.no;;rektor\n",
        nordpolen,
    )
    assert len(preview.accepted) == 2
    assert not session.new and not session.dirty and not session.deleted
    session.rollback()
    assert counts() == before


# --- limits ---------------------------------------------------------------------------------


def test_lines_past_max_rows_are_refused_with_a_reason(
    session: Session, nordpolen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_import, "MAX_ROWS", 3)
    lines = ["navn;e-post;tittel;rolle", ""]
    lines += [f"Ansatt {n};ansatt{n}@nordpolen.no;;ansatt" for n in range(1, 6)]
    preview = parse(session, "\n".join(lines), nordpolen)
    assert len(preview.accepted) == 3
    (rejected,) = preview.rejected
    assert rejected.line == 6
    assert rejected.reasons == ("Filen har flere enn 3 linjer.",)


def test_max_rows_counts_rejected_lines_too(
    session: Session, nordpolen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_import, "MAX_ROWS", 2)
    text = "Feil;x;;ansatt\nPer;per@nordpolen.no;;ansatt\nKari;kari@nordpolen.no;;ansatt\n"
    preview = parse(session, text, nordpolen)
    assert emails(preview) == ["per@nordpolen.no"]
    assert [r.reasons[-1] for r in preview.rejected] == [
        "«x» er ikke en gyldig e-postadresse.",
        "Filen har flere enn 2 linjer.",
    ]


def test_the_real_limit_is_2000_lines(session: Session, nordpolen: int) -> None:
    assert staff_import.MAX_ROWS == 2000
    text = "\n".join(f"A {n};a{n}@nordpolen.no;;ansatt" for n in range(2001))
    preview = parse(session, text, nordpolen)
    assert len(preview.accepted) == 2000
    assert preview.rejected[0].reasons == ("Filen har flere enn 2000 linjer.",)


# --- decoding ---------------------------------------------------------------------------------

NAMES = "Kjærsti Ødegård;Åse Bjørnstad;Pål Lærum"


def test_decode_utf8_with_and_without_bom() -> None:
    assert decode_upload(NAMES.encode("utf-8-sig")) == NAMES
    assert decode_upload(NAMES.encode("utf-8")) == NAMES
    assert not decode_upload(b"\xef\xbb\xbfnavn").startswith("\ufeff")


def test_decode_cp1252_from_excel_on_windows() -> None:
    data = NAMES.encode("cp1252")
    assert b"\xe6" in data and b"\xd8" in data  # æ and Ø, single bytes
    assert decode_upload(data) == NAMES
    assert decode_upload("Per – «lærer» €".encode("cp1252")) == "Per – «lærer» €"


def test_decode_never_fails_on_bytes_cp1252_does_not_define() -> None:
    assert decode_upload(b"Per \x81 Olsen") == "Per \ufffd Olsen"


def test_a_bom_before_the_header_does_not_hide_it(session: Session, nordpolen: int) -> None:
    data = "navn;e-post;tittel;rolle\r\nÅse Bjørnstad;ase@nordpolen.no;lærer;ansatt\r\n"
    for encoded in (data.encode("utf-8-sig"), data.encode("cp1252")):
        preview = parse(session, decode_upload(encoded), nordpolen)
        assert preview.rejected == ()
        assert [(r.line, r.name) for r in preview.accepted] == [(2, "Åse Bjørnstad")]


def test_imported_text_is_cleaned_like_typed_input(session: Session, demo: dict[str, str]) -> None:
    school = session.execute(select(School).where(School.name == "Nordpolen skole")).scalar_one()
    text = "Kari\x0b Nordmann\u0301;kari.n@nordpolen.no;lærer\x00;ansatt\n"
    preview = staff_import.parse_staff_csv(session, text, school.id)
    assert [row.name for row in preview.accepted] == ["Kari Nordmann\u0301".replace("n\u0301", "ń")]
    assert preview.accepted[0].title == "lærer"
