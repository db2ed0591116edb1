"""Norwegian (bokmål) words the documents and their error messages use.

Kept in one place so a nynorsk vocabulary can be added beside it later.
"""

import datetime as dt

from trygg.calendar.formats import date_text, moment_text

NOT_GIVEN = "Ikke oppgitt"
MARKING = "Unntatt offentlighet, offl. § 13 jf. fvl. § 13 første ledd nr. 1"

DOCUMENT_TITLES = {
    "meldeskjema": "Meldeskjema",
    "undersokelse": "Grunnlag for dokumentasjonsplikten",
    "aktivitetsplan": "Aktivitetsplan",
    "evaluering": "Evaluering av aktivitetsplan",
    "avslutning": "Avslutning av saken",
    "kvittering": "Kvittering for at skolens plan er lest",
    "kvitteringsliste": "Oversikt over kvitteringer",
    "tallrapport": "Tall og figurer for skolemiljøsaker",
}

ARENAS = {
    "klasserom": "Klasserom / undervisning",
    "friminutt": "Friminutt",
    "sfo_aks": "SFO/AKS",
    "skoleveien": "Skoleveien",
    "digitalt": "Digitalt",
    "annet": "Annet",
}
VIOLATION_KINDS = {
    "mobbing": "Mobbing",
    "utestenging": "Utestenging",
    "uthenging": "Uthenging",
    "rasisme": "Rasisme",
    "seksuell trakassering": "Seksuell trakassering",
    "andre hatefulle ytringer": "Andre hatefulle ytringer",
    "vold": "Vold",
    "digital krenkelse": "Digital krenkelse",
    "annet": "Annet",
}
LEVELS = {"individ": "Individ", "gruppe": "Gruppe", "system": "System"}
DECISIONS = {
    "fortsette": "Fortsette",
    "justere": "Justere",
    "avslutte": "Avslutte",
    "ny": "Nytt tiltak",
}
NEXT_ACTIONS = {
    "ny_evaluering": "Planen fortsetter; ny evaluering",
    "ny_versjon": "Planen revideres (ny versjon); ny evaluering",
    "avslutte": "Planen avsluttes; oppfølgingspunkt",
}

