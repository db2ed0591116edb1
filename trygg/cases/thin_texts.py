"""Texts that say nothing: placeholders where the pupil's voice or a best-interest
assessment belongs, and measures made of empty phrases. Inspectors find both again and
again (domain README: "measures are vague («ha fokus på»)", "pupil's voice and best
interest missing"). A finding here is a caution the user may confirm, never a refusal;
the rules that refuse live in investigation_rules and plan_rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Written in the box to get past it: these say nothing about the pupil.
PLACEHOLDERS = frozenset(
    {
        "ok",
        "ja",
        "nei",
        "x",
        "-",
        "–",
        "—",
        "...",
        "…",
        "se over",
        "se ovenfor",
        "se nedenfor",
        "se undersøkelsen",
        "se analysen",
        "som over",
        "som ovenfor",
        "ingen",
        "ingenting",
        "ikke aktuelt",
        "vet ikke",
        "kommer",
        "fylles ut",
    }
)
# Fewer words than this cannot say how the pupil was heard or what weighs most.
MIN_WORDS = 4
# Phrases that promise attention but no act, time or place.
EMPTY_PHRASES = (
    "ha fokus på",
    "fokus på",
    "følge med",
    "hele tiden",
    "ved behov",
    "etter behov",
    "være obs",
    "være oppmerksom",
    "passe på",
    "ta tak i",
    "løpende",
    "fortløpende",
)
# A measure needs a few words to say what is done, where and with whom.
MIN_MEASURE_WORDS = 4
_WORD = re.compile(r"\w+")

MEASURE_EXAMPLES = (
    "Voksen står ved fotballbanen i storefri hver skoledag kl. 11.30–12.00 og organiserer lek",
    "Kontaktlærer har en samtale med eleven hver mandag i første time om hvordan uka har vært",
    "Fast plass i garderoben ved siden av en voksen ved AKS-start, kl. 13.30 hver dag",
)
PUPIL_VOICE_EXAMPLES = (
    "Samtale med eleven 15.09: hun gruer seg til storefri og ønsker at en voksen er ute. "
    "Hun vil ikke bytte klasse. Ønsket om voksen ute er tatt med i tiltak 1.",
)
BEST_INTEREST_EXAMPLES = (
    "Elevens trygghet veier tyngst. Tiltakene retter seg mot miljøet og de voksne, ikke mot "
    "at eleven skal endre seg; å flytte eleven er vurdert og valgt bort fordi hun ønsker å "
    "bli i klassen.",
)


@dataclass(frozen=True)
class Caution:
    """Something that may be wrong, shown before finalising; the user may go on anyway.
    `field` is the form field it is about; `examples` show what a good text says."""

    field: str
    message: str  # a Norwegian message id, with %(name)s for `params`
    examples: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        return self.message % dict(self.params) if self.params else self.message


def words(text: str | None) -> list[str]:
    return _WORD.findall(text or "")


def says_nothing(text: str | None) -> bool:
    """Empty, a placeholder such as «ok», «-» or «se over», or only a few words."""
    cleaned = " ".join((text or "").split()).casefold().rstrip(".!")
    return not cleaned or cleaned in PLACEHOLDERS or len(words(cleaned)) < MIN_WORDS


def empty_phrases(text: str | None) -> list[str]:
    """The empty phrases in a text, each once, longest first («ha fokus på», not also
    «fokus på»)."""
    lowered = " ".join((text or "").split()).casefold()
    found: list[str] = []
    for phrase in sorted(EMPTY_PHRASES, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered) and not any(
            phrase in longer for longer in found
        ):
            found.append(phrase)
    return found


PUPIL_VOICE_THIN = (
    "Elevens stemme sier lite. Skriv hvordan eleven er hørt, hva eleven selv opplever og "
    "ønsker, og hvordan det er vektlagt."
)
BEST_INTEREST_THIN = (
    "Vurderingen av elevens beste sier lite. Skriv hva som veier tyngst for eleven, og "
    "hvilke andre løsninger som er vurdert."
)


def text_caution(
    field: str, message: str, text: str | None, examples: tuple[str, ...]
) -> Caution | None:
    """A caution when a text that must say something about the pupil says nothing."""
    return Caution(field, message, examples) if says_nothing(text) else None
