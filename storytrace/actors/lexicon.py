"""Closed-class word lists the rules need: titles, organisation heads, speech verbs.

These are grammar, not knowledge: no person, outlet or place names live here, so the rules
work on pages about any topic. Lists are lowercase and multilingual (en, fr, es, de, it, pt,
ru, ar); a word missing here only costs recall, never invents an entity.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())

#: Words that precede a person's name as a title or role and are not part of the name.
TITLE_WORDS = words(
    """
    mr mrs ms miss dr prof professor sir lord lady sheikh sheik king queen prince princess emir
    president vice prime premier minister ministers secretary chancellor general gen marshal
    field commander chairman chairwoman chair chief head leader strongman colonel col lt
    lieutenant major admiral captain capt sergeant ambassador envoy spokesman spokeswoman
    spokesperson director executive ceo cto cfo founder cofounder co-founder senator sen
    rep representative governor mayor judge justice pope bishop deputy former late interior
    defense defence foreign affairs foreign-affairs finance economy state national security
    special un us u.s. then acting interim self-styled military warlord dictator colonel-general
    russian libyan american turkish egyptian french british german italian chinese syrian
    ukrainian prosecutor analyst researcher commissioner officer official journalist reporter
    m. mme mlle président présidente ministre premier-ministre général maréchal commandant chef
    porte-parole secrétaire ambassadeur émissaire envoyé directeur dirigeant maréchal
    défense intérieur affaires étrangères
    señor señora presidente ministro ministra general mariscal comandante jefe portavoz
    secretario secretaria embajador enviado director canciller defensa interior
    herr frau präsident präsidentin minister ministerin verteidigungsminister aussenminister
    außenminister general kanzler kanzlerin sprecher chef generalsekretär vize
    presidente ministro generale maresciallo portavoce signor ministro della difesa
    президент министр премьер премьер-министр генерал маршал командующий глава председатель
    посол представитель пресс-секретарь директор господин министра президента генерала
    маршала командующего главы
    """)

#: Heads of organisation names: a capitalised span containing one is an organisation.
ORG_HEADS = words(
    """
    government army forces force ministry ministries department council committee commission
    agency agencies office party union organisation organization company corporation corp inc
    ltd llc group bank fund institute university college school association federation league
    parliament congress senate assembly court tribunal police guard guards navy brigade
    brigades battalion militia movement front coalition alliance authority administration
    bureau service services press news times post journal network channel foundation board
    cabinet kremlin pentagon nato un eu
    gouvernement armée forces ministère conseil comité commission agence bureau parti union
    organisation société groupe banque fonds institut université assemblée parlement tribunal
    cour police garde marine brigade mouvement front coalition alliance autorité
    gobierno ejército fuerzas ministerio consejo comité comisión agencia partido unión
    organización empresa grupo banco fondo instituto universidad asamblea parlamento
    regierung armee streitkräfte ministerium rat ausschuss kommission agentur partei gruppe
    bank stiftung universität parlament gericht polizei
    governo esercito forze ministero consiglio agenzia partito gruppo banca
    правительство армия армии силы министерство минобороны совет комитет комиссия агентство
    партия группа группы банк фонд институт университет парламент суд компания армией
    правительства министерства минобороны ведомства
    """)

#: Organisation heads that name an armed or political group (typed "group").
GROUP_HEADS = words(
    """
    group groupe grupo gruppe gruppo группа группы militia militias brigade brigades battalion
    movement front rebels mouvement milice
    """)

#: Verbs and phrases that introduce speech; lowercase word forms.
SPEECH_VERBS = words(
    """
    said says say told tells tell claimed claims claim stated states state added adds
    stressed stresses emphasized emphasised noted notes warned warns insisted insists
    explained explains argued argues asked asks wrote writes tweeted announced announces
    declared declares denied denies confirmed confirms acknowledged admitted replied
    commented remarked suggested urged continued recalled reported reports quoted explains
    saying adding noting warning claiming stating telling called calling described hailed
    indicates indicated
    writes
    according
    dit déclaré déclare affirmé affirme ajouté ajoute estimé estime souligné souligne
    expliqué explique assuré assure indiqué indique précisé précise annoncé annonce
    averti dit-il a-t-il déclare-t-il selon
    dijo declaró afirmó añadió agregó aseguró explicó indicó señaló subrayó según
    sagte sagt erklärte erklärt betonte betont fügte laut
    disse detto dichiarato affermato spiegato secondo
    сказал сказала заявил заявила отметил отметила добавил добавила подчеркнул
    подчеркнула сообщил сообщила пояснил пояснила считает словам отметили заявили сказали
    сообщили подчеркнули говорится
    قال قالت أضاف أضافت أكد أكدت أوضح أوضحت صرح صرحت ذكر ذكرت تابع تابعت أشار أشارت
    اعتبر اعتبرت وفق بحسب حسب دعا دعت طالب طالبت نفى نفت شدد شددت لفت لفتت أعلن أعلنت
    """)

#: Pronouns that can stand for a speaker, per language.
SPEAKER_PRONOUNS = words(
    "he she il elle él ella er sie lui lei он она")

#: First-person words: a paragraph full of them, with no marks, is often a set-off quote.
FIRST_PERSON = words(
    """
    i we us our ours me my je nous notre nos moi yo nosotros nuestro nuestra ich wir uns unser
    io noi nostro я мы нас наш наша нам
    """)

#: Capitalised words that start sentences and are never names on their own.
FUNCTION_WORDS = words(
    """
    the a an this that these those it its he she they we i you his her their our my your
    in on at by for from with without to of and or but if when while after before as
    since until because although though however also yet so then there here what which who
    whom whose where why how all some many most more several each every no not one two
    earlier later meanwhile today yesterday tomorrow last next new first photo source
    read watch follow share related advertisement subscribe monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    le la les un une des du de et ou mais dans sur pour par avec sans ce cette ces il elle
    ils elles nous vous selon lors depuis après avant
    el los las unos unas del y o pero en con sin por para este esta estos estas según
    der die das ein eine und oder aber in mit ohne für von zu im am nach vor
    il lo gli i uno una e ma con per su nel nella
    в на и но с по для из от до после перед это этот эта он она они мы
    """)

#: Lowercase particles allowed inside a name ("Government of National Accord", "bin").
NAME_CONNECTORS = words(
    "of the for de del della di da dos das du des la le van von der den al el bin ben ibn"
    " abu abd")

#: Connectors that may only sit inside organisation names, not person names.
ORG_ONLY_CONNECTORS = words("of the for")

#: Country abbreviations, written in capitals like organisations but typed as places.
PLACE_ACRONYMS = words("US USA UK UAE DRC CAR USSR РФ США")

#: Points of the compass, capitalised as regions ("l’Est libyen") but never an actor alone.
COMPASS_WORDS = words(
    "north south east west northern southern eastern western nord sud est ouest norte sur "
    "este oeste norden süden osten westen север юг восток запад")

#: Capitalised abbreviations of common nouns, never names.
NON_NAME_ACRONYMS = words("AI CEO CTO CFO COO TV PM AM GMT UTC GDP COVID PDF URL FAQ VIDEO PHOTO")

#: Nouns by which news prose refers back to an organisation that speaks ("the company said").
ORG_NOUNS = words(
    "company firm board ministry agency startup entreprise société ministère conseil "
    "compañía empresa ministerio consejo unternehmen ministerium министерство ведомство "
    "компания"
)

#: Role nouns by which prose refers back to a person it introduced ("the minister said").
ROLE_NOUNS = words(
    "minister president premier ambassador envoy spokesman spokeswoman spokesperson chairman "
    "chairwoman commander general marshal secretary chief leader director ceo founder "
    "governor mayor senator ministre président ambassadeur porte-parole commandant général "
    "ministro presidente embajador portavoz comandante minister präsident botschafter sprecher "
    "министр президент посол глава командующий"
)

#: Nouns for sources a page does not name ("an official said", "sources said").
UNNAMED_SOURCES = words(
    "official officials source sources diplomat diplomats analyst analysts expert experts "
    "people residents witnesses insider insiders observers responsable source sources fuente "
    "fuentes quelle quellen источник источники powers governments countries states nations "
    "leaders ministers représentant représentants government authorities gouvernement "
    "autorités gobierno правительство власти"
)
