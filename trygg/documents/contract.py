"""The variables contract: what each kind's context offers a Word template.

A municipality's own template may use any of these variables and must use the required
ones. doc_templates/README.md is generated from this module (build_templates.py), and the
tests compare every default template and every built context against it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Var:
    name: str
    type: str
    required: bool
    meaning: str
    items: tuple["Var", ...] = ()


def _v(name: str, meaning: str, type_: str = "tekst", required: bool = True) -> Var:
    return Var(name, type_, required, meaning)


def _opt(name: str, meaning: str, type_: str = "tekst") -> Var:
    return Var(name, type_, False, meaning)


def _common(marking: Var) -> tuple[Var, ...]:
    return (
        _v("municipality", "Kommunen (skoleeier), f.eks. «Oslo kommune»"),
        _v("school_name", "Skolens navn"),
        _v("reference", "Saksnummer (kvittering: skoleåret)"),
        _v("document_date", "Dokumentets dato, 14.09.2026"),
        _v("document_title", "Dokumentets tittel"),
        marking,
        _v("end_marker", "Sluttmerke: skal stå i siste avsnitt i dokumentet (kontrolleres)"),
        _opt("owner_contact", "Kontakt hos skoleeier, eller «Ikke oppgitt»"),
    )


COMMON = _common(
    _v("marking", "«Unntatt offentlighet, offl. § 13 jf. fvl. § 13 første ledd nr. 1»")
)
# A kvittering holds nothing confidential, so it carries no marking. The variable stays
# (always empty) so a municipality's older template that shows it still renders.
ACKNOWLEDGEMENT_COMMON = _common(
    _opt("marking", "Tom: kvitteringer er ikke unntatt offentlighet (finnes for eldre maler)")
)

LEGEND = Var(
    "legend",
    "liste",
    True,
    "Forklaring av betegnelser, én rad per anonymisert person",
    (_v("label", "Betegnelsen, f.eks. «Elev A»"), _v("description", "Beskrivelse uten navn")),
)

CASE = (
    _v("pupil_name", "Elevens navn (sakens egen elev er navngitt)"),
    _v("pupil_class", "Elevens klasse"),
    _opt("case_opened", "Dato saken ble opprettet"),
    _opt("rektor_informed", "Når rektor selv ble kjent med saken, eller «Ikke oppgitt»"),
    _opt(
        "received_by_title",
        "Hvem som mottok meldingen og svarer for saken: «rektor», eller «skoleeier» når "
        "meldingen gikk direkte til skoleeier (§ 12-5)",
    ),
    _opt("received_by_heading", "Det samme med stor forbokstav: «Rektor» eller «Skoleeier»"),
    LEGEND,
)

_MELDESKJEMA = (
    _v("reporter", "Hvem som melder: navn (stilling)"),
    _v("reported_at", "Meldt tidspunkt, 14.09.2026 kl. 12.40"),
    _opt("happened_at", "Når det skjedde eller ble kjent"),
    _v("arena", "Arena på norsk, f.eks. «Friminutt»"),
    _opt("arena_detail", "Nærmere sted"),
    _v("pupil_said_so", "«Ja» eller «Nei»: eleven har sagt fra selv"),
    _v("account", "Hva som ble observert eller fortalt (fritekst, anonymisert)"),
    _opt("intervention", "Hva som ble gjort straks (fritekst)"),
    _v("kinds", "Type krenkelse, kommaseparert"),
    _v("involved", "Andre involverte elever som betegnelser, eller «Ingen»"),
    _v("staff_suspected", "«Ja» eller «Nei»"),
    _v("leadership_suspected", "«Ja» eller «Nei»"),
    _v("routing", "Meldingsvei etter § 12-4 eller § 12-5, som setning"),
    _opt("guardians_informed_at", "Når foresatte ble informert"),
    _opt("guardians_informed_by", "Hvem som informerte foresatte"),
)

_ROW_DATE = _v("date", "Dato")
_UNDERSOKELSE = (
    _v("started_at", "Når undersøkelsen startet"),
    _v("started_after", "Hvor raskt undersøkelsen startet, som setning («snarast»)"),
    _v("duty_watch", "Følge med: hva skolen gjorde (fritekst)"),
    _v("duty_intervene", "Gripe inn (fritekst)"),
    _v("duty_report", "Melde fra (fritekst eller utledet)"),
    _v("duty_investigate", "Undersøke: sammendrag"),
    _v("duty_measures", "Sette inn tiltak (fritekst eller utledet)"),
    Var(
        "conversations",
        "liste",
        True,
        "Samtaler",
        (
            _ROW_DATE,
            _v("with_label", "Samtale med (betegnelse)"),
            _v("by", "Holdt av: navn (stilling)"),
            _v("account", "Hva som kom fram (fritekst)"),
            _v("kontradiksjon", "Kontradiksjon: egen versjon gitt / ønsket ikke / ikke aktuelt"),
        ),
    ),
    Var(
        "observations",
        "liste",
        True,
        "Observasjoner (kan være tom)",
        (
            _ROW_DATE,
            _v("arena", "Arena"),
            _v("by", "Observatør"),
            _v("findings", "Funn (fritekst)"),
        ),
    ),
    _v("has_observations", "Sann når det finnes observasjoner", "sannhetsverdi"),
    _v("pupil_voice", "Elevens stemme, eller «Ikke oppgitt»"),
    _v("analysis", "Analyse (fritekst)"),
    _v("best_interest", "Vurdering av elevens beste (fritekst)"),
    _v("conclusion_safe", "Konklusjon om elevens skolemiljø, som setning"),
    _v("conclusion_plan", "Om aktivitetsplan trengs, som setning"),
    _opt("conclusion_comment", "Utdypning av konklusjonen"),
    _v("guardians_informed_of_rights", "Dato foresatte fikk informasjon om rettigheter"),
    _v("statsforvalteren", "Informasjon om klageadgang til Statsforvalteren (§ 12-6)"),
)

_AKTIVITETSPLAN = (
    _v("plan_version", "Planens versjon"),
    _v("plan_created", "Dato planen ble laget"),
    _v("responsible", "Ansvarlig leder: navn (stilling)"),
    _v("problem", "(a) Problemet tiltakene skal løse (fritekst)"),
    _opt("background", "Bakgrunn fra undersøkelsen (fritekst)"),
    Var(
        "measures",
        "liste",
        True,
        "(b)–(e) Tiltakene",
        (
            _v("number", "Nummer, 1, 2, …"),
            _v("description", "(b) Tiltaket (fritekst)"),
            _v("level", "Individ / Gruppe / System"),
            _v("when", "(c) Når: periode og hyppighet"),
            _v("by", "(d) Hvem gjennomfører: navn (stilling)"),
            _v("evaluate_on", "(e) Evalueringsdato"),
        ),
    ),
    _v("pupil_voice", "Elevens stemme (fritekst)"),
    _v("best_interest", "Vurdering av elevens beste (fritekst)"),
    _v("guardian_views", "Foresattes syn, eller «Ikke oppgitt»"),
    _v("reviewed_with_pupil_on", "Dato planen ble gjennomgått med elev og foresatte"),
    _v("statsforvalteren", "Informasjon om klageadgang til Statsforvalteren (§ 12-6)"),
)

_EVALUERING = (
    _v("plan_version", "Versjonen av planen som evalueres"),
    _v("evaluation_number", "Evaluering nr."),
    _v("evaluation_date", "Dato for evalueringen"),
    _v("date_note", "Planlagt dato, eller hvorfor datoen ble flyttet"),
    _v("participants", "Deltakere, kommaseparert (betegnelser)"),
    Var(
        "measures",
        "liste",
        True,
        "Evaluering per tiltak",
        (
            _v("number", "Tiltakets nummer i planen"),
            _v("description", "Tiltaket, eller «Tiltak 2»"),
            _v("carried_out", "«Ja» / «Nei»"),
            _v("by", "Hvem gjennomførte: navn (stilling)"),
            _v("deviations", "Avvik, eller «Ingen oppgitt»"),
            _v("effect_pupil", "Effekt slik eleven opplever det"),
            _v("effect_staff", "Effekt slik ansatte ser det"),
            _v("effect_guardians", "Effekt slik foresatte ser det"),
            _v("decision", "Fortsette / Justere / Avslutte / Nytt tiltak"),
        ),
    ),
    _v("pupil_safe_now", "Om eleven nå opplever skolemiljøet som trygt og godt, som setning"),
    _v("overall", "Samlet vurdering (fritekst)"),
    _v("next_action", "Hva skjer videre"),
    _v("next_date", "Neste evalueringsdato eller oppfølgingsdato"),
    _v("external_help_considered", "Om ekstern hjelp er vurdert, eller «Ikke oppgitt»"),
)

_AVSLUTNING = (
    _v("decided_by", "Hvem som besluttet å avslutte saken: navn (stilling)"),
    _v("decided_at", "Når det ble besluttet"),
    _v("decision_maker", "«Skoleledelsen» eller «Skoleeier», etter meldingsveien"),
    _v("proposed_by", "Hvem som foreslo å avslutte: navn (stilling)"),
    _v("proposed_at", "Når det ble foreslått"),
    _v("reason", "Begrunnelse for å avslutte (fritekst)"),
    _v("pupil_experience", "Elevens egen opplevelse nå (fritekst)"),
    _v("heard_how", "Hvordan skolen vet hva eleven opplever (fritekst)"),
    _v("investigation", "Undersøkelsen, eller hvorfor saken avsluttes uten, som setning"),
    _v("measures", "Aktivitetsplan og evaluering, som setning"),
    _v("follow_up_on", "Dato for oppfølging"),
    _v("statsforvalteren", "Informasjon om klageadgang til Statsforvalteren (§ 12-6)"),
)

_PLAN_REF = (
    _v("school_plan_title", "Tittelen på skolens plan"),
    _v("school_year", "Skoleåret"),
    _v("school_plan_version", "Versjonen (dato) av planen"),
    _v("school_plan_sha256", "Sjekksum av den publiserte filen, eller «Ikke oppgitt»"),
)

_KVITTERING = (
    _v("employee_name", "Den ansattes navn"),
    _v("employee_title", "Stilling"),
    _v("employer", "Arbeidsgiver"),
    *_PLAN_REF,
    Var(
        "confirmations",
        "liste",
        True,
        "Bekreftelsene",
        (_v("statement", "Det som bekreftes"), _v("answer", "«Ja» / «Nei»")),
    ),
    _v("signed_at", "Signert tidspunkt"),
    _v("typed_signature", "Signatur (skrevet navn)"),
)

_KVITTERINGSLISTE = (
    *_PLAN_REF,
    Var(
        "rows",
        "liste",
        True,
        "Én rad per ansatt",
        (
            _v("name", "Navn"),
            _v("title", "Stilling, eller «Ikke oppgitt»"),
            _v("signed_at", "Signert tidspunkt, eller «Ikke signert»"),
        ),
    ),
    _v("signed_count", "«12 av 14 har signert»"),
)

# The figures report (trygg.overview.report): no person in it, only counts as the figures
# page shows them, so it carries no marking. `reference` is the period. Each figure has
# its title, summary, chart and rows; the chart is a picture put in where the variable
# stands, so it must be alone in its paragraph.
FIGURE_KEYS = ("reports_per_month", "kinds", "arenas", "grades", "outcomes")
CHART_FIELDS = frozenset(f"{key}_chart" for key in FIGURE_KEYS)


def _figure(key: str) -> tuple[Var, ...]:
    return (
        _v(f"{key}_title", "Figurens tittel"),
        _v(f"{key}_summary", "Figuren i én setning: høyeste viste tall og hva som er skjult"),
        _v(
            f"{key}_chart",
            "Diagrammet: settes inn som bilde der variabelen står, alene i et avsnitt "
            "(tomt når tallene holdes tilbake)",
        ),
        Var(
            f"{key}_rows",
            "liste",
            True,
            "Figurens tabell, med «Sum» til slutt når summen kan vises",
            (_v("label", "Rad"), _v("count", "Antall, «under 5», «skjult» eller «–»")),
        ),
    )


_TALLRAPPORT = (
    _v("scope", "Hva tallene gjelder: skolens navn eller kommunen"),
    _v("period", "Perioden, f.eks. «Skoleåret 2026/27»"),
    _v("suppression_note", "Hvordan små tall er skjult, som setning"),
    Var(
        "key_figures",
        "liste",
        True,
        "Nøkkeltallene",
        (_v("label", "Nøkkeltall"), _v("value", "Verdi, f.eks. «median 2 skoledager»")),
    ),
    *(var for key in FIGURE_KEYS for var in _figure(key)),
)

CONTRACTS: dict[str, tuple[Var, ...]] = {
    "meldeskjema": COMMON + CASE + _MELDESKJEMA,
    "undersokelse": COMMON + CASE + _UNDERSOKELSE,
    "aktivitetsplan": COMMON + CASE + _AKTIVITETSPLAN,
    "evaluering": COMMON + CASE + _EVALUERING,
    "avslutning": COMMON + CASE + _AVSLUTNING,
    "kvittering": ACKNOWLEDGEMENT_COMMON + _KVITTERING,
    "kvitteringsliste": ACKNOWLEDGEMENT_COMMON + _KVITTERINGSLISTE,
    "tallrapport": ACKNOWLEDGEMENT_COMMON + _TALLRAPPORT,
}


def variable_names(kind: str) -> set[str]:
    return {v.name for v in CONTRACTS[kind]}


def required_names(kind: str) -> set[str]:
    return {v.name for v in CONTRACTS[kind] if v.required}
