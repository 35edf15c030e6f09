"""Quotes in one page: what was said, by whom, and through which channel.

Three kinds, found in this order:

- `direct`: words inside quote marks (“…”, «…», „…“, "…") with a speech verb in the same
  sentence ("“…,” Shoigu told …", "Bashagha claimed that the Russians “…”", "X: «…»");
  a quote that fills its own paragraph may have its verb in the paragraph before.
- `block`: a paragraph in the speaker's first person set off without marks, right after
  a paragraph in which that speaker spoke ("… told Bloomberg that …" then "If the US asks
  for a base, … we wouldn't mind").
- `reported`: "X said that …" without marks.

The speaker is the entity next to the speech verb; a pronoun ("he said") is the first
person named in the closest earlier sentence that names one, which is how news prose
introduces a speaker before quoting them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from storytrace.actors.lexicon import (
    FIRST_PERSON,
    ORG_NOUNS,
    ROLE_NOUNS,
    SPEAKER_PRONOUNS,
    SPEECH_VERBS,
    UNNAMED_SOURCES,
    words,
)
from storytrace.actors.records import Entity

MIN_QUOTE_WORDS = 3

_PAIRS = [("“", "”"), ("«", "»"), ("„", "“"), ("„", "”"), ('"', '"'), ("‘", "’"), ("「", "」")]
_QUOTE = re.compile("|".join(
    [rf"{re.escape(o)}(?P<q{i}>[^{re.escape(o + c)}\n]{{3,}}?){re.escape(c)}"
     for i, (o, c) in enumerate(_PAIRS)]
    # an opening mark whose closing one the page lost: the quote runs to the paragraph end
    + [rf"{re.escape(o)}(?P<u{i}>[^{re.escape(o)}”»“\n]{{20,}})$" for i, o in enumerate("“«„")]
), re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\"”»’]+(?=[\"“«„‘(]?[^\W\d_])|\n")
_WORDS = re.compile(r"\w+(?:['’]\w+)*")
_THAT = {"that", "que", "qu", "что", "أن", "dass", "che", "quod"}
_CHANNEL_PATTERNS = [
    re.compile(r"\b(?:told|to|tells)\s+((?:the\s+)?(?:[A-Z][\w’'\-.]*)(?:\s+[A-Z][\w’'\-.]*)*)"
               r"(?=\s*(?:$|[,.;:]|that\b|on\b|in\b|about\b|last\b|this\b|earlier\b))"),
    re.compile(r"\b(?:in|during|via)\s+(?:an?\s+|his\s+|her\s+|their\s+)?"
               r"((?:interview|remarks|statement|press conference|speech|comments|post|tweet|"
               r"briefing|video|message)[^,.;:“”«»\"]*)", re.I),
    re.compile(r"\b(?:according to|quoted by|cited by)\s+([^,.;:“”«»\"]+)", re.I),
    re.compile(r"\b(?:à|au|a)\s+((?:l[’'])?(?:agence|journal|quotidien|chaîne)?\s*[A-Z«][^,.;]*)"),
    re.compile(r"\b(?:в интервью|агентству|изданию|газете)\s+([^,.;]+)"),
    re.compile(r"(?:لوكالة|لصحيفة|لقناة|مع وكالة|مع صحيفة)\s+([^،,.;]+)"),
]


@dataclass
class Quote:
    """One quote on one page; offsets index the page text."""

    text: str
    start: int
    end: int
    kind: str  # "direct", "block" or "reported"
    speaker: Entity | None  # the mention the quote is attributed to (None: unnamed source)
    speaker_text: str | None  # how the speaker was written at the attribution ("he", "they")
    channel: str | None


#: Characters either side of a paragraph whose names can be its speakers (a pronoun's
#: antecedent, the organisation named before). Every sentence scans these names, so on a
#: live blog scanning the whole page's names was quadratic; news pages are shorter than
#: this, so on them every name is still in reach.
QUOTE_CONTEXT_CHARS = 20_000


def extract_quotes(text: str, entities: list[Entity]) -> list[Quote]:
    """Quotes of one page, attributed to entity mentions found by entities.py."""
    all_speakers = sorted((e for e in entities if e.type in ("person", "org", "group", "place")),
                          key=lambda e: e.start)
    starts = [e.start for e in all_speakers]
    quotes: list[Quote] = []
    paragraphs = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)
                  if m.group().strip()]
    previous: Quote | None = None
    for i, (p_start, para) in enumerate(paragraphs):
        speakers = all_speakers[
            bisect_left(starts, p_start - QUOTE_CONTEXT_CHARS):
            bisect_left(starts, p_start + len(para) + QUOTE_CONTEXT_CHARS)
        ]
        found = _direct_quotes(text, p_start, para, speakers, previous)
        block = None if found else (_block_quote(p_start, para, speakers, previous, i > 0)
                                    or _colon_quote(text, p_start, para, speakers))
        if block:
            found = [block]
        else:
            found += _reported(text, p_start, para, speakers, found)
            found.sort(key=lambda q: q.start)
        quotes.extend(found)
        attributed = [q for q in found if q.speaker is not None or q.speaker_text]
        intro = _introduction(text, p_start, para, speakers)
        previous = attributed[-1] if attributed else intro
    return quotes


_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Gen|St|Jr|Prof|Lt|Col|Sgt|Capt|Gov|Sen|Rep|No|Mt)\.)$")


def _sentences(p_start: int, para: str) -> list[tuple[int, int]]:
    """Absolute (start, end) of each sentence of a paragraph ("U.S." does not end one)."""
    bounds, last = [], 0
    for m in _SENTENCE_END.finditer(para):
        if _ABBREVIATION.search(para[:m.start()]):
            continue
        bounds.append((p_start + last, p_start + m.start()))
        last = m.end()
    bounds.append((p_start + last, p_start + len(para)))
    return [b for b in bounds if b[1] > b[0]]


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return next((s for s in sentences if s[0] <= pos < s[1] + 1), sentences[-1])


def _direct_quotes(
    text: str, p_start: int, para: str, speakers: list[Entity], previous: Quote | None
) -> list[Quote]:
    sentences = _sentences(p_start, para)
    out = []
    for m in _QUOTE.finditer(para):
        inner = next(g for g in m.groups() if g is not None)
        if len(_WORDS.findall(inner)) < MIN_QUOTE_WORDS:
            continue
        q_start = p_start + m.start() + 1
        q_end = q_start + len(inner)
        s_start, s_end = _sentence_of(sentences, q_start)
        s_end = max(s_end, _sentence_of(sentences, q_end)[1])
        before = text[s_start:q_start - 1]
        after = text[q_end + 1:s_end]
        attribution = _attribute(text, q_start, q_end, before, after, speakers)
        if attribution is None and _whole_paragraph(para, m) and previous is not None:
            attribution = (previous.speaker, previous.speaker_text, previous.channel)
        if attribution is None and out and not before.strip():
            last = out[-1]  # a sentence that only continues the quote before it
            attribution = (last.speaker, last.speaker_text, last.channel)
        if attribution is None and _whole_paragraph(para, m) and len(
                _WORDS.findall(inner)) >= 8:
            attribution = (None, None, None)  # a paragraph in quote marks is speech
        if attribution is None:
            continue  # scare quotes or a title, not speech
        speaker, written, channel = attribution
        if out and written and written.lower() in SPEAKER_PRONOUNS:
            speaker = out[-1].speaker  # "…», a indiqué le représentant. Il a ajouté « … »"
        out.append(Quote(inner.strip(" ,.;"), q_start, q_end, "direct", speaker, written,
                         channel))
    return out


def _whole_paragraph(para: str, m: re.Match) -> bool:
    return len(m.group()) >= 0.8 * len(para.strip())


def _attribute(
    text: str, q_start: int, q_end: int, before: str, after: str, speakers: list[Entity]
) -> tuple[Entity | None, str | None, str | None] | None:
    """(speaker mention, speaker as written, channel) from the quote's sentence, or None.

    After the quote the speaker sits right by the verb ("…,” Shoigu told"); before it the
    speaker is the verb's subject ("X said Y “…”"), or follows the verb in verb-first
    languages and inversions ("قال باشاغا", "said Shoigu").
    """
    tail_start = q_end + 1
    tail = after[:120]
    verb = _speech_verb(tail)
    head_verb = _speech_verb(before, last=True)
    if verb is not None and head_verb is not None and (
            len(before) - head_verb.end() < verb.start()):
        verb = None  # "Dbeibah said … “…”, …, the ministry said": the nearer verb wins
    if verb is not None:
        limit = min(tail_start + verb.end() + 40, tail_start + len(tail))
        names = [e for e in speakers if tail_start <= e.start < limit
                 and not _is_complement(text, e) and not _is_possessor(text, e)]
        return (*_pick(text, tail, tail_start, verb, names, q_start, speakers),
                _channel(after))
    head_start = q_start - 1 - len(before)
    verb = head_verb
    colon = before.rstrip().endswith(":")
    if verb is None and not colon:
        return None
    verb_at = head_start + (verb.start() if verb else len(before.rstrip()) - 1)
    names = _subjects(text, speakers, head_start, verb_at)
    subject = before[:verb_at - head_start]
    speaker, written = _pick(text, subject, head_start, None, names, verb_at, speakers)
    if written is None and verb is not None and verb.group().lower() not in _OBJECT_VERBS:
        after_verb = [e for e in speakers if verb_at < e.start <= head_start + verb.end() + 2
                      and not _is_complement(text, e)]
        if after_verb:  # verb-first: "قال باشاغا", "said Shoigu"
            speaker, written = after_verb[0], after_verb[0].text
    return speaker, written, _channel(before)


def _subjects(text: str, speakers: list[Entity], start: int, verb_at: int) -> list[Entity]:
    """Names that can be the subject of the verb at verb_at: close to it, or separated from
    it only by an apposition ("Fathi Bashagha, the interior minister …, told")."""
    out = []
    for e in speakers:
        if not (start <= e.start and e.end <= verb_at) or _is_complement(text, e):
            continue
        gap = text[e.end:verb_at]
        if _is_possessor(text, e):
            continue
        relative = re.match(r"\s*,?\s*(?:qui|who|which|quien|который|которая)\b", gap)
        if len(gap.split()) <= 4 and not re.search(r"[.;!?]", gap) or gap.startswith(
                (",", " (")) or relative:
            out.append(e)
    return out


_PREPOSITIONS = words(
    "to of from by with for near close about against in on at into than after before since "
    "like over under between among across through without within behind via despite toward "
    "towards upon beyond including and or told tells de à du des par pour avec en del al a con "
    "por para von mit für zu an в на с от для к по из مع في من إلى على عن عبر"
)


#: Verbs whose following name is the one spoken to, not the speaker.
_OBJECT_VERBS = words("told tells tell informed")


_SOURCE_INTRO = re.compile(
    r"(?:according to|quoted by|cited by|reported by|selon|según|laut|d[’']après)\s+(?:the\s+)?$",
    re.I)


def _is_possessor(text: str, ent: Entity) -> bool:
    """"Mali's Tuareg rebels said": Mali owns the subject, it is not the subject."""
    return text[ent.end:ent.end + 2] in ("'s", "’s")


def _is_complement(text: str, ent: Entity) -> bool:
    """'a source close to Haftar': a name after a preposition is not the subject."""
    if text[max(0, ent.start - 2):ent.start].strip() == "(":
        return True  # an acronym or name in parentheses glosses the words before it
    if _SOURCE_INTRO.search(text[max(0, ent.start - 20):ent.start]):
        return False  # "according to NASA": the source itself
    words_before = re.findall(r"[\w’']+", text[max(0, ent.start - 30):ent.start].lower())
    while words_before and words_before[-1] in {"the", "le", "la", "les", "el", "los", "las",
                                                "die", "der"}:
        words_before.pop()
    return bool(words_before) and words_before[-1] in _PREPOSITIONS


def _pick(
    text: str, window: str, w_start: int, verb: re.Match | None, names: list[Entity],
    anchor: int, speakers: list[Entity],
) -> tuple[Entity | None, str | None]:
    """The named speaker nearest the verb, preferring people; else who the pronoun or the
    role noun ("the minister", "the company") refers to."""
    if names:
        at = w_start + (verb.start() if verb else len(window))
        rank = {"person": 0, "org": 1, "group": 1}
        best = min(names, key=lambda e: (rank.get(e.type, 2), abs(e.start - at)))
        nominal = _nominal(text, window, anchor, speakers) if best.type == "place" else None
        if nominal and nominal[1] is not None:
            return nominal  # "The US president said": the president, not the US
        return best, best.text
    pron = re.search(r"\b(" + "|".join(SPEAKER_PRONOUNS) + r")\b", window, re.I)
    if pron:
        return _antecedent(text, anchor, speakers), pron.group()
    return _nominal(text, window, anchor, speakers)


def _nominal(
    text: str, window: str, anchor: int, speakers: list[Entity]
) -> tuple[Entity | None, str | None]:
    """'the minister said' → who was introduced as minister; 'the company said' → the
    organisation last named; 'an official said' → an unnamed source."""
    for m in re.finditer(r"[\w’'\-]+", window):
        word = m.group().lower()
        if word in ROLE_NOUNS:
            holder = _role_holder(text, word, anchor, speakers)
            return holder or _antecedent(text, anchor, speakers), m.group()
        if word in UNNAMED_SOURCES:
            return None, m.group()
        if word in ORG_NOUNS:
            return _last_org(text, anchor, speakers), m.group()
    return None, None


def _role_holder(text: str, role: str, anchor: int, speakers: list[Entity]) -> Entity | None:
    """The person last introduced with this role ('the Ambassador … Georgy Borisenko')."""
    for m in reversed(list(re.finditer(rf"\b{re.escape(role)}\b", text[:anchor], re.I))):
        role_end = m.end()
        near = [e for e in speakers if e.type == "person" and role_end <= e.start < role_end + 80
                and e.end <= anchor]
        if near:
            return near[0]
    return None


_OWNED_BY = re.compile(
    r"\b(?:board|company|firm|conseil d[’']administration|conseil|consejo)\s+(?:of|de|d[’']|del)"
    r"\s*(?:the\s+|la\s+|l[’'])?(?:[\w-]+\s+){0,2}$", re.I)


def _last_org(text: str, anchor: int, speakers: list[Entity]) -> Entity | None:
    """Last organisation named before, else the first named after ('the company said …
    OpenAI'); a lone word tagged as a person ('OpenAI') also qualifies."""
    surnames = {e.text.split()[-1] for e in speakers if e.type == "person" and " " in e.text}

    def org_like(e: Entity) -> bool:
        return e.type in ("org", "group") or (
            e.type == "person" and " " not in e.text and e.text not in surnames)

    owned = [e for e in speakers if e.end <= anchor and _OWNED_BY.search(
        text[max(0, e.start - 40):e.start])]
    if owned:
        return owned[-1]  # "the board of OpenAI", "le conseil d'administration d'OpenAI"
    before = [e for e in speakers if e.end <= anchor and org_like(e)]
    after = [e for e in speakers if e.start > anchor and org_like(e)]
    return before[-1] if before else (after[0] if after else None)


def _speech_verb(window: str, last: bool = False) -> re.Match | None:
    """The first (or last) speech verb of a window of text."""
    found = None
    for m in re.finditer(r"[\w’'\-]+", window):
        word = m.group().lower()
        if word in SPEECH_VERBS or (word[:1] in "وف" and word[1:] in SPEECH_VERBS):
            if not last:
                return m
            found = m
    return found


def _antecedent(text: str, pos: int, speakers: list[Entity]) -> Entity | None:
    """First person named in the closest earlier sentence that names a person."""
    people = [e for e in speakers if e.type == "person" and e.end <= pos
              and not _inside_quote(text, e.start)]
    if not people:
        return None
    last = people[-1]
    line_start = text.rfind("\n", 0, last.start) + 1
    ends = [m.end() for m in re.finditer(r"[.!?]\s", text[line_start:last.start])
            if not _ABBREVIATION.search(text[line_start:line_start + m.start() + 1])]
    sentence_start = line_start + (ends[-1] if ends else 0)
    return next(e for e in people if e.start >= sentence_start)


def _inside_quote(text: str, pos: int) -> bool:
    """True when pos lies between quote marks on its line (a name the speaker mentions)."""
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    opened = line.count("“") + line.count("«") + line.count("„")
    closed = line.count("”") + line.count("»")
    return opened > closed or line.count('"') % 2 == 1


def _channel(window: str) -> str | None:
    for pattern in _CHANNEL_PATTERNS:
        m = pattern.search(window)
        if m:
            channel = m.group(1).strip(" ,")
            if channel and channel.lower() not in {"the", "him", "her"}:
                return channel
    return None


def _introduction(
    text: str, p_start: int, para: str, speakers: list[Entity]
) -> Quote | None:
    """The last speech act of a paragraph ("… told Bloomberg that …"), to carry a speaker
    into a following block quote; returned as an unmarked pseudo-quote."""
    verbs = [m for m in re.finditer(r"[\w’'\-]+", para) if m.group().lower() in SPEECH_VERBS]
    if not verbs:
        return None
    verb = verbs[-1]
    sentences = _sentences(p_start, para)
    s_start, _ = _sentence_of(sentences, p_start + verb.start())
    window = text[s_start:p_start + verb.start()]
    names = _subjects(text, speakers, s_start, p_start + verb.start())
    speaker, written = _pick(text, window, s_start, None, names, p_start + verb.start(),
                             speakers)
    if speaker is None:
        return None
    return Quote("", 0, 0, "intro", speaker, written, _channel(para[verb.start():]))


def _block_quote(
    p_start: int, para: str, speakers: list[Entity], previous: Quote | None, has_prev: bool,
) -> Quote | None:
    """A first-person paragraph without marks, right after its speaker spoke."""
    if previous is None or not has_prev or previous.speaker is None:
        return None
    words = _WORDS.findall(para)
    if len(words) < 6 or not any(w in FIRST_PERSON or w == "I" for w in words):
        return None
    if any(p_start <= e.start < p_start + len(para) and e.type == "person" for e in speakers):
        return None  # a paragraph naming people is narration, not the speaker's words
    stripped = para.strip()
    start = p_start + para.index(stripped)
    return Quote(stripped, start, start + len(stripped), "block", previous.speaker,
                 previous.speaker_text, previous.channel)


def _colon_quote(text: str, p_start: int, para: str, speakers: list[Entity]) -> Quote | None:
    """'X told Bloomberg: we hope …' — words after a speech verb and a colon, no marks."""
    m = re.search(r"^(?P<head>[^:“”«»\"]{3,120}?):\.*\s*(?P<body>[^:]{25,})$", para)
    if not m or _speech_verb(m.group("head")) is None:
        return None
    head_start = p_start + m.start("head")
    verb = _speech_verb(m.group("head"))
    names = [e for e in speakers if head_start <= e.start < head_start + verb.start()
             and not _is_complement(text, e)]
    speaker, written = _pick(text, m.group("head"), head_start, verb, names,
                             head_start + verb.start(), speakers)
    if speaker is None:
        return None
    body = m.group("body").strip()
    start = p_start + m.start("body") + m.group("body").index(body)
    return Quote(body, start, start + len(body), "direct", speaker, written,
                 _channel(m.group("head")))


#: Speech verbs that do not introduce a statement ("urged the US to …", "according to").
_NOT_REPORTING = words("according selon según laut urged urges asked asks called calls")

_CLAUSE_START = words(
    "that his her its their the it he she they there a an our we this these those "
    "que qu il elle ils le la les что"
)
_SAID_AFTER = re.compile(r",\s+(?:[\w’'\-]+\s+){0,8}?(?:said|says|told|added|stated|claimed)\b")


def _reported(
    text: str, p_start: int, para: str, speakers: list[Entity], direct: list[Quote]
) -> list[Quote]:
    """'X said (that) …', 'X said, …', '…, said X.' and 'According to X, …' in sentences
    holding no direct quote."""
    out = []
    for s_start, s_end in _sentences(p_start, para):
        if any(s_start <= q.start < s_end for q in direct):
            continue
        found = (_according_to(text, s_start, s_end, speakers)
                 or _said_first(text, s_start, s_end, speakers)
                 or _said_last(text, s_start, s_end, speakers))
        if found is not None:
            out.append(found)
    return out


_ACCORDING = re.compile(
    r"^\s*(?:according to|selon|según|laut|secondo|по словам|по данным)\s+([^,]{2,60}),\s*",
    re.I)


def _according_to(text: str, s_start: int, s_end: int, speakers: list[Entity]) -> Quote | None:
    """'Selon lui, cette information est dénuée de tout fondement.'"""
    m = _ACCORDING.match(text[s_start:s_end])
    if not m:
        return None
    source_end = s_start + m.end(1)
    names = [e for e in speakers if s_start <= e.start < source_end]
    if names:
        speaker, written = names[0], names[0].text
    else:
        speaker, written = _pick(text, m.group(1), s_start, None, [], s_start, speakers)
    if written is None:
        return None
    return _clause_quote(text, s_start + m.end(), s_end, speaker, written, None)


def _said_first(text: str, s_start: int, s_end: int, speakers: list[Entity]) -> Quote | None:
    sentence = text[s_start:s_end]
    verb = _speech_verb(sentence)
    if verb is None or verb.group().lower() in _NOT_REPORTING:
        return None
    rest = sentence[verb.end():]
    that = re.match(r"(?:[\s,]+[\w’'\-]+){0,8}?[\s,]+(" + "|".join(_THAT) + r")\b", rest, re.I)
    clause_at = s_start + verb.end() + (that.end() if that else 0)
    if not that:
        nxt = re.match(r",?\s+([\w’'\-]+)", rest)
        # the position is computed once: inside the scan, it cost seconds on a live blog
        next_at = s_start + verb.end() + (nxt.start(1) if nxt else 0)
        ahead = [e for e in speakers if e.start == next_at]
        if not nxt or not (nxt.group(1).lower() in _CLAUSE_START or (
                ahead and ahead[0].type != "person")):
            return None
        clause_at = s_start + verb.end() + nxt.start(1)
    verb_at = s_start + verb.start()
    names = _subjects(text, speakers, s_start, verb_at)
    if names:
        speaker, written = _pick(text, sentence, s_start, verb, names, verb_at, speakers)
    else:  # an unnamed subject ("an informed source denied …"), or verb-first order
        speaker, written = _nominal(text, text[s_start:verb_at], verb_at, speakers)
        if written is None and verb.group().lower() not in _OBJECT_VERBS:
            after = [e for e in speakers if verb_at < e.start < clause_at
                     and not _is_complement(text, e)]
            if after:
                speaker, written = after[0], after[0].text
        if written is None:
            return None
    return _clause_quote(text, clause_at, s_end, speaker, written,
                         _channel(sentence[verb.start():verb.end() + 60]))


def _said_last(text: str, s_start: int, s_end: int, speakers: list[Entity]) -> Quote | None:
    """'Moscow has no plans …, said the Ambassador of Russia in Egypt Georgy Borisenko.'"""
    sentence = text[s_start:s_end]
    m = _SAID_AFTER.search(sentence)
    if not m or m.start() < 20 or re.search(r"[“”«»\"„]", sentence):
        return None
    tail_start = s_start + m.start()
    names = [e for e in speakers if tail_start <= e.start < s_end and e.type != "place"
             and not _is_complement(text, e)]
    if not names:
        return None
    return _clause_quote(text, s_start, tail_start, names[0], names[0].text,
                         _channel(sentence[m.start():]))


def _clause_quote(text: str, start: int, end: int, speaker: Entity | None,
                  written: str | None, channel: str | None) -> Quote | None:
    clause = text[start:end].strip(" ,.;")
    if len(_WORDS.findall(clause)) < MIN_QUOTE_WORDS or (speaker is None and written is None):
        return None
    offset = text.index(clause, start)
    return Quote(clause, offset, offset + len(clause), "reported", speaker, written, channel)
