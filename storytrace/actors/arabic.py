"""Entity rules for Arabic script, which has no capital letters to mark names.

Names are found from their grammatical frame instead: a title right before the name
("المشير خليفة حفتر"), an apposition after it ("فتحي باشاغا، وزير الداخلية"), and then
every later use of a found surname ("وأضاف باشاغا"). Organisations are the noun phrase
after an organisation head ("حكومة الوفاق"). Places come from the gazetteer
(gazetteer.py: countries, regions and large cities, with clitics like "بـ" and "و").
"""

from __future__ import annotations

import re

from storytrace.actors.gazetteer import arabic_places
from storytrace.actors.keys import name_skeletons
from storytrace.actors.lexicon import words as _words
from storytrace.actors.records import Entity, non_overlapping

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
_PREFIXES = ("و", "ف", "ل", "ب")

#: Titles written directly before a name.
_NAME_TITLES = _words(
    "المشير الرئيس السيد السيدة الجنرال العقيد اللواء الشيخ الأمير الملك العميد الفريق "
    "الدكتور المستشار الوزير النائب")
#: Role nouns written after a name and a comma ("X، وزير ...").
_ROLES = _words("وزير وزيرة رئيس رئيسة قائد المتحدث مستشار سفير نائب زعيم مدير")
#: Heads of organisation names.
_ORG_HEADS = _words(
    "حكومة وزارة مجلس الجيش جيش منظمة وكالة حزب البرلمان الحكومة شركة المجلس")
_GROUP_HEADS = _words("مجموعة قوات ميليشيا ميليشيات كتيبة")
#: Words that end a name or organisation phrase.
_STOP = _words(
    "في من إلى على عن مع أن إن التي الذي الذين هو هي كان قد لا ما بعد قبل خلال حول "
    "أمس اليوم بين عبر")


def is_arabic(text: str) -> bool:
    """True when most letters of the text are Arabic."""
    sample = text[:2000]
    arabic = len(_ARABIC.findall(sample))
    return arabic > 0.5 * max(1, sum(c.isalpha() for c in sample))


#: Spelling skeletons (one per word, see keys.name_skeletons) -> entity type, for names the
#: workspace already knows from pages in other scripts.
Lexicon = dict[tuple[str, ...], str]


def extract(text: str, known: Lexicon | None = None) -> list[Entity]:
    """Arabic people (by title and apposition frames), organisations (by head noun),
    places (by gazetteer), and names already seen in other scripts (`known`)."""
    words = list(_WORD.finditer(text))
    found: list[Entity] = []
    for i, w in enumerate(words):
        bare = _unprefix(w.group())
        if bare in _NAME_TITLES:
            found.extend(_name_at(text, words, i + 1))
        elif bare in _ROLES and i >= 2 and _comma_between(text, words[i - 1], w):
            found.extend(_name_at(text, words, i - 2, backwards=True))
        elif bare in _ORG_HEADS or bare in _GROUP_HEADS:
            kind = "group" if bare in _GROUP_HEADS else "org"
            found.extend(_phrase(text, words, i, kind))
    found.extend(_later_uses(text, words, found))
    return non_overlapping(found + arabic_places(text) + known_names(text, words, known or {}))


def known_names(text: str, words: list[re.Match], known: Lexicon) -> list[Entity]:
    """Runs of words whose consonant skeletons spell a name the workspace knows from
    pages in other scripts ("مارك إسبر" = Mark Esper: both `mrk sbr`).

    Arabic writes names without capitals or titles often enough that frames miss them;
    transliteration skeletons of two or more words (or one long organisation name) rarely
    collide with ordinary words.
    """
    if not known:
        return []
    sizes = sorted({len(key) for key in known}, reverse=True)
    skeletons = [_word_skeleton(w.group()) for w in words]
    found: list[Entity] = []
    i = 0
    while i < len(words):
        for size in sizes:
            key = tuple(skeletons[i:i + size])
            if len(key) == size and key in known and _adjacent_run(text, words, i, size):
                found.append(Entity(text[words[i].start():words[i + size - 1].end()],
                                    words[i].start(), words[i + size - 1].end(), known[key]))
                i += size - 1
                break
        i += 1
    return found


