"""Publication dates from crawl markers, URLs and date lines, in many languages.

Regular expressions come first because they are exact and fast: `dateparser` alone
reads " date 2020-02-23 Nine years after" as 2035 and costs milliseconds per call, so it
is only a fallback for short lines that look like a date but that our patterns miss.
A date in running prose ("on July 30, 2024, ...") is never taken: it is usually an event
date, not the publication date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from urllib.parse import SplitResult, unquote, urlsplit

#: Month names (lowercase) of the languages we read most, including genitive forms.
# fmt: off
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro",
        "januar", "jänner", "januari", "января", "январь", "янв", "січня", "يناير", "كانون الثاني",
        "ocak", "stycznia", "ιανουαρίου"),
    2: ("february", "feb", "février", "fevrier", "févr", "fev", "febrero", "febbraio",
        "fevereiro", "februar", "februari", "февраля", "февраль", "фев", "лютого", "فبراير",
        "شباط", "şubat", "lutego", "φεβρουαρίου"),
    3: ("march", "mar", "mars", "marzo", "março", "marco", "märz", "maart", "марта", "март",
        "березня", "مارس", "آذار", "mart", "marca", "μαρτίου"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "апреля", "апрель", "апр",
        "квітня", "أبريل", "ابريل", "إبريل", "نيسان", "nisan", "kwietnia", "απριλίου"),
    5: ("may", "mai", "mayo", "maggio", "maio", "mei", "мая", "май", "травня", "مايو", "أيار",
        "ايار", "mayıs", "maja", "μαΐου"),
    6: ("june", "jun", "juin", "junio", "giugno", "junho", "juni", "июня", "июнь", "червня",
        "يونيو", "يونيه", "حزيران", "haziran", "czerwca", "ιουνίου"),
    7: ("july", "jul", "juillet", "juil", "julio", "luglio", "julho", "juli", "июля", "июль",
        "липня", "يوليو", "يوليه", "تموز", "temmuz", "lipca", "ιουλίου"),
    8: ("august", "aug", "août", "aout", "agosto", "augustus", "августа", "август", "авг",
        "серпня", "أغسطس", "اغسطس", "آب", "ağustos", "sierpnia", "αυγούστου"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre",
        "setembro", "сентября", "сентябрь", "сен", "вересня", "سبتمبر", "أيلول", "ايلول",
        "eylül", "września", "σεπτεμβρίου"),
    10: ("october", "oct", "octobre", "octubre", "ottobre", "outubro", "oktober", "октября",
         "октябрь", "окт", "жовтня", "أكتوبر", "اكتوبر", "تشرين الأول", "ekim",
         "października", "οκτωβρίου"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "ноябрь", "ноя",
         "листопада", "نوفمبر", "تشرين الثاني", "kasım", "listopada", "νοεμβρίου"),
    12: ("december", "dec", "décembre", "decembre", "déc", "diciembre", "dicembre",
         "dezembro", "dezember", "декабря", "декабрь", "дек", "грудня", "ديسمبر",
         "كانون الأول", "aralık", "grudnia", "δεκεμβρίου"),
}
# fmt: on
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
# "تموز/يوليو": Levantine and Egyptian names written together.
_MONTH = rf"(?P<month>{_MONTH_RE})\.?(?:\s*/\s*(?:{_MONTH_RE}))?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|º|-?го|-?е)?\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_SEP = r"[\s,]*(?:de\s+|del\s+|of\s+)?"

_DATE_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"),
    re.compile(r"\b(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
    # 2021年4月16日 (Chinese, Japanese), 2021년 4월 16일 (Korean)
    re.compile(
        r"(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<m>[01]?\d)\s*[月월]\s*(?P<d>[0-3]?\d)\s*[日일]"
    ),
    re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"(?<!\w){_DAY}\s*(?:de\s+)?{_MONTH}{_SEP}{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"(?<!\w){_MONTH}\s+{_DAY}[\s,]+{_YEAR}\b", re.IGNORECASE),
]
_DAY_MONTH = re.compile(rf"(?<!\w){_DAY}\s*(?:de\s+)?{_MONTH}(?!\w)", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"(?<!\w){_MONTH}\s+{_DAY}(?!\d)", re.IGNORECASE)
_AMBIGUOUS = re.compile(r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])/(?:19|20)\d\d\b")

_MARKER = re.compile(r"^\s*date (?P<year>\d{4})-(?P<month>\d\d)(?:-(?P<day>\d\d))?\b")

_URL_PATTERNS = [
    # /2021/04/16/, /2021-04-16, /2020/2/22/
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]?\d)[/-](?P<day>[0-3]?\d)(?!\d)"),
    # /20200222/, -20170314083811458.htm, /202407310446.html
    re.compile(
        r"(?<![\d])(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?:\d{4,9})?(?!\d)"
    ),
    # /19112019-time-is-right (day month year)
    re.compile(r"/(?P<day>[0-3]\d)(?P<month>[01]\d)(?P<year>(?:19|20)\d\d)-"),
]
_URL_MONTH_SLUG = re.compile(
    rf"(?<![a-z])(?P<month>{_MONTH_RE})-(?P<day>[0-3]?\d)-(?P<year>(?:19|20)\d\d)(?!\d)"
)

_TIME = re.compile(
    r"\b\d{1,2}[:h]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?|hrs?|h)?(?:\s*(?:[A-Z]{2,4}|UTC|GMT)"
    r"(?:[+-]\d{1,2})?)?",
    re.IGNORECASE,
)
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|"
    "viernes|sábado|domingo|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    "الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد"
)
#: Words that may surround a date on a date line without making it prose.
_DATE_LINE_FILLER = re.compile(
    rf"\b(?:{_WEEKDAYS}|published|updated|posted|last|modified|on|at|le|el|am|um|il|"
    r"publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|veröffentlicht|"
    r"aktualisiert|опубликовано|обновлено|обновлен|تاريخ النشر|نشر في|آخر تحديث|"
    r"by|par|por|von|da|di|de)\b",
    re.IGNORECASE,
)
#: A date next to one of these words is the day the page was crawled, not published.
TODAY = re.compile(
    r"\b(?:today|сегодня|aujourd'hui|aujourd’hui|hoy|heute|oggi|hoje|bugün|dzisiaj)\b|اليوم",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

MIN_YEAR = 1990
MONTH_FIRST_LANGS = frozenset({"en"})
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NOT_A_DATE = re.compile(r"©|copyright|rights|\bage\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _latest_year() -> int:
    return dt.date.today().year + 1


def make_date(year: int | str, month: int | str, day: int | str) -> str | None:
    """YYYY-MM-DD when the parts form a real, plausible date, else None."""
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not MIN_YEAR <= value.year <= _latest_year():
        return None
    return value.isoformat()


def normalise_given_date(value: str | None, lang: str | None = None) -> str | None:
    """A supplied date reduced to YYYY-MM-DD; None for anything we cannot trust.

    Digits of any script count ("٢٠٢١-٠٤-١٦"), and a year-first date may use dots or
    slashes ("2024.05.01", Korean and Chinese sites; "2024/05/01"). A day-month order
    that the numbers leave open ("03/04/2021") is read as the page's language writes it."""
    if not value:
        return None
    value = _OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group())), value[:80])
    match = re.match(r"\s*((?:19|20)\d\d)([-./])(\d\d?)\2(\d\d?)(?!\d)", value)
    if match:
        return make_date(*match.group(1, 3, 4))
    return find_date(value, month_first(lang))


_OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # decimal digits of other scripts


def split_marker(raw: str) -> tuple[str | None, str | None, str]:
    """(YYYY-MM-DD or None, YYYY-MM or None, text without the marker) for a leading marker.

    Crawlers prepend " date 2020-02-23 " to the captured text; some only know the month.
    """
    match = _MARKER.match(raw)
    if not match:
        return None, None, raw
    rest = raw[match.end() :].lstrip(" ")
    year, month, day = match.group("year", "month", "day")
    if day:
        return make_date(year, month, day), None, rest
    return None, f"{year}-{month}", rest


def url_date(url: str | None) -> str | None:
    """The date written in a URL path: /2021/04/16/, /20200222/, -dec-23-2021, ..."""
    parts = _url_parts(url)
    if parts is None:
        return None
    path = unquote(parts.path + ("?" + parts.query if parts.query else "")).lower()
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(path):
            found = make_date(match["year"], match["month"], match["day"])
            if found:
                return found
    match = _URL_MONTH_SLUG.search(path)
    if match:
        return make_date(match["year"], _MONTH_OF[match["month"]], match["day"])
    return None


def _url_parts(url: str | None) -> SplitResult | None:
    """The parts of a URL; None without one, or for one that cannot be split
    ("http://[broken": an unclosed IPv6 bracket)."""
    if not url:
        return None
    try:
        return urlsplit(url)
    except ValueError:
        return None


_URL_MONTH = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>[01]\d)/")


