"""Property: whatever form a registered name takes in a text, it never survives text()."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from trygg.anonymise import Actor, Anonymiser, LabelSettings, assign_labels, scan_text
from trygg.anonymise.folding import fold_word

PUPIL = "Sara Nilsen"
ACTORS = [
    Actor("p1", "pupil", "Jonas Bergersen", ("Jonte",), "utøvende"),
    Actor("p2", "pupil", "Emma Hansen", role="medelev"),
    Actor("p3", "pupil", "Jørgen Sæther", role="vitne"),
    Actor("p4", "pupil", "Aïsha Khan", role="medelev"),
    Actor("g1", "guardian", "Kari Bergersen", guardian_of="p1"),
    Actor("s1", "staff", "Per Olsen", title="kontaktlærer"),
]
LABELS = assign_labels(ACTORS, LabelSettings())
ANONYMISER = Anonymiser(PUPIL, ACTORS, LABELS)
NAMES = [(a.name.split()[0], a.name.split()[-1], a.aliases) for a in ACTORS if a.kind != "staff"]
# Every folded spelling of a labelled person's name words must be gone afterwards.
FORBIDDEN = {
    "jonas", "jonte", "bergersen", "emma", "hansen", "jorgen", "joergen", "saether", "sather",
    "aisha", "khan", "kari",
}  # fmt: skip
FILLER = [
    "i",
    "storefri",
    "sa",
    "at",
    "og",
    "det",
    "var",
    "på",
    "Snap",
    "garderoben",
    "kl.",
    "14.30",
    "SFO",
    "hun",
    "han",
    "ble",
    "lei",
    "seg",
    "skoleveien",
    "AKS",
    "Sara",
    "Per",
    "Olsen",
    "gråt",
    "ikke",
    "med",
    "fotball",
    "bussen",
]
WRAPS = [("", ""), ("«", "»"), ('"', '"'), ("'", "'"), ("(", ")"), ("", "."), ("", "!"), ("", ",")]
INFLECTIONS = ["", "s", "'s", "’s", " sin", " si", " sitt", " sine"]


def _fold_diacritics(text: str) -> str:
    return text.translate(str.maketrans("øØï", "oOi")).replace("æ", "ae").replace("Æ", "Ae")


def _recase(word: str, how: str) -> str:
    return {"lower": word.lower(), "upper": word.upper(), "title": word.title()}.get(how, word)


@st.composite
def mention(draw: st.DrawFn) -> str:
    first, surname, aliases = draw(st.sampled_from(NAMES))
    form = draw(st.sampled_from(["full", "first", "surname", "alias", "at", "handle", "email"]))
    if form == "alias" and not aliases:
        form = "first"
    if form in ("at", "handle", "email"):
        user = f"{first}.{surname}".lower() if form != "handle" else f"{first}_{surname}".lower()
        digits = draw(st.sampled_from(["", "08", "2013"]))
        word = {"at": f"@{user}", "handle": f"{user}{digits}", "email": f"{user}@skole.no"}[form]
        return _fold_diacritics(word) if draw(st.booleans()) else word
    word = {"full": f"{first} {surname}", "first": first, "surname": surname}.get(form) or aliases[
        0
    ]
    if form == "full" and draw(st.booleans()):
        word = word.replace(" ", "\n")
    word = _recase(word, draw(st.sampled_from(["lower", "upper", "title", "asis"])))
    if draw(st.booleans()):
        word = _fold_diacritics(word)
    inflection = draw(st.sampled_from(INFLECTIONS))
    if word.lower().endswith("s") and draw(st.booleans()):
        inflection = "'"
    before, after = draw(st.sampled_from(WRAPS))
    return f"{before}{word}{inflection}{after}"


texts = st.lists(st.one_of(mention(), st.sampled_from(FILLER)), min_size=1, max_size=25).filter(
    lambda parts: any(p not in FILLER for p in parts)
)


@st.composite
def case_text(draw: st.DrawFn) -> str:
    parts = draw(texts)
    seps = draw(
        st.lists(
            st.sampled_from([" ", "  ", "\n", ", ", " – ", ": "]),
            min_size=len(parts),
            max_size=len(parts),
        )
    )
    return "".join(part + sep for part, sep in zip(parts, seps, strict=True)).strip()


def _surviving_names(text: str) -> set[str]:
    words = {fold_word(w) for w in re.findall(r"[^\W\d_]+", text)}
    return {w for w in words if w in FORBIDDEN or (w.endswith("s") and w[:-1] in FORBIDDEN)}


@settings(max_examples=300, deadline=None)
@given(case_text())
def test_no_registered_name_survives(text: str) -> None:
    output = ANONYMISER.text(text)
    assert _surviving_names(output) == set(), output
    assert scan_text(output, "test", PUPIL, ACTORS) == []


@settings(max_examples=200, deadline=None)
@given(case_text())
def test_raw_text_with_a_name_is_caught(text: str) -> None:
    assert scan_text(text, "test", PUPIL, ACTORS) != []


def test_case_pupil_and_staff_survive() -> None:
    text = "Sara og Per Olsen snakket med Jonas."
    assert ANONYMISER.text(text) == "Sara og Per Olsen snakket med Elev A."