def _word_skeleton(word: str) -> str:
    found = name_skeletons(_unprefix(word))
    return found[0] if found else ""


def _adjacent_run(text: str, words: list[re.Match], i: int, size: int) -> bool:
    return all(_adjacent(text, words, j, j + 1) for j in range(i, i + size - 1))


def lexicon_of(names: list[tuple[str, str]]) -> Lexicon:
    """Lexicon from (name, type) pairs written in other scripts: names of two to four words
    whose every word has a skeleton of 2+ letters, and organisations or groups of one
    long word (5+ letters of skeleton, "Bloomberg" = `blmbrk`)."""
    lexicon: Lexicon = {}
    for name, kind in names:
        if _ARABIC.search(name):
            continue
        words = name.split()
        key = tuple(s for w in words for s in name_skeletons(w)[:1])
        if len(key) != len(words) or not all(len(k) >= 2 for k in key):
            continue
        if 2 <= len(key) <= 4 or (len(key) == 1 and kind != "person" and len(key[0]) >= 5):
            lexicon.setdefault(key, kind)
    return lexicon


def _unprefix(word: str) -> str:
    if len(word) > 4 and word.startswith(_PREFIXES) and word[1:2] in "اأإ":
        return word[1:]
    return word


def _comma_between(text: str, a: re.Match, b: re.Match) -> bool:
    return "،" in text[a.end():b.start()] or "," in text[a.end():b.start()]


def _adjacent(text: str, words: list[re.Match], i: int, j: int) -> bool:
    return 0 <= i < j < len(words) and text[words[i].end():words[j].start()].strip() == ""


def _name_at(text: str, words: list[re.Match], i: int, backwards: bool = False):
    """Two name words starting at i (or ending at i+1 when backwards); adjectives of origin
    after a title are skipped ("الرئيس الروسي فلاديمير بوتين")."""
    while not backwards and i < len(words) and _NISBA.match(words[i].group()):
        i += 1
    if i < 0 or i + 1 >= len(words) or not _adjacent(text, words, i, i + 1):
        return []
    pair = words[i:i + 2]
    if any(_unprefix(p.group()) in _STOP | _NAME_TITLES | _ROLES for p in pair):
        return []
    if pair[0].group() in ("عبد", "أبو") and i + 2 < len(words) and not backwards:
        pair = words[i:i + 3]
    start, end = pair[0].start(), pair[-1].end()
    return [Entity(text[start:end], start, end, "person")]


#: "الروسي", "الأمريكية": adjectives of origin (nisba), never part of a name.
_NISBA = re.compile(r"^ال\w+(?:ي|ى|ية)$")


def _phrase(text: str, words: list[re.Match], i: int, kind: str):
    """Organisation head plus up to two following words, stopping at function words."""
    j = i
    while j + 1 < len(words) and j - i < 2 and _adjacent(text, words, j, j + 1):
        if words[j + 1].group() in _STOP:
            break
        j += 1
    if j == i:
        return []
    start, end = words[i].start(), words[j].end()
    return [Entity(text[start:end], start, end, kind)]


def _later_uses(text: str, words: list[re.Match], found: list[Entity]):
    """Every other occurrence of a found person's surname is a mention of them."""
    surnames = {e.text.split()[-1] for e in found if e.type == "person"}
    taken = [(e.start, e.end) for e in found]
    out = []
    for w in words:
        bare = w.group()
        offset = 0
        if bare not in surnames and bare[1:] in surnames and bare[0] in _PREFIXES:
            bare, offset = bare[1:], 1
        if bare in surnames and not any(s <= w.start() < e for s, e in taken):
            out.append(Entity(bare, w.start() + offset, w.end(), "person"))
    return out