# Field names in validation messages; "parent.field" wins over "field".
FIELD_LABELS = {
    "school": "Skole",
    "name": "Navn",
    "municipality": "Kommune",
    "owner_contact": "Kontakt hos skoleeier",
    "case": "Sak",
    "reference": "Saksnummer",
    "opened": "Saken opprettet",
    "rektor_informed": "Rektor kjent med saken",
    "raised_with_rektor_by_home": "Tatt opp med rektor av hjemmet",
    "pupil": "Elev",
    "class": "Klasse",
    "actors": "Involverte",
    "id": "Id",
    "kind": "Type",
    "aliases": "Kallenavn",
    "role": "Rolle",
    "title": "Stilling",
    "guardian_of": "Foresatt til",
    "document_date": "Dokumentdato",
    "report": "Melding",
    "reporter": "Hvem som melder",
    "reported_at": "Meldt tidspunkt",
    "happened_at": "Når det skjedde",
    "arena": "Arena",
    "arena_detail": "Sted",
    "pupil_said_so": "Eleven har sagt fra selv",
    "account": "Hva som ble observert eller fortalt",
    "intervention": "Hva som ble gjort straks",
    "kinds": "Type krenkelse",
    "staff_suspected": "Ansatt mistenkt",
    "leadership_suspected": "Noen i skoleledelsen mistenkt",
    "sent_to_owner": "Sendt direkte til skoleeier",
    "guardians_informed": "Foresatte informert",
    "guardians_informed.at": "Når",
    "guardians_informed.by": "Av hvem",
    "investigation": "Undersøkelse",
    "started_at": "Undersøkelsen startet",
    "watch": "Følge med",
    "interventions": "Gripe inn",
    "reporting": "Melde fra",
    "conversations": "Samtaler",
    "conversations.date": "Dato",
    "conversations.with": "Samtale med",
    "conversations.by": "Samtalen holdt av",
    "conversations.account": "Hva som kom fram",
    "kontradiksjon": "Kontradiksjon",
    "declined": "Ønsket ikke å gi sin versjon",
    "observations": "Observasjoner",
    "observations.date": "Dato",
    "observations.by": "Observatør",
    "findings": "Funn",
    "pupil_voice": "Elevens stemme",
    "analysis": "Analyse",
    "best_interest": "Vurdering av elevens beste",
    "conclusion": "Konklusjon",
    "pupil_safe": "Eleven har et trygt og godt skolemiljø",
    "plan_needed": "Aktivitetsplan trengs",
    "comment": "Kommentar",
    "measures_summary": "Sette inn tiltak",
    "guardians_informed_of_rights": "Foresatte informert om rettigheter",
    "pupil_not_heard_reason": "Hvorfor eleven ikke er snakket med",
    "not_heard_reason": "Hvorfor noen som er pekt ut, ikke er hørt",
    "safe_justification": "Begrunnelse når eleven selv har sagt noe annet",
    "measures_first_reason": "Hvorfor tiltak settes inn før undersøkelsen er ferdig",
    "unadjusted_reason": "Hvorfor tiltak som skulle justeres, er uendret",
    "plan": "Aktivitetsplan",
    "version": "Versjon",
    "created": "Opprettet",
    "responsible": "Ansvarlig leder",
    "problem": "Problemet tiltakene skal løse",
    "background": "Bakgrunn",
    "measures": "Tiltak",
    "description": "Beskrivelse",
    "level": "Nivå",
    "start": "Startdato",
    "frequency": "Hyppighet",
    "end": "Sluttdato",
    "measures.by": "Hvem gjennomfører",
    "evaluate_on": "Evalueringsdato",
    "guardian_views": "Foresattes syn",
    "reviewed_with_pupil_on": "Gjennomgått med elev og foresatte",
    "evaluation": "Evaluering",
    "plan_version": "Planversjon",
    "number": "Evaluering nr.",
    "date": "Dato",
    "planned_date": "Planlagt dato",
    "date_moved_reason": "Hvorfor datoen ble flyttet",
    "participants": "Deltakere",
    "measure": "Tiltak nr.",
    "carried_out": "Gjennomført som planlagt",
    "deviations": "Avvik",
    "effect_pupil": "Effekt slik eleven opplever det",
    "effect_staff": "Effekt slik ansatte ser det",
    "effect_guardians": "Effekt slik foresatte ser det",
    "decision": "Beslutning",
    "pupil_safe_now": "Eleven opplever nå skolemiljøet som trygt og godt",
    "overall": "Samlet vurdering",
    "next": "Videre oppfølging",
    "action": "Hva skjer videre",
    "follow_up_on": "Oppfølgingsdato",
    "external_help_considered": "Ekstern hjelp vurdert",
    "closing": "Avslutning",
    "proposed_by": "Foreslått av",
    "proposed_at": "Foreslått",
    "decided_by": "Besluttet av",
    "decided_at": "Besluttet",
    "decided_as": "Besluttet som",
    "reason": "Begrunnelse",
    "pupil_experience": "Elevens egen opplevelse nå",
    "heard_how": "Hvordan skolen vet det",
    "investigation_finalised_on": "Undersøkelsen ferdigstilt",
    "no_investigation_reason": "Hvorfor saken avsluttes uten ferdigstilt undersøkelse",
    "evaluation_number": "Evaluering nr.",
    "employee": "Ansatt",
    "employer": "Arbeidsgiver",
    "school_plan": "Skolens plan",
    "school_year": "Skoleår",
    "sha256": "Sjekksum (SHA-256)",
    "confirmations": "Bekreftelser",
    "read_plan": "Har lest planen",
    "knows_five_duties": "Kjenner de fem delpliktene",
    "knows_12_5_route": "Kjenner meldingsveien etter § 12-5",
    "knows_confidentiality": "Kjenner taushetsplikten og dokumentasjonskravet",
    "signed_at": "Signert",
    "typed_signature": "Signatur (navn)",
    "rows": "Ansatte",
    "generated_on": "Dato for oversikten",
}
ROW_LABELS = {
    "actors": "Involvert",
    "conversations": "Samtale",
    "observations": "Observasjon",
    "measures": "Tiltak",
    "kinds": "Krenkelse",
    "participants": "Deltaker",
    "aliases": "Kallenavn",
    "rows": "Ansatt",
}


def format_date(value: dt.date | None) -> str:
    return date_text(value) if value is not None else NOT_GIVEN


def format_datetime(value: dt.datetime | None) -> str:
    return moment_text(value) if value is not None else NOT_GIVEN


def yes_no(value: bool) -> str:
    return "Ja" if value else "Nei"


def count_text(count: int, singular: str, plural: str) -> str:
    """«ingen samtaler», «1 samtale», «2 samtaler»: a document never says «samtale(r)»."""
    if count == 0:
        return f"ingen {plural}"
    return f"{count} {singular if count == 1 else plural}"


def days_after_text(days: int) -> str:
    """How long after a moment something started: «samme dag som», «1 dag etter at»,
    «3 dager etter at», and «2 dager før» when it started before it."""
    if days == 0:
        return "samme dag som"
    word = "dag" if abs(days) == 1 else "dager"
    return f"{days} {word} etter at" if days > 0 else f"{-days} {word} før"
