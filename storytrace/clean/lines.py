"""Label each line of already-extracted text: title, date, byline, caption, boilerplate, content.

Crawled text keeps the page furniture: icon and menu runs, breadcrumbs, doubled headlines,
share prompts, related links, comment sections and author bios. We label lines in three
passes:

1. each line alone: generic patterns (`patterns.py`), learned per-outlet boilerplate
   (`profile.py`), date lines, icon runs;
2. the page shape: the first and last *prose* lines (real sentences) bound the article;
   short lines before the headline or after the last sentence are furniture, and
   everything after "Leave a Reply" / "One thought on ..." is the comment section;
3. the headline: a title-shaped line before the article, preferring one that the page
   repeats, else the longest.

Losing an article paragraph is worse than keeping a junk line, so every undecided line
between the first and the last prose line is kept as content.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from storytrace.clean import patterns
from storytrace.clean.dates import TODAY, date_line, day_month, split_marker
from storytrace.clean.text import fix_line
from storytrace.scripts import UNSPACED

_SENTENCE_END = re.compile(r"[.!?…।。؟][\"'”’»)\]]*$")
_STATEMENT_END = re.compile(r"[.…।。][\"'”’»)\]]*$")
_TITLE_BAD_END = re.compile(r"(?<!\.\.)[.:;,]$")
_COMMA = re.compile("[,،，]")
_ENDS_WITH_DATE = re.compile(
    r",\s+\S+\s+\d{1,2},\s+(?:19|20)\d\d$|,\s+\d{1,2}\s+\S+\s+(?:19|20)\d\d$"
)
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_QUOTES = "\"'“”‘’«»„‚"
_QUOTES_PUNCT = "\"'“”‘’«»„‚*•·-–—:;,.!?…()[] "
_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]{2,40}$")
_DATELINE_BEFORE = re.compile(r"(?:\b[A-Z]{3,}[A-Z .,-]*|\d{1,2}|\d{4},?)\s*$")
_NAME_LIKE = re.compile(r"^(?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’.-]*$")

BIO_TOP_LINES = 6  # author boxes above the article
HEAD_SHORT_WORDS = 6  # shorter lines between headline and article are furniture
TITLE_MAX_CHARS = 200
TITLE_SEARCH_LINES = 12  # the headline is among the first lines of a page


@dataclass
class Line:
    index: int  # position in raw.split("\n")
    text: str  # whitespace-normalised, mojibake-repaired, marker removed
    words: int
    label: str | None = None
    date: str | None = None

    @functools.cached_property
    def norm(self) -> str:
        return normalise_line(self.text)

    @functools.cached_property
    def prose(self) -> bool:
        return is_prose(self)


@dataclass
class Analysis:
    """What the line pass found: labels plus the metadata read along the way."""

    lines: list[Line]
    n_raw_lines: int
    title: str | None = None
    marker_date: str | None = None
    marker_month: str | None = None
    author: str | None = None
    credits: list[str] = field(default_factory=list)
    own_host: str | None = None

    def labels(self) -> list[str | None]:
        out: list[str | None] = [None] * self.n_raw_lines
        for line in self.lines:
            out[line.index] = line.label
        return out

    def content(self) -> list[Line]:
        return [line for line in self.lines if line.label == "content"]

    def first_text_lines(self, n: int = 3) -> list[Line]:
        return [line for line in self.lines if line.label in (None, "content", "title")][:n]


def normalise_line(text: str) -> str:
    """Casefolded, punctuation-trimmed form used to compare lines and titles."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).strip(_QUOTES_PUNCT)


def split_lines(raw: str) -> tuple[list[Line], int, str | None, str | None]:
    """Non-empty lines of `raw` with their raw indices, and the crawl marker if any."""
    marker_date, marker_month, rest = split_marker(raw)
    raw_lines = raw.split("\n")
    lines = []
    for index, text in enumerate(raw_lines):
        if index == 0 and (marker_date or marker_month):
            text = rest.split("\n", 1)[0]
        tokens = fix_line(text).split()
        if tokens:
            text = " ".join(tokens)
            lines.append(Line(index, text, _word_count(text, len(tokens))))
    return lines, len(raw_lines), marker_date, marker_month


