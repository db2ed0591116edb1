"""Reading the register files: both formats, encodings, limits, hostile cells, and the
Norwegian reason for every rejected line. Parsing never touches the database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.pupil_files import HEADER, oneroster_files, plain_csv, zipped
from trygg.errors import Refused
from trygg.models.pupils import CONFIDENTIAL, STRICTLY_CONFIDENTIAL
from trygg.pupils.import_csv import decode, parse_register_csv
from trygg.pupils.import_oneroster import parse_oneroster
from trygg.pupils.records import MAX_LINES, MAX_UPLOAD_BYTES
from trygg.pupils.upload import ONEROSTER, PLAIN_CSV, from_payload, read_upload


def reasons(text: str) -> dict[int, tuple[str, ...]]:
    return {r.line: r.reasons for r in parse_register_csv(text).rejected}


def test_a_plain_file_of_600_pupils_with_two_guardians_each() -> None:
    parsed = parse_register_csv(plain_csv(600))
    assert parsed.rejected == ()
    assert len(parsed.pupils) == 600
    first = parsed.pupils[0]
    assert (first.first_name, first.last_name, first.class_name, first.grade) == (
        "Elev0", "Etternavn0", "6B", 6,
    )  # fmt: skip
    assert first.birth_date == dt.date(2015, 1, 1)
    mother, father = first.guardians
    assert (mother.email, mother.parental_responsibility, mother.may_receive_information) == (
        "mor0@example.no", True, True,
    )  # fmt: skip
    assert (father.parental_responsibility, father.may_receive_information) == (False, False)
    assert parsed.pupils[3].protected_address == STRICTLY_CONFIDENTIAL
    assert all(g.protected_address == STRICTLY_CONFIDENTIAL for g in parsed.pupils[3].guardians)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_with_or_without_bom_and_windows_1252_are_read(encoding: str) -> None:
    text = f"{HEADER}\nØyvind;Ærlig-Åsen;01.02.2014;7A;Bjørg Ærlig;;;ja;\n"
    parsed = parse_register_csv(decode(text.encode(encoding)))
    assert parsed.rejected == ()
    assert parsed.pupils[0].full_name == "Øyvind Ærlig-Åsen"
    assert parsed.pupils[0].guardians[0].name == "Bjørg Ærlig"


def test_every_kind_of_bad_line_is_rejected_with_its_reason() -> None:
    lines = [
        HEADER,
        ";Holm;14.03.2015;6B;;;;;",  # 2: no first name
        "Lea;Holm;31.02.2015;6B;;;;;",  # 3: no such date
        "Lea;Holm;14.03.2015;;;;;;",  # 4: no class
        "Per;Dahl;14.03.2015;6B;Kari Dahl;kari-at-example;;ja;",  # 5: bad e-mail
        "Per;Dahl;14.03.2015;6B;Kari Dahl;;abc;ja;",  # 6: bad phone
        "Per;Dahl;14.03.2015;6B;Kari Dahl;;;kanskje;",  # 7: responsibility
        "Per;Dahl;14.03.2015;6B;;;;;hemmelig",  # 8: protected marking
        "Per;Dahl;14.03.2015;6B;;kari@example.no;;;",  # 9: contact without a name
        f"{'A' * 150};Dahl;14.03.2015;6B;;;;;",  # 10: overlong
        "123;456;14.03.2015;6B;;;;;",  # 11: no letters
        "Per;Dahl",  # 12: too few cells
        "Ola;Dahl;14.03.2015;6B;;;;;",  # 13: fine
        "Ola;Dahl;14.03.2015;7C;;;;;",  # 14: the same pupil in another class
        "Eva;Dahl;14.03.1900;6B;;;;;",  # 15: impossible birth date
    ]
    found = reasons("\n".join(lines))
    assert found[2] == ("Elevens fornavn mangler.",)
    assert "ikke en dato" in found[3][0]
    assert found[4] == ("Klasse mangler.",)
    assert found[5] == ("«kari-at-example» er ikke en e-postadresse.",)
    assert found[6] == ("«abc» er ikke et telefonnummer.",)
    assert found[7] == ("Foreldreansvar må være ja eller nei, ikke «kanskje».",)
    assert "Sperret adresse må være" in found[8][0]
    assert found[9] == ("Foresatt navn mangler, men e-post eller telefon er fylt ut.",)
    assert found[10] == ("Elevens fornavn er for langt (høyst 100 tegn, nå 150).",)
    assert "ingen bokstaver" in found[11][0]
    assert found[12][0] == "Linjen har 2 felt; det skal være minst 9."
    assert "klasse 6B på linje 13" in found[14][0]
    assert "ikke mulig for en elev" in found[15][0]
    assert 13 not in found


def test_a_file_without_the_headers_says_which_are_missing() -> None:
    (rejected,) = parse_register_csv("navn;klasse\nLea Holm;6B\n").rejected
    assert rejected.line == 1
    assert "Mangler: elev fornavn, elev etternavn" in rejected.reasons[0]


def test_formula_cells_stay_text_and_invisible_characters_are_removed() -> None:
    text = (
        f"{HEADER}\n"
        "=cmd|' /C calc'!A0;Ho\u200bl\u202em;14.03.2015;6B;"
        "@Kari Holm;;+47 912 34 567;ja;\n"
    )
    parsed = parse_register_csv(text)
    assert parsed.rejected == ()
    pupil = parsed.pupils[0]
    assert pupil.first_name == "=cmd|' /C calc'!A0"
    assert pupil.last_name == "Holm"
    assert pupil.guardians[0].name == "@Kari Holm"
    assert pupil.guardians[0].phone == "+47 912 34 567"


def test_lines_beyond_the_limit_are_not_read() -> None:
    parsed = parse_register_csv(plain_csv(MAX_LINES // 2 + 1))
    assert parsed.rejected[-1].reasons == (
        f"Filen har flere enn {MAX_LINES} linjer. Resten er ikke lest.",
    )


def test_oneroster_of_520_pupils_with_homeroom_classes_and_parents() -> None:
    parsed = parse_oneroster(oneroster_files(520))
    assert parsed.rejected == ()
    assert len(parsed.pupils) == 520  # the teacher is not a pupil
    first, second = parsed.pupils[0], parsed.pupils[1]
    assert (first.external_id, first.class_name, first.grade) == ("s0", "7B", 7)
    assert second.class_name == "7A"
    assert first.birth_date == dt.date(2013, 5, 17)
    (parent,) = first.guardians
    assert (parent.name, parent.relation, parent.parental_responsibility) == (
        "Randi0 Lund0", "forelder", False,
    )  # fmt: skip
    assert second.guardians[0].parental_responsibility is True
    assert parsed.pupils[3].protected_address == CONFIDENTIAL


def test_oneroster_bad_rows_are_rejected_with_file_and_line() -> None:
    files = oneroster_files(3)
    files["users.csv"] += "s9,active,true,org1,student,s9,,Lund9,,,,07,,\n"
    files["users.csv"] += "p9,active,true,org1,parent,p9,Kari,Lund,not-mail,,s0,,,\n"
    parsed = parse_oneroster(files)
    by_line = {(r.file, r.line): r.reasons for r in parsed.rejected}
    assert by_line[("users.csv", 9)][0] == "Fornavn mangler."
    assert "Eleven har ingen klasse" in by_line[("users.csv", 9)][-1]
    assert by_line[("users.csv", 10)] == ("«not-mail» er ikke en e-postadresse.",)
    assert len(parsed.pupils) == 3


def test_uploads_zip_separate_files_or_plain_csv() -> None:
    files = oneroster_files(5)
    upload = read_upload([("eksport.zip", zipped(files))])
    assert upload.source == ONEROSTER and len(upload.parse().pupils) == 5
    separate = read_upload([(name, text.encode()) for name, text in files.items()])
    assert separate.source == ONEROSTER and len(separate.parse().pupils) == 5
    plain = read_upload([("elever.csv", plain_csv(4).encode("cp1252"))])
    assert plain.source == PLAIN_CSV and len(plain.parse().pupils) == 4
    assert from_payload(plain.payload()) == plain


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ([], "Velg en fil."),
        ([("elever.xlsx", b"x")], "Filen må være en CSV-fil (.csv) eller en zip-fil."),
        ([("eksport.zip", b"not a zip")], "Filen er ikke en gyldig zip-fil."),
        ([("a.csv", b""), ("b.csv", b"")], "Velg én CSV-fil"),
        ([("elever.csv", b"x" * (MAX_UPLOAD_BYTES + 1))], "Filen er for stor"),
    ],
)
def test_refused_uploads_say_why(named: list[tuple[str, bytes]], message: str) -> None:
    with pytest.raises(Refused) as refused:
        read_upload(named)
    assert refused.value.message.startswith(message)


def test_a_zip_bomb_is_stopped_at_the_size_limit() -> None:
    bomb = zipped({"users.csv": "sourcedId\n" + "x" * (MAX_UPLOAD_BYTES + 10)})
    assert len(bomb) < MAX_UPLOAD_BYTES // 100
    with pytest.raises(Refused) as refused:
        read_upload([("eksport.zip", bomb)])
    assert "større enn" in refused.value.message


def test_a_tampered_payload_is_refused() -> None:
    for text in ("", "{}", '{"source": "exe", "files": {}}', '{"source": "csv", "files": [1]}'):
        with pytest.raises(Refused):
            from_payload(text)
