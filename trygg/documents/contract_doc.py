"""doc_templates/README.md, written from the contract so the two cannot drift apart."""

from trygg.documents.contract import CONTRACTS, Var
from trygg.documents.vocabulary import DOCUMENT_TITLES

_INTRO = """\
# Dokumentmaler: variabelkontrakten

> Generert av `doc_templates/build_templates.py` fra `trygg/documents/contract.py`.
> Ikke rediger for hånd: endre kontrakten eller skriptet og kjør
> `.venv/bin/python doc_templates/build_templates.py`.

Trygg fyller Word-maler (docxtpl/Jinja) for seks dokumenter. Standardmalene her er laget
av skriptet. En kommune kan laste opp sin egen mal; den må oppfylle kontrakten under, og
sjekkes før den tas i bruk (`flask check-template MAL.docx --kind aktivitetsplan`).

## Regler for alle maler

- Alle verdier er ferdig formatert tekst (datoer som 14.09.2026, tidspunkt som
  «14.09.2026 kl. 13.05», ja/nei som «Ja»/«Nei»). Tomme valgfrie felt er «Ikke oppgitt».
- Fritekst kommer anonymisert: andre elever heter «Elev A», foresatte «Foresatt til
  Elev A». Sakens egen elev og ansatte er navngitt.
- Skriv fritekst ut uendret med `{{ navn }}`: ikke filtre (`|upper`, `|truncate`) på
  fritekst, og ikke `{{r }}`. Linjeskift i teksten blir linjeskift i Word. Trygg
  kontrollerer at all fritekst står i det ferdige dokumentet.
- Lister i tabeller: `{%tr for m in measures %}` og `{%tr endfor %}` i egne rader.
  Lister i avsnitt: `{%p for ... %}` / `{%p endfor %}` i egne avsnitt.
- Ikke `%` eller `}` inne i `{%p %}`/`{%tr %}`-uttrykk (docxtpl #644), ikke «typografiske»
  anførselstegn inne i `{{ }}`, og hold hver `{{ }}` i ett avsnitt.
- Ikke Jinja i dokumentegenskaper (tittel, forfatter): Trygg setter dem selv.
- `{{ end_marker }}` skal stå i siste avsnitt i dokumentet. Finnes det ikke i resultatet,
  er noe av dokumentet tapt, og Trygg avviser det.
- Topptekst skal vise kommune, skole, referanse og dato, og i saksdokumentene
  `{{ marking }}` (kvitteringene er ikke unntatt offentlighet og har ingen merking);
  bunntekst «Side X av Y» (feltene PAGE og NUMPAGES).
- Skrifttype: Calibri (LibreOffice bruker den metrisk like Carlito i PDF).
"""


def _rows(variables: tuple[Var, ...]) -> list[str]:
    lines = ["| Variabel | Type | Påkrevd | Betydning |", "|---|---|---|---|"]
    for var in variables:
        required = "ja" if var.required else "nei"
        lines.append(f"| `{var.name}` | {var.type} | {required} | {var.meaning} |")
        for item in var.items:
            lines.append(f"| `{var.name}[].{item.name}` | {item.type} | ja | {item.meaning} |")
    return lines


def contract_markdown() -> str:
    parts = [_INTRO]
    for kind, variables in CONTRACTS.items():
        parts.append(f"## `{kind}`: {DOCUMENT_TITLES[kind]}\n")
        parts.append(f"Standardmal: `doc_templates/{kind}.docx`.\n")
        parts.append("\n".join(_rows(variables)) + "\n")
    parts.append(
        "«Påkrevd» betyr at malen må bruke variabelen. Felt i en liste (`measures[].by`) "
        "finnes alltid i hver rad.\n"
    )
    return "\n".join(parts)