def _word_count(text: str, tokens: int) -> int:
    """Whitespace tokens; for Chinese, Japanese and Thai (no spaces) ~2 characters a word."""
    if UNSPACED.search(text):
        return max(tokens, len(UNSPACED.findall(text)) // 2)
    return tokens


def is_prose(line: Line) -> bool:
    """A real sentence: long, or medium and ending like a sentence (long headlines exist)."""
    if line.words >= 30:
        return True
    if line.words >= 8 and _STATEMENT_END.search(line.text):
        return True
    return line.words >= 15 and bool(_SENTENCE_END.search(line.text))  # "... Libya?" headlines


def is_icon_run(line: Line) -> bool:
    """Menus and icon fonts flattened to text: 'icon bookmark-bicon bookmarkicon cameraicon'."""
    tokens = line.text.casefold().split()
    if len(tokens) < 8 or _SENTENCE_END.search(line.text):
        return False
    ends = Counter(token[-4:] for token in tokens if len(token) >= 4)
    starts = Counter(token[:4] for token in tokens if len(token) >= 4)
    top = max([*ends.values(), *starts.values(), 0])
    return top >= 0.35 * len(tokens)


def label_alone(line: Line, profile, lang: str | None) -> str | None:
    """The label a line earns on its own, or None when its place in the page decides."""
    text, words = line.text, line.words
    if profile is not None and profile.is_boilerplate(text):
        return "boilerplate"
    if words <= 12 and _DIGIT.search(text):
        if TODAY.search(text):
            return "boilerplate"
        line.date = date_line(text, lang)
        if line.date:
            return "date"
    if not _LETTER.search(text):
        return "boilerplate"
    if words <= 15 and patterns.BYLINE.search(text):
        return "byline"
    if words <= 60 and patterns.CAPTION.search(text) and ("©" not in text or words <= 25):
        return "caption"
    if patterns.CAPTION_FRAMED.search(text):
        return "caption"
    if words <= 30 and patterns.BOILERPLATE.search(text):
        return "boilerplate"
    if is_icon_run(line):
        return "boilerplate"
    return None


def analyse(
    raw: str, profile=None, lang: str | None = None, given_title: str | None = None
) -> Analysis:
    """Label every line of plain text `raw` and read the headline, byline and credits."""
    lines, n_raw, marker_date, marker_month = split_lines(raw)
    result = Analysis(lines, n_raw, marker_date=marker_date, marker_month=marker_month)
    for line in lines:
        line.label = label_alone(line, profile, lang)
    _mark_comments(lines)
    _mark_bios(lines)
    _mark_doubled(lines)
    first, last = _prose_bounds(lines)
    title_line = _choose_title(lines, first)
    if given_title:
        result.title = given_title
    elif title_line is not None:
        result.title = _clean_title(title_line, result)
    _mark_titles(lines, result.title, title_line)
    _mark_shape(lines, first, last, title_line)
    _read_credits(lines, result)
    return result


def _mark_comments(lines: list[Line]) -> None:
    """Everything from the start of the reader-comment section on is boilerplate."""
    seen_prose = False
    for position, line in enumerate(lines):
        if seen_prose and len(line.text) <= 200 and patterns.COMMENTS_START.search(line.text):
            for rest in lines[position:]:
                rest.label, rest.date = "boilerplate", None
            return
        seen_prose = seen_prose or (line.label is None and line.prose)


def _mark_bios(lines: list[Line]) -> None:
    """Author biographies sit in the author box at the top or at the end of the page."""
    for position, line in enumerate(lines):
        if position >= BIO_TOP_LINES and position < len(lines) // 2:
            continue
        if line.label is None and line.words <= 80 and patterns.BIO.search(line.text):
            line.label = "boilerplate"


def _mark_doubled(lines: list[Line]) -> None:
    """A sentence printed twice in a row is a photo caption shown as alt text and caption
    (or a paragraph the crawler doubled): the first copy goes, the second stays."""
    for first, second in itertools.pairwise(lines):
        if (
            first.label is None
            and second.label is None
            and first.prose
            and _same_start(first.norm, second.norm)
        ):
            first.label = "caption"


def _prose_bounds(lines: list[Line]) -> tuple[int | None, int | None]:
    positions = [i for i, line in enumerate(lines) if line.label is None and line.prose]
    return (positions[0], positions[-1]) if positions else (None, None)


def _title_shaped(line: Line) -> bool:
    text = line.text.lstrip("*• ").strip()
    letters = len(_LETTER.findall(text))
    return (
        line.label is None
        and letters >= 12
        and line.words >= 3
        and len(text) <= TITLE_MAX_CHARS
        and line.words <= 35
        and not line.text.startswith(("•", "- ", "– "))
        and not _TITLE_BAD_END.search(text)
        and not _NAME_LIKE.match(text)
        and not (line.words >= 15 and len(_COMMA.findall(text)) >= 2)  # a lead sentence
        and not _ENDS_WITH_DATE.search(text)  # "... in Tripoli, Libya, October 18, 2011"
        and not (text == text.lower() and text != text.upper())  # alt text: "hillary visit"
        and not (text[0] in _QUOTES and text[-1] in _QUOTES)  # a pull quote
    )


def _choose_title(lines: list[Line], first_prose: int | None) -> Line | None:
    """The headline: a title-shaped line before the article, repeated ones first."""
    end = len(lines) if first_prose is None else first_prose
    head = [line for line in lines[: min(end, TITLE_SEARCH_LINES)] if _title_shaped(line)]
    if not head:
        return None
    norms = [line.norm for line in lines]
    for line in head:
        norm = line.norm
        copies = sum(1 for other in norms if other == norm or other.startswith(norm + " "))
        breadcrumb = any(other.endswith(norm) and other != norm for other in norms)
        if copies >= 2 or breadcrumb:
            return line
    long_enough = [line for line in head if line.words >= 4]
    if not long_enough:
        return next((line for line in head if line.words >= 3), None)
    # The longest: site names and menus are shorter than headlines ...
    best = max(long_enough, key=lambda line: line.words)
    position = lines.index(best)
    previous = lines[position - 1] if position else None
    # ... but a standfirst right under the headline can be longer than it.
    if previous in long_enough:
        return previous
    return best


def _clean_title(line: Line, result: Analysis) -> str:
    text = line.text.lstrip("*•- ").strip()
    glued = patterns.TRAILING_BYLINE.match(text)
    if glued and glued["credit"]:
        text = glued["title"].strip()
        result.author = glued["name"].strip()
        result.credits.append(glued["credit"].strip())
    return _SITE_SUFFIX.sub("", text).strip()


def _mark_titles(lines: list[Line], title: str | None, title_line: Line | None) -> None:
    if title_line is not None:
        title_line.label = "title"
    if not title:
        return
    norm = normalise_line(title)
    for line in lines:
        if line.label is None and line.norm == norm:
            line.label = "title"


def _mark_shape(
    lines: list[Line], first: int | None, last: int | None, title_line: Line | None
) -> None:
    """Undecided lines: furniture outside the article, content inside it."""
    title_pos = lines.index(title_line) if title_line is not None else -1
    for position, line in enumerate(lines):
        if line.label is not None:
            continue
        if first is None or title_pos < position < first:
            line.label = _head_label(lines, position)
        elif position < title_pos:
            line.label = "boilerplate"
        elif position > last:
            line.label = _tail_label(lines, position, last)
        else:
            line.label = "content"


def _head_label(lines: list[Line], position: int) -> str:
    """Above the article: photo captions (often doubled as alt text + caption) and stubs."""
    line = lines[position]
    if line.words < HEAD_SHORT_WORDS:
        return "boilerplate"
    for other in lines[max(0, position - 1) : position + 2]:
        if other is not line and _same_start(line.norm, other.norm):
            return "caption"
    return "content"


def _same_start(a: str, b: str, size: int = 60) -> bool:
    return len(a) >= 20 and len(b) >= 20 and a[:size] == b[:size]


def _tail_label(lines: list[Line], position: int, last: int) -> str:
    """Below the article: keep sentences and the paragraph a truncated capture cut off."""
    line = lines[position]
    if position == len(lines) - 1 and (position == last + 1 or line.words >= 8):
        return "content"  # the paragraph a truncated capture cut off
    if line.words >= 3 and _SENTENCE_END.search(line.text):
        return "content"
    return "boilerplate"


def _read_credits(lines: list[Line], result: Analysis) -> None:
    """Author, agency credits and the site's own host, from bylines and datelines."""
    for line in lines:
        if line.label == "byline":
            author = patterns.AUTHOR.match(line.text)
            if author and not result.author:
                result.author = author["name"].strip(" .-–—")
                if author["credit"]:
                    result.credits.append(author["credit"].strip(" .-–—"))
            source = patterns.SOURCE_CREDIT.match(line.text)
            if source:
                result.credits.append(source["name"].strip(" .-–—"))
        if line.label == "boilerplate" and not result.own_host:
            own = patterns.OWN_HOST.match(line.text)
            if own:
                result.own_host = own.group(1).lower()
    bylines = [line for line in lines if line.label == "byline"]
    for line in [*bylines, *result.first_text_lines(3)]:
        for match in patterns.DATELINE_CREDIT.finditer(line.text[:120]):
            if _is_agency_credit(line.text, match):
                result.credits.append(match.group(1))
    result.credits = list(dict.fromkeys(c for c in result.credits if c))


def _is_agency_credit(text: str, match: re.Match) -> bool:
    """ "(AFP) –", "MOSCOW (Reuters) –", "Nov 5, 2023, (Bloomberg) —" credit an agency;
    "(Nairobi) –" at the start of a paragraph names a place."""
    before = text[: match.start()]
    if match.group(1).isupper() or _DATELINE_BEFORE.search(before):
        return True
    return day_month(before[-30:]) is not None  # "WASHINGTON, 26 novembre (Reuters) -"