def url_month(url: str | None) -> str | None:
    """YYYY-MM of a URL path that gives a year and month but no day: /2024/08/slug."""
    parts = _url_parts(url)
    match = _URL_MONTH.search(parts.path) if parts else None
    if not match or not 1 <= int(match["month"]) <= 12:
        return None
    return f"{match['year']}-{match['month']}"


def _date_from_match(match: re.Match, month_first: bool) -> str | None:
    groups = match.groupdict()
    if groups.get("month"):
        month = _MONTH_OF.get(groups["month"].lower().rstrip("."))
        return make_date(groups["year"], month, groups["day"]) if month else None
    if "a" in groups and groups["a"] is not None:
        first, second = int(groups["a"]), int(groups["b"])
        if first > 12 or (second <= 12 and not month_first):
            return make_date(groups["year"], second, first)
        return make_date(groups["year"], first, second)
    return make_date(groups["year"], groups["m"], groups["d"])


def find_dates(text: str, month_first: bool = True) -> list[tuple[str, int, int]]:
    """Every date in `text` as (YYYY-MM-DD, start, end), in order of position."""
    found = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _date_from_match(match, month_first)
            if value:
                found.append((value, match.start(), match.end()))
    found.sort(key=lambda item: item[1])
    return found


def find_date(text: str, month_first: bool = True) -> str | None:
    dates = find_dates(text, month_first)
    return dates[0][0] if dates else None


def month_first(lang: str | None) -> bool:
    """Whether "8/1/2018" means August 1st: in English (and when unknown), yes."""
    return not lang or lang in MONTH_FIRST_LANGS


def date_line(line: str, lang: str | None = None) -> str | None:
    """The date of a line that gives only a date (maybe with time, author, 'Updated:')."""
    if len(line) > 120 or not _YEAR_RE.search(line) or TODAY.search(line):
        return None
    dates = find_dates(line, month_first(lang))
    if not dates:
        return _fallback_date_line(line, lang)
    value, start, end = dates[0]
    rest = line[:start] + " " + line[end:]
    for other in dates[1:]:
        rest = rest.replace(line[other[1] : other[2]], " ")
    rest = _DATE_LINE_FILLER.sub(" ", _TIME.sub(" ", rest))
    words = _WORD.findall(rest)
    if len(words) <= 4 or (len(words) <= 6 and len(rest.strip()) <= 45):
        return value
    return None


def _fallback_date_line(line: str, lang: str | None) -> str | None:
    """dateparser, in the page's language only, for short lines with a year and a word
    that our patterns did not read (a month name of a language we do not list)."""
    if not lang or len(line) > 60 or not _YEAR_RE.search(line) or _NOT_A_DATE.search(line):
        return None
    words = _WORD.findall(_TIME.sub(" ", line))
    if len(words) > 5 or not any(len(word) >= 3 and not word.isdigit() for word in words):
        return None
    parsed = _dateparser_parse(line.strip(" •|-–—·"), lang)
    return make_date(parsed.year, parsed.month, parsed.day) if parsed else None


def _dateparser_parse(text: str, lang: str):
    import dateparser  # slow to import and to load a language (~0.1 s), so only when needed

    try:
        return dateparser.parse(
            text,
            languages=[lang],
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except (ValueError, KeyError):  # a language dateparser does not know
        return None


def dateline_date(line: str, lang: str | None = None) -> str | None:
    """A date opening a paragraph: "Nov 5, 2023, (Bloomberg) — ..." or "18:48 08.02.2018 ..."."""
    head = _TIME.sub(" ", line[:60]).lstrip(" •|-–—·(")
    dates = find_dates(head, month_first(lang))
    if dates and dates[0][1] <= 2:
        return dates[0][0]
    return None


def day_month(line: str) -> tuple[int, int] | None:
    """(month, day) of a yearless dateline: "WASHINGTON, 26 novembre (Reuters)", "July 11"."""
    match = _DAY_MONTH.search(line[:80]) or _MONTH_DAY.search(line[:80])
    if not match:
        return None
    return _MONTH_OF[match["month"].lower().rstrip(".")], int(match["day"])


def resolve_day_month_order(value: str, line: str, context: list[str]) -> str:
    """Swap day and month of an ambiguous "11/07/2023" when the article's dateline
    ("PORT ALDAN, July 11 (MPA)") names the other reading."""
    if not _AMBIGUOUS.search(line):
        return value
    year, month, day = (int(part) for part in value.split("-"))
    for text in context:
        found = day_month(text)
        if found == (day, month):
            return make_date(year, day, month) or value
        if found == (month, day):
            return value
    return value
