"""What the people of the demo school year write (trygg.demo.year): one story per kind of
case, in the words a school would use. `{n}` is the pupil's first name; no other name
appears, so the texts pass the name check whoever the pupil is (the person pointed out
is "medeleven"). Stories with a plan end with a plan; the others end at the investigation,
which finds the pupil safe again (a single episode, settled at once).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    kinds: tuple[str, ...]
    arena: str
    account: str  # the report
    intervention: str
    watch: str  # what the school did at once, while investigating
    observed_at: str
    observed: str
    pupil_said: str  # the conversation with the pupil
    other_said: str  # the conversation with the pupil pointed out (kontradiksjon)
    analysis: str
    best_interest: str
    pupil_voice: str
    # Plan stories: the problem and the measures (description, level, frequency);
    # empty for a story the investigation ends.
    problem: str = ""
    measures: tuple[tuple[str, str, str], ...] = ()
    progress: str = ""  # what the pupil says at an evaluation while the plan runs
    effect: str = ""  # what the pupil says when the plan ends
    overall: str = ""


PLAN_STORIES = (
    Story(
        kinds=("utestenging", "mobbing"),
        arena="friminutt",
        account="{n} sto alene ved gjerdet i hele storefri. {n} sa at de andre i klassen "
        "sier at det er fullt når {n} spør om å være med.",
        intervention="Tok {n} med til ballbingen og fikk i gang en lek med flere.",
        watch="Inspektøren i storefri holder seg ved ballbingen og gjerdet fra i dag.",
        observed_at="Skolegården, storefri",
        observed="{n} gikk rundt alene i tjue minutter. To forsøk på å bli med ble avvist.",
        pupil_said="{n} forteller at det har vært slik siden skolestart, nesten hver dag.",
        other_said="Medeleven sier at leken allerede var i gang, men skjønner at det såret.",
        analysis="{n} holdes utenfor i friminuttene over tid. Det er et mønster, ikke "
        "enkeltepisoder, og flere i klassen er med på det.",
        best_interest="Det viktigste for {n} er å ha noen å være sammen med i friminuttene. "
        "Å bytte klasse er vurdert og valgt bort, fordi {n} vil bli i klassen.",
        pupil_voice="I samtalen sa {n} at friminuttene er det verste, og ønsket at en voksen "
        "setter i gang lek. Det ønsket er tiltak 1.",
        problem="{n} blir holdt utenfor leken i storefri av flere i klassen.",
        measures=(
            (
                "Voksen setter i gang organisert lek ved ballbingen",
                "gruppe",
                "hver skoledag kl. 11.30–12.00",
            ),
            (
                "Klassemøte om hvordan vi inkluderer hverandre i lek",
                "system",
                "annenhver fredag i første time",
            ),
            (
                "Kontaktlærer har en kort samtale med {n} om hvordan uka har vært",
                "individ",
                "hver mandag kl. 08.30",
            ),
        ),
        progress="{n} sier at storefri er bedre, men at det fortsatt er tungt på fredager.",
        effect="{n} sier at det er fint å være ute nå og at {n} har faste å leke med.",
        overall="Tiltakene har virket. {n} har et trygt og godt skolemiljø og ønsker ikke "
        "flere tiltak.",
    ),
    Story(
        kinds=("digital krenkelse",),
        arena="digitalt",
        account="{n} viste meg meldinger i en gruppechat for klassen der det står at {n} "
        "er ekkel og burde bytte skole.",
        intervention="Tok skjermbilder sammen med {n} og sa at skolen tar tak i saken i dag.",
        watch="Foresatte i klassen er bedt om å sjekke gruppechatten; kontaktlærer snakker "
        "med klassen samme dag.",
        observed_at="Klasserommet, samtale med klassen",
        observed="Flere elever bekreftet at chatten finnes og at meldingene har gått i uker.",
        pupil_said="{n} forteller at meldingene kommer om kvelden og gjør det vondt å komme "
        "på skolen neste dag.",
        other_said="Medeleven bekrefter å ha skrevet noen av meldingene og sier det var "
        "ment som tull.",
        analysis="Krenkelsene skjer på nett, men virker inn på skoledagen til {n}. Flere "
        "elever har skrevet eller delt meldingene.",
        best_interest="At meldingene stopper, og at {n} slipper å møte dem i klassen. {n} "
        "vil ikke at hele klassen skal vite hvem som sa fra.",
        pupil_voice="{n} vil at de voksne snakker med de som skrev, men ikke i hele klassen. "
        "Det er lagt inn i tiltak 1 og 2.",
        problem="{n} blir hengt ut i en gruppechat for klassen om kveldene.",
        measures=(
            (
                "Samtaler med elevene som skrev meldingene, sammen med foresatte",
                "individ",
                "første uke, deretter hver fjortende dag",
            ),
            (
                "Undervisning om nettvett og digital dømmekraft i klassen",
                "system",
                "to økter i samfunnsfag i oktober",
            ),
            (
                "Kontaktlærer sjekker med {n} hvordan kveldene har vært",
                "individ",
                "tirsdager og torsdager i første friminutt",
            ),
        ),
        progress="{n} sier at det har kommet færre meldinger, men at én elev fortsatt "
        "skriver stygt.",
        effect="{n} sier at chatten er stille nå og at det er greit å gå på skolen.",
        overall="Meldingene har stoppet. {n} opplever skolemiljøet som trygt og godt igjen.",
    ),
    Story(
        kinds=("vold", "mobbing"),
        arena="sfo_aks",
        account="{n} ble dyttet inn i veggen i garderoben på AKS og kom gråtende til meg. "
        "{n} sier at det skjer nesten hver dag.",
        intervention="Skilte elevene, trøstet {n} og ringte hjem samme ettermiddag.",
        watch="En ansatt står i garderoben ved AKS-start fra neste dag.",
        observed_at="Garderoben ved AKS-start",
        observed="Trengsel og dytting ved knaggene. {n} ventet til de andre var gått.",
        pupil_said="{n} forteller om dytting og at sekken blir kastet på gulvet i garderoben.",
        other_said="Medeleven sier det var lek, men innrømmer å ha dyttet flere ganger.",
        analysis="{n} blir utsatt for gjentatt fysisk plaging i en situasjon uten voksne til "
        "stede. Garderoben er det utrygge stedet.",
        best_interest="Tryggheten til {n} i garderoben veier tyngst. Tiltakene retter seg "
        "mot de voksne og medeleven, ikke mot at {n} skal endre noe.",
        pupil_voice="{n} ønsker en voksen i garderoben og vil ikke bytte AKS-gruppe. Begge "
        "ønskene er fulgt.",
        problem="{n} blir dyttet og plaget i garderoben ved AKS-start.",
        measures=(
            (
                "Fast voksen i garderoben fra AKS-start til alle er ute",
                "gruppe",
                "hver dag kl. 13.30–13.45",
            ),
            (
                "Samtaler med medeleven om grenser, og kontakt med hjemmet",
                "individ",
                "hver onsdag i fire uker",
            ),
        ),
        progress="{n} sier at garderoben er rolig når den voksne er der.",
        effect="{n} sier at ingen dytter lenger og at AKS er gøy igjen.",
        overall="Plagingen har stoppet, og {n} sier selv at AKS er et trygt sted.",
    ),
    Story(
        kinds=("rasisme", "andre hatefulle ytringer"),
        arena="klasserom",
        account="{n} fortalte at noen i klassen hermer etter språket til familien og sier at "
        "{n} ikke hører hjemme her.",
        intervention="Stoppet kommentarene i timen og snakket med {n} etterpå.",
        watch="Faglærerne i klassen er varslet og griper inn straks slike ord faller.",
        observed_at="Klasserommet, norsktime",
        observed="Fniss og hermende lyder da {n} leste høyt. Læreren stoppet det.",
        pupil_said="{n} forteller at kommentarene kommer flere ganger i uka og gjør {n} flau.",
        other_said="Medeleven sier det bare var en spøk og at flere gjør det samme.",
        analysis="Kommentarene er rasistiske og rammer {n} over tid. De blir ikke alltid "
        "stoppet, fordi de skjer når læreren snur ryggen til.",
        best_interest="{n} skal ikke måtte forsvare familien sin. Det som veier tyngst er at "
        "kommentarene stopper, og at {n} kan lese høyt uten å grue seg.",
        pupil_voice="{n} sa i samtalen at det hjelper når læreren sier fra med en gang, og "
        "ønsket at klassen lærer om det. Begge deler er med i planen.",
        problem="{n} får rasistiske kommentarer fra medelever i timene.",
        measures=(
            (
                "Undervisningsopplegg om rasisme og fordommer i klassen",
                "system",
                "tre økter i KRLE før høstferien",
            ),
            (
                "Læreren sier fra med en gang og noterer hver hendelse",
                "gruppe",
                "i alle timer i klassen",
            ),
            ("Samtale med {n} om hvordan timene har vært", "individ", "hver fredag kl. 12.00"),
        ),
        progress="{n} sier at kommentarene er blitt sjeldnere.",
        effect="{n} sier at ingen hermer lenger og at det er greit å lese høyt.",
        overall="Kommentarene har stoppet, og {n} opplever klassen som trygg.",
    ),
    Story(
        kinds=("mobbing",),
        arena="skoleveien",
        account="{n} går lang omvei hjem fordi noen eldre elever venter ved undergangen og "
        "tar luen og kaller {n} stygge ting.",
        intervention="Fulgte {n} et stykke på vei og varslet hjemmet.",
        watch="En ansatt står ved porten og undergangen når skolen slutter.",
        observed_at="Undergangen ved skolen, etter skoletid",
        observed="Tre elever ventet ved undergangen. De gikk da den voksne kom.",
        pupil_said="{n} forteller at det har skjedd flere ganger i uka siden september.",
        other_said="Medeleven sier at de bare står der og venter på bussen.",
        analysis="{n} blir plaget på skoleveien av eldre elever. Skolen har ansvar fordi det "
        "skjer rett etter skoletid og gjelder egne elever.",
        best_interest="{n} skal kunne gå den vanlige veien hjem uten å være redd. Følge av "
        "foresatte er vurdert, men {n} vil helst gå med venner.",
        pupil_voice="{n} ønsker å gå hjem med to venner og at en voksen står ved undergangen. "
        "Planen bygger på det.",
        problem="{n} blir plaget av eldre elever ved undergangen på vei hjem.",
        measures=(
            (
                "Ansatt står ved undergangen når skoledagen slutter",
                "gruppe",
                "hver skoledag kl. 14.00–14.20",
            ),
            (
                "Samtaler med de eldre elevene og deres kontaktlærer",
                "individ",
                "to samtaler første uke",
            ),
        ),
        progress="{n} sier at det er roligere, men at {n} fortsatt går omveien noen dager.",
        effect="{n} sier at {n} går den vanlige veien hjem nå og ikke er redd.",
        overall="{n} går trygt hjem igjen. Plagingen har stoppet.",
    ),
    Story(
        kinds=("seksuell trakassering",),
        arena="friminutt",
        account="{n} sa at noen gutter på trinnet kommenterer kroppen og prøver å løfte "
        "på klærne i friminuttet.",
        intervention="Sa tydelig fra til guttene og tok {n} med inn.",
        watch="Inspeksjonen er forsterket ved benkene bak gymsalen.",
        observed_at="Benkene bak gymsalen, storefri",
        observed="Gruppen holdt seg nær {n} og kom med kommentarer. Stoppet av inspeksjonen.",
        pupil_said="{n} forteller at det har pågått i flere uker og at {n} unngår benkene.",
        other_said="Medeleven sier de bare tullet, men forstår at det var krenkende.",
        analysis="Dette er seksuell trakassering som gjentar seg. {n} har begynt å endre "
        "hvor {n} går for å unngå det.",
        best_interest="{n} skal kunne bevege seg fritt i skolegården. Det veier tyngst at "
        "trakasseringen stopper og at {n} blir tatt på alvor.",
        pupil_voice="{n} ønsker at en kvinnelig ansatt tar samtalene og at trinnet lærer om "
        "grenser. Begge deler er fulgt.",
        problem="{n} blir utsatt for seksuell trakassering i friminuttene.",
        measures=(
            (
                "Undervisning om kropp, grenser og samtykke på trinnet",
                "system",
                "fire økter i naturfag i november",
            ),
            (
                "Voksen ved benkene bak gymsalen i alle friminutt",
                "gruppe",
                "hver skoledag i alle friminutt",
            ),
            ("Helsesykepleier har samtaler med {n}", "individ", "hver torsdag kl. 10.00"),
        ),
        progress="{n} sier at kommentarene har stoppet, men at det er vanskelig å glemme.",
        effect="{n} sier at det er trygt i friminuttene og at samtalene har hjulpet.",
        overall="Trakasseringen har stoppet, og {n} opplever friminuttene som trygge.",
    ),
    Story(
        kinds=("uthenging", "digital krenkelse"),
        arena="digitalt",
        account="En video av {n} som snubler i gymtimen er delt på sosiale medier med "
        "stygge kommentarer. {n} vil ikke gå i gym.",
        intervention="Ba elevene som hadde videoen om å slette den, og ringte hjemmet.",
        watch="Kontaktlærer har daglig kontakt med {n}, og mobilregelen i gymtimen er innskjerpet.",
        observed_at="Gymsalen og garderoben",
        observed="Flere elever viste videoen til hverandre før timen. Mobilene ble samlet inn.",
        pupil_said="{n} forteller at det er flaut å gå i gangen, og at flere ler når {n} "
        "kommer forbi.",
        other_said="Medeleven som filmet sier at videoen var morsom og ikke ment vondt.",
        analysis="{n} er hengt ut på nett. Videoen spres videre, og det gjør skoledagen "
        "vanskelig for {n}.",
        best_interest="Det viktigste er at videoen fjernes og at {n} igjen kan delta i gym. "
        "Fritak fra gym er vurdert og valgt bort.",
        pupil_voice="{n} vil at videoen slettes og ønsker å være med i gym igjen med en "
        "trygg voksen til stede.",
        problem="En video som henger ut {n} er delt blant elevene.",
        measures=(
            (
                "Samtaler med elevene som delte videoen, og kontakt med hjemmene",
                "individ",
                "første uke",
            ),
            ("Mobilfri garderobe og gymsal, kontrollert av faglærer", "system", "i alle gymtimer"),
        ),
        progress="{n} sier at videoen er borte, men at noen fortsatt nevner den.",
        effect="{n} sier at ingen snakker om videoen lenger og at gym er greit igjen.",
        overall="Videoen er fjernet og {n} deltar i gym. Skolemiljøet er trygt igjen.",
    ),
    Story(
        kinds=("utestenging",),
        arena="sfo_aks",
        account="{n} blir ikke sluppet inn i leken på AKS. De andre sier at {n} ødelegger "
        "og at ingen vil være med {n}.",
        intervention="Fant en aktivitet sammen med {n} og to andre barn.",
        watch="AKS-personalet deler inn i faste lekegrupper fra neste dag.",
        observed_at="AKS, frilek inne",
        observed="{n} satt alene med et spill i førti minutter mens de andre lekte.",
        pupil_said="{n} forteller at det er slik de fleste dagene og at {n} gruer seg til AKS.",
        other_said="Medeleven sier at {n} ikke følger reglene i leken.",
        analysis="{n} blir holdt utenfor på AKS over tid. De voksne har ikke organisert leken nok.",
        best_interest="{n} trenger faste venner å leke med på AKS. Å slutte på AKS er ikke "
        "et godt alternativ for {n} eller familien.",
        pupil_voice="{n} ønsker å være med på byggeleken og vil ha en voksen som hjelper i "
        "starten. Det er tiltak 1.",
        problem="{n} blir holdt utenfor leken på AKS.",
        measures=(
            (
                "Faste lekegrupper med voksen som starter leken",
                "gruppe",
                "hver dag kl. 14.30–15.00",
            ),
            (
                "Miljøarbeider snakker med {n} om hvordan dagen på AKS har vært",
                "individ",
                "hver fredag ved henting",
            ),
        ),
        progress="{n} sier at byggeleken er fin, men at utetiden fortsatt er ensom.",
        effect="{n} sier at {n} har venner på AKS nå og gleder seg til å gå dit.",
        overall="{n} er med i leken og trives på AKS.",
    ),
)

SAFE_STORIES = (
    Story(
        kinds=("annet",),
        arena="friminutt",
        account="{n} ble lei seg etter en krangel om fotballen i storefri og sa at de andre "
        "var slemme.",
        intervention="Snakket med elevene på banen og fikk dem til å bli enige om reglene.",
        watch="Inspektøren i storefri var ved fotballbanen resten av uka.",
        observed_at="Fotballbanen, storefri",
        observed="Spillet gikk greit. {n} var med og lo sammen med de andre.",
        pupil_said="{n} forteller at det var en enkelt krangel og at det er greit nå.",
        other_said="Medeleven sier at de ble sinte på hverandre, men er venner igjen.",
        analysis="Det var en enkelt konflikt om spilleregler, som ble løst samme dag. Det er "
        "ikke tegn til at {n} blir krenket over tid.",
        best_interest="{n} har det bra med de andre på banen. En plan ville gjort en "
        "løst krangel større enn den var.",
        pupil_voice="{n} sier selv at det er fint i friminuttene nå og ønsker ikke flere tiltak.",
    ),
    Story(
        kinds=("digital krenkelse",),
        arena="digitalt",
        account="{n} ble kastet ut av en spillgruppe på nett og sa at det var med vilje.",
        intervention="Snakket med {n} og med eleven som styrer gruppen.",
        watch="Kontaktlærer snakket med {n} hver dag den uka.",
        observed_at="Klasserommet og friminuttet",
        observed="{n} var sammen med flere i klassen og virket fornøyd.",
        pupil_said="{n} forteller at det var en misforståelse og at {n} er med i gruppen igjen.",
        other_said="Medeleven sier at {n} ble fjernet ved en feil da gruppen ble ryddet.",
        analysis="En misforståelse i en spillgruppe, rettet opp dagen etter. {n} har gode "
        "relasjoner i klassen.",
        best_interest="{n} opplever selv at saken er løst. Det beste er å la det ligge og "
        "spørre igjen om noen uker.",
        pupil_voice="{n} sier at alt er i orden og vil ikke at skolen gjør mer.",
    ),
    Story(
        kinds=("vold",),
        arena="klasserom",
        account="{n} fikk et slag på armen i kø foran klasserommet og begynte å gråte.",
        intervention="Skilte elevene og snakket med begge med en gang.",
        watch="Læreren stod ved døra ved timeskifte resten av uka.",
        observed_at="Gangen ved klasserommet, timeskifte",
        observed="Køen var rolig. {n} stod sammen med to venner.",
        pupil_said="{n} forteller at det skjedde én gang og at de har blitt enige.",
        other_said="Medeleven sier at det var i sinne og har sagt unnskyld.",
        analysis="Et enkelt slag i en trang kø, fulgt opp straks. {n} har ikke opplevd noe "
        "lignende før eller etter.",
        best_interest="{n} føler seg trygg og vil videre. Oppfølging etter noen uker er nok.",
        pupil_voice="{n} sier at det er greit nå, at unnskyldningen var ekte og at {n} ikke "
        "er redd.",
    ),
    Story(
        kinds=("utestenging",),
        arena="annet",
        account="{n} fikk ikke bli med på gruppearbeidet på turdagen og satt alene ved bålet.",
        intervention="Satte {n} inn i en annen gruppe med en gang.",
        watch="Læreren satte sammen gruppene selv de neste ukene.",
        observed_at="Gruppearbeid i klasserommet",
        observed="{n} deltok aktivt i gruppen og fikk ros av de andre.",
        pupil_said="{n} forteller at det bare var den ene dagen og at det går fint ellers.",
        other_said="Medeleven sier at gruppen var full og at de ikke tenkte seg om.",
        analysis="En enkelt gang på turdagen. {n} har venner i klassen og blir ellers inkludert.",
        best_interest="{n} har det bra i klassen. Faste grupper fra læreren hindrer at det "
        "skjer igjen.",
        pupil_voice="{n} sier at det var leit der og da, men at {n} trives i klassen.",
    ),
)
