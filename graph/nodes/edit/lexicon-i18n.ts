/**
 * Edit words in the languages reelgraph accepts briefs in, mapped to the English words the
 * interpreter reads. Phrases (regular expressions on lower-cased text, accents kept) are
 * applied first, then single words; words not listed pass through (numbers, scene content,
 * quoted text). Data only; i18n.ts applies it.
 */

export type Lang = "es" | "fr" | "de" | "pt" | "it" | "nl";

export interface LanguageTable {
  name: string;
  /** Words frequent in instructions of this language and rare in English ones: they identify it. */
  markers: string[];
  phrases: [RegExp, string][];
  words: Record<string, string>;
}

const w = (entries: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const entry of entries.split(/\s*;\s*/).filter(Boolean)) {
    const [keys, value] = entry.split("=") as [string, string];
    for (const k of keys.trim().split(/\s+/)) out[k] = value.trim();
  }
  return out;
};

const ORDINALS_ES = "primera primero primer=first; segunda=second; tercera tercero tercer=third; cuarta cuarto=fourth; quinta quinto=fifth; última último últimas últimos ultima ultimo=last; penúltima penúltimo=second to last";

export const LANGUAGES: Record<Lang, LanguageTable> = {
  es: {
    name: "Spanish",
    markers: ["la", "el", "las", "los", "escena", "escenas", "segundos", "y", "del", "al", "que", "en", "haz", "pon", "elimina", "borra", "mueve", "vídeo", "orden", "última"],
    phrases: [
      [/\b(?:un|en un) (\d+(?:[.,]\d+)?) ?%/g, "by $1 %"],
      [/\b(?:cambia|cambiar|intercambia) de (?:lugar|posición|sitio)\b/g, "swap"],
      [/\ben (?:el )?orden inverso\b/g, "in reverse order"],
      [/\b(?:y )?(?:después|luego|entonces)\b/g, "then"],
      [/\bpor favor\b/g, "please"],
      [/\b(acorta|acortar|recorta|recortar|reduce|reducir|alarga|alargar|extiende|extender)\b(.*?) en (\d)/g, "$1$2 by $3"],
      [/\bantes de(?: la| el)?\b/g, "before the"],
      [/\bdespués de(?: la| el)?\b/g, "after the"],
      [/\bdebe(?:ría)? durar\b/g, "should last"],
      [/\bllamada a la acción\b/g, "cta"],
      [/\b(?:a|por|en) la mitad\b/g, "in half"],
      [/\bal doble de (?:la )?velocidad\b/g, "at double speed"],
      [/\ba (?:la )?mitad de (?:la )?velocidad\b/g, "at half speed"],
      [/\bel doble de rápid[oa]\b/g, "twice as fast"],
      [/\bdos veces más rápid[oa]\b/g, "twice as fast"],
      [/\bcambia de lugar\b/g, "swap"],
      [/\bhaz que\b/g, "make"],
      [/\bmás cort[oa]s?\b/g, "shorter"],
      [/\bmás larg[oa]s?\b/g, "longer"],
      [/\bmás rápid[oa]s?\b/g, "faster"],
      [/\bmás lent[oa]s?\b/g, "slower"],
      [/\b(?:en )?blanco y negro\b/g, "black and white"],
      [/\bmás cálid[oa]s?\b/g, "warmer"],
      [/\bmás frí[oa]s?\b/g, "cooler"],
      [/\bmás (?:luminos[oa]s?|brillantes?|clar[oa]s?)\b/g, "brighter"],
      [/\bmás oscur[oa]s?\b/g, "darker"],
      [/\bmás (?:saturad[oa]s?|viv[oa]s?)\b/g, "more saturated"],
      [/\bdeja (.+?) en (\d)/g, "make $1 $2"],
      [/\bal (principio|inicio|comienzo)\b/g, "to the start"],
      [/\bal final\b/g, "to the end"],
    ],
    words: w(
      "puente=bridge; estribillo coro=chorus; verso estrofa=verse; playa=beach; hoguera fogata fuego=bonfire; azotea terraza=rooftop; fiesta=party; cocina=kitchen; café=coffee; ciudad=city; noche=night; logotipo logo=logo; debe debería=should; intercambia intercambiar permuta permutar=swap; elimina eliminar borra borrar quita quitar suprime suprimir=delete; mueve mover lleva llevar=move; pon poner coloca colocar=put; " +
        "acorta acortar reduce reducir=shorten; recorta recortar=crop; corta cortar=cut; alarga alargar extiende extender prolonga=extend; haz hacer deja=make; hazlo hazla=make it; acelera acelerar=speed up; " +
        "ralentiza ralentizar=slow down; invierte invertir=reverse; duplica duplicar repite repetir=duplicate; reproduce reproducir=play; añade añadir agrega agregar=add; cambia cambiar=change; " +
        "dure dura durar=last; muestra mostrar=show; empieza empezar comienza=start; termina=end; escena=scene; escenas=scenes; toma=shot; tomas=shots; vídeo video=video; anuncio=ad; " +
        "segundos=seconds; segundo=second; compases=bars; compás=bar; orden=order; principio inicio comienzo=start; final fin=end; mitad=half; velocidad=speed; doble=double; " +
        "fundido=fade; transición=transition; cuadrado cuadrada=square; vertical=vertical; horizontal=landscape; cada=each; todas todos=all; todo=everything; " +
        ORDINALS_ES + "; la el los las lo=the; un una=a; y e=and; a=to; al=to the; de=of; del=of the; en=in; con=with; por=by; para=for; que=; antes=before; después=after; más=more; menos=less; " +
        "posición=position; lugar=place; largo larga=long; veces=times; dos=2; tres=3; cuatro=4; cinco=5; seis=6; diez=10; veinte=20",
    ),
  },
  fr: {
    name: "French",
    markers: ["la", "le", "les", "scène", "scènes", "secondes", "et", "du", "des", "au", "dans", "mets", "supprime", "déplace", "vidéo", "ordre", "dernière", "l"],
    phrases: [
      [/\b(?:et )?(?:puis|ensuite)\b/g, "then"],
      [/\bs'il (?:te|vous) plaît\b/g, "please"],
      [/\b(raccourcis|raccourcir|réduis|réduire|rallonge|rallonger|allonge|allonger|prolonge|prolonger)\b(.*?) de (\d)/g, "$1$2 by $3"],
      [/\bappel à l'action\b/g, "cta"],
      [/\b(?:de|par) moitié\b/g, "in half"],
      [/\ben deux\b/g, "in half"],
      [/\bdeux fois plus (?:vite|rapide)\b/g, "twice as fast"],
      [/\bà (?:la )?moitié de (?:la )?vitesse\b/g, "at half speed"],
      [/\bdans l'ordre inverse\b/g, "in reverse order"],
      [/\bl'ordre inverse\b/g, "reverse order"],
      [/\bplus court(?:e|es|s)?\b/g, "shorter"],
      [/\bplus long(?:ue|ues|s)?\b/g, "longer"],
      [/\bplus (?:vite|rapide)s?\b/g, "faster"],
      [/\bplus lente?s?\b/g, "slower"],
      [/\b(?:en )?noir et blanc\b/g, "black and white"],
      [/\bplus chaude?s?\b/g, "warmer"],
      [/\bplus froide?s?\b/g, "cooler"],
      [/\bplus (?:lumineu(?:x|se|ses)|claire?s?)\b/g, "brighter"],
      [/\bplus (?:sombres?|foncée?s?)\b/g, "darker"],
      [/\bplus saturée?s?\b/g, "more saturated"],
      [/\bau (début|commencement)\b/g, "to the start"],
      [/\bà la fin\b/g, "to the end"],
      [/\bdoit durer\b/g, "should last"],
      [/\ben (\w+) position\b/g, "to $1 position"],
      [/\b(\d+(?:[.,]\d+)?) (?:dernières|derniers) (secondes?|mesures?)\b/g, "last $1 $2"],
      [/\b(\d+(?:[.,]\d+)?) (?:premières|premiers) (secondes?|mesures?)\b/g, "first $1 $2"],
    ],
    words: w(
      "refrain=chorus; couplet=verse; pont=bridge; plage=beach; feu=bonfire; toit=rooftop; fête soirée=party; cuisine=kitchen; ville=city; nuit=night; logo=logo; doit=should; échange échanger intervertis intervertir permute permuter=swap; supprime supprimer enlève enlever retire retirer efface effacer=delete; déplace déplacer=move; mets mettre place placer=put; " +
        "raccourcis raccourcir réduis réduire=shorten; coupe couper=cut; rallonge rallonger allonge allonger prolonge prolonger=extend; accélère accélérer=speed up; ralentis ralentir=slow down; " +
        "inverse inverser=reverse; duplique dupliquer répète=duplicate; ajoute ajouter=add; fais faire rends rendre=make; dure durer=last; montre montrer affiche afficher=show; recadre recadrer=crop; " +
        "scène=scene; scènes=scenes; plan=shot; plans=shots; vidéo=video; pub publicité=ad; secondes=seconds; seconde=second; mesures=bars; mesure=bar; ordre=order; début=start; fin=end; " +
        "moitié=half; vitesse=speed; fondu=fade; transition=transition; carré carrée=square; verticale=vertical; chaque=each; toutes tous=all; tout=everything; " +
        "première premier=first; deuxième=second; troisième=third; quatrième=fourth; cinquième=fifth; dernière dernier dernières derniers=last; avant-dernière=second to last; " +
        "la le les l=the; un une=a; et=and; à=to; au aux=to the; de d=of; du des=of the; dans en=in; avec=with; par=by; pour=for; avant=before; après=after; fois=times; " +
        "deux=2; trois=3; quatre=4; cinq=5; six=6; dix=10; vingt=20; que=; qu=",
    ),
  },
  de: {
    name: "German",
    markers: ["die", "der", "das", "den", "szene", "szenen", "sekunden", "und", "auf", "lösche", "verschiebe", "reihenfolge", "letzte", "mach", "zeig", "kürze", "ende", "anfang"],
    phrases: [
      [/\bin umgekehrter reihenfolge\b/g, "in reverse order"],
      [/\b(?:und )?(\S+) (?:dann|danach|anschließend)\b/g, "then $1"],
      [/\bbitte\b/g, "please"],
      [/\b(\d+(?:[.,]\d+)?) sekunden? dauern\b/g, "last $1 seconds"],
      [/\bdoppelt so schnell\b/g, "twice as fast"],
      [/\bmit halber geschwindigkeit\b/g, "at half speed"],
      [/\bhalbe geschwindigkeit\b/g, "half speed"],
      [/\ban den (anfang|beginn|start)\b/g, "to the start"],
      [/\ban das ende\b|\ban den schluss\b|\bans ende\b/g, "to the end"],
      [/\bum\s*$/g, ""],
      [/\b(?:ab|weg|hinzu)\s*$/g, ""],
      [/\bkürzer\b/g, "shorter"],
      [/\blänger\b/g, "longer"],
      [/\bschneller\b/g, "faster"],
      [/\blangsamer\b/g, "slower"],
      [/\b(?:in )?schwarz[- ]?wei(?:ß|ss)\b/g, "black and white"],
      [/\bwärmer\b/g, "warmer"],
      [/\b(?:kühler|kälter)\b/g, "cooler"],
      [/\bheller\b/g, "brighter"],
      [/\bdunkler\b/g, "darker"],
      [/\b(?:gesättigter|satter)\b/g, "more saturated"],
      [/\bsoll(?:te|en)? (.+?) sein\s*$/g, "should be $1"],
      [/\bkehre\b/g, "reverse"],
      [/\bdrehe\b/g, "reverse"],
    ],
    words: w(
      "refrain=chorus; strophe=verse; strand=beach; lagerfeuer feuer=bonfire; dach dachterrasse=rooftop; party=party; küche=kitchen; kaffee=coffee; stadt=city; nacht=night; logo=logo; dauern dauert=last; tausche tauschen vertausche vertauschen wechsle wechseln=swap; lösche löschen entferne entfernen streiche=delete; verschiebe verschieben schiebe=move; setze setzen stelle stellen lege=put; " +
        "kürze kürzen verkürze verkürzen=shorten; verlängere verlängern=extend; schneide schneiden=cut; beschleunige beschleunigen=speed up; verlangsame verlangsamen=slow down; " +
        "dupliziere duplizieren wiederhole=duplicate; halbiere halbieren=halve; mach mache machen=make; zeig zeige zeigen=show; spiele spiel abspielen=play; füge=add; beginne=start; " +
        "szene=scene; szenen=scenes; einstellung=shot; video=video; werbung spot=ad; sekunden=seconds; sekunde=second; takte=bars; takt=bar; reihenfolge=order; anfang beginn=start; ende schluss=end; " +
        "hälfte=half; geschwindigkeit=speed; überblendung=dissolve; blende=fade; quadratisch=square; hochformat=vertical; querformat=landscape; jede jeder jedes=each; alle=all; alles=everything; " +
        "erste ersten erster=first; zweite zweiten=second; dritte dritten=third; vierte vierten=fourth; fünfte fünften=fifth; letzte letzten letzter=last; vorletzte=second to last; " +
        "der die das den dem des=the; ein eine einen=a; und=and; an auf zu=to; zum zur=to the; in im=in; mit=with; um=by; von vom=of; für=for; vor=before; nach=after; lang=long; soll sollte=should; sein=be; " +
        "mal=times; zwei=2; drei=3; vier=4; fünf=5; sechs=6; zehn=10; zwanzig=20",
    ),
  },
  pt: {
    name: "Portuguese",
    markers: ["a", "o", "as", "os", "cena", "cenas", "segundos", "e", "da", "do", "para", "nos", "troque", "apague", "mova", "coloque", "vídeo", "ordem", "última"],
    phrases: [
      [/\bem ordem inversa\b/g, "in reverse order"],
      [/\b(?:e )?(?:depois|então|em seguida)\b/g, "then"],
      [/\bpor favor\b/g, "please"],
      [/\b(encurte|encurtar|reduza|reduzir|corte|cortar|alongue|alongar|estenda|estender)\b(.*?) em (\d)/g, "$1$2 by $3"],
      [/\bdeve durar\b/g, "should last"],
      [/\bchamada para (?:a )?ação\b/g, "cta"],
      [/\b(?:pela|na|à) metade\b/g, "in half"],
      [/\bduas vezes mais rápid[oa]\b/g, "twice as fast"],
      [/\bcom (\d+(?:[.,]\d+)?) segundos\b/g, "$1 seconds"],
      [/\bmais curt[oa]s?\b/g, "shorter"],
      [/\bmais long[oa]s?\b/g, "longer"],
      [/\bmais rápid[oa]s?\b/g, "faster"],
      [/\bmais lent[oa]s?\b/g, "slower"],
      [/\b(?:em )?preto e branco\b/g, "black and white"],
      [/\bmais quentes?\b/g, "warmer"],
      [/\bmais fri[oa]s?\b/g, "cooler"],
      [/\bmais (?:clar[oa]s?|luminos[oa]s?)\b/g, "brighter"],
      [/\bmais escur[oa]s?\b/g, "darker"],
      [/\bmais saturad[oa]s?\b/g, "more saturated"],
      [/\bpara o (início|começo)\b/g, "to the start"],
      [/\bpara o final\b|\bpara o fim\b|\bno final\b/g, "to the end"],
      [/\b(mova|coloque|ponha|põe|troque|apague|remova|encurte|corte|duplique|inverta) (a|o|as|os) /g, "$1 the "],
    ],
    words: w(
      "refrão=chorus; verso estrofe=verse; ponte=bridge; praia=beach; fogueira fogo=bonfire; terraço=rooftop; festa=party; cozinha=kitchen; café=coffee; cidade=city; noite=night; logo logotipo=logo; apaga remove=delete; move=move; deve=should; troque trocar troca=swap; apague apagar remova remover exclua excluir elimine eliminar tire tirar=delete; mova mover=move; coloque colocar ponha põe=put; " +
        "encurte encurtar reduza reduzir=shorten; corte cortar=cut; alongue alongar estenda estender prolongue=extend; acelere acelerar=speed up; desacelere=slow down; " +
        "inverta inverter=reverse; duplique duplicar repita=duplicate; deixe faça fazer=make; adicione adicionar=add; mostre mostrar=show; dure durar=last; recorte=crop; " +
        "cena=scene; cenas=scenes; vídeo video=video; anúncio=ad; segundos=seconds; segundo=second; compassos=bars; compasso=bar; ordem=order; início começo=start; final fim=end; " +
        "metade=half; velocidade=speed; transição=transition; quadrado=square; vertical=vertical; cada=each; todas todos=all; tudo=everything; " +
        "primeira primeiro=first; segunda=second; terceira terceiro=third; quarta quarto=fourth; quinta quinto=fifth; última último últimas últimos=last; penúltima=second to last; " +
        "a o as os=the; um uma=a; e=and; para=to; ao=to the; de=of; da do das dos=of the; no na nos nas=in the; em=in; com=with; por=by; antes=before; depois=after; vezes=times; " +
        "duas dois=2; três=3; quatro=4; cinco=5; seis=6; dez=10; vinte=20; que=",
    ),
  },
  it: {
    name: "Italian",
    markers: ["la", "il", "le", "lo", "scena", "secondi", "e", "della", "delle", "negli", "nella", "scambia", "sposta", "metti", "elimina", "ordine", "ultima", "l", "all"],
    phrases: [
      [/\b(?:inverti|invertire|scambia|scambiare) (?:di )?posto (?:a |alle |ai )?\b/g, "swap "],
      [/\bin ordine inverso\b/g, "in reverse order"],
      [/\b(?:e )?(?:poi|quindi|dopo di che)\b/g, "then"],
      [/\bper (?:favore|piacere)\b/g, "please"],
      [/\b(accorcia|accorciare|riduci|ridurre|allunga|allungare|estendi|estendere)\b(.*?) di (\d)/g, "$1$2 by $3"],
      [/\bprima (?:della|del|dello|dell'|delle|dei|degli|di)\b/g, "before the"],
      [/\bdopo (?:la|il|lo|l')\b/g, "after the"],
      [/\binvito all'azione\b/g, "cta"],
      [/\ba metà\b|\bdi metà\b|\bin due\b/g, "in half"],
      [/\bdue volte più veloce\b/g, "twice as fast"],
      [/\ba metà velocità\b/g, "at half speed"],
      [/\bpiù cort[oa]\b/g, "shorter"],
      [/\bpiù lung[oa]\b/g, "longer"],
      [/\bpiù veloce\b/g, "faster"],
      [/\bpiù lent[oa]\b/g, "slower"],
      [/\b(?:in )?bianco e nero\b/g, "black and white"],
      [/\bpiù cald[oae]\b/g, "warmer"],
      [/\bpiù fredd[oae]\b/g, "cooler"],
      [/\bpiù (?:luminos[oae]|chiar[oae])\b/g, "brighter"],
      [/\bpiù scur[oae]\b/g, "darker"],
      [/\bpiù satur[oae]\b/g, "more saturated"],
      [/\ball'inizio\b/g, "to the start"],
      [/\balla fine\b/g, "to the end"],
      [/\bdeve durare\b/g, "should last"],
      [/\bfai durare (.+?) (\d)/g, "make $1 $2"],
      [/\bprima di\b/g, "before"],
    ],
    words: w(
      "ritornello=chorus; strofa=verse; ponte=bridge; spiaggia=beach; falò fuoco=bonfire; terrazza tetto=rooftop; festa=party; cucina=kitchen; caffè=coffee; città=city; notte=night; logo=logo; deve=should; scambia scambiare=swap; elimina eliminare rimuovi rimuovere togli togliere cancella cancellare=delete; sposta spostare=move; metti mettere=put; " +
        "accorcia accorciare riduci ridurre=shorten; taglia tagliare=cut; allunga allungare estendi estendere prolunga=extend; velocizza velocizzare accelera accelerare=speed up; rallenta rallentare=slow down; " +
        "inverti invertire=reverse; duplica duplicare ripeti=duplicate; dimezza dimezzare=halve; fai fare rendi rende rendere porta=make; aggiungi aggiungere=add; mostra mostrare=show; inizia iniziare comincia=start; " +
        "durare dura=last; ritaglia=crop; scena=scene; scene=scenes; video=video; spot=ad; secondi=seconds; secondo=second; battute=bars; battuta=bar; ordine=order; inizio=start; fine=end; " +
        "metà=half; velocità=speed; dissolvenza=fade; transizione=transition; quadrato=square; verticale=vertical; ogni=each; tutte tutti=all; tutto=everything; " +
        "prima primo=first; seconda=second; terza terzo=third; quarta quarto=fourth; quinta quinto=fifth; ultima ultimo ultime ultimi=last; penultima=second to last; " +
        "la il lo le i gli l=the; un una uno=a; e ed=and; a ad=to; al alla allo all ai agli alle=to the; di=of; del della dello dell dei degli delle=of the; " +
        "in=in; nel nella nello nell nei negli nelle=in the; con=with; per=by; dopo=after; volte=times; due=2; tre=3; quattro=4; cinque=5; sei=6; dieci=10; venti=20; che=",
    ),
  },
  nl: {
    name: "Dutch",
    markers: ["de", "het", "scène", "scènes", "seconden", "en", "van", "aan", "zet", "wissel", "verwijder", "volgorde", "laatste", "maak", "speel", "halveer", "eerste"],
    phrases: [
      [/\bin omgekeerde volgorde\b/g, "in reverse order"],
      [/\b(?:en )?(\S+) (?:daarna|vervolgens|dan)\b/g, "then $1"],
      [/\b(?:alsjeblieft|alstublieft|graag)\b/g, "please"],
      [/\b(verkort|kort|verleng|knip)\b(.*?) met (\d)/g, "$1$2 by $3"],
      [/\btwee keer zo snel\b/g, "twice as fast"],
      [/\bop halve snelheid\b/g, "at half speed"],
      [/\baan het (begin|start)\b/g, "to the start"],
      [/\baan het (?:einde|eind)\b|\bachteraan\b/g, "to the end"],
      [/\bvooraan\b/g, "to the start"],
      [/\bdraai (.+?) om\s*$/g, "reverse $1"],
      [/\b(?:af|om|toe)\s*$/g, ""],
      [/\bkorter\b/g, "shorter"],
      [/\blanger\b/g, "longer"],
      [/\bsneller\b/g, "faster"],
      [/\bzwart[- ]?wit\b/g, "black and white"],
      [/\b(?:koeler|kouder)\b/g, "cooler"],
      [/\b(?:lichter|helderder)\b/g, "brighter"],
      [/\bdonkerder\b/g, "darker"],
      [/\btrager\b|\blangzamer\b/g, "slower"],
      [/\bbegin met\b/g, "start with"],
    ],
    words: w(
      "refrein=chorus; couplet=verse; brug=bridge; strand=beach; kampvuur vuur=bonfire; dak dakterras=rooftop; feest=party; keuken=kitchen; koffie=coffee; stad=city; nacht=night; logo=logo; wissel verwissel ruil=swap; verwijder wis schrap=delete; verplaats=move; zet plaats leg=put; verkort kort=shorten; knip=cut; verleng=extend; versnel=speed up; vertraag=slow down; " +
        "keer=times; dupliceer herhaal kopieer=duplicate; halveer=halve; maak=make; speel=play; toon=show; voeg=add; duren duurt=last; " +
        "scène scene=scene; scènes scenes=scenes; shot=shot; video filmpje=video; advertentie reclame=ad; seconden=seconds; seconde=second; maten=bars; maat=bar; volgorde=order; begin start=start; einde eind=end; " +
        "helft=half; snelheid=speed; overgang=transition; vierkant=square; verticaal staand=vertical; elke iedere=each; alle=all; alles=everything; " +
        "eerste=first; tweede=second; derde=third; vierde=fourth; vijfde=fifth; laatste=last; voorlaatste=second to last; " +
        "de het=the; een=a; en=and; aan naar tot=to; in=in; met=with; van=of; voor=before; na=after; lang=long; moet=should; zijn=be; zo=as; snel=fast; " +
        "twee=2; drie=3; vier=4; vijf=5; zes=6; tien=10; twintig=20",
    ),
  },
};
