"""Per-outlet boilerplate learned from the pages themselves.

A line that recurs across many *different* articles of one outlet is furniture there
(a slogan, a menu, a newsletter prompt, "Audio By Carbonatix"), whatever its language.
We count, per outlet, how many distinct articles contain each normalised line. Articles
are told apart by their longest line, so URL variants of one article (`?page=3`, `/node/`,
AMP copies) count once and do not turn that article's own paragraphs into "boilerplate".
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from storytrace.clean.dates import split_marker
from storytrace.clean.meta import outlet_from_url, sane_outlet
from storytrace.model import Page

MIN_DOCS = 3  # a line must recur in at least this many distinct articles ...
MIN_SHARE = 0.1  # ... and in this share of the outlet's articles
PROSE_SHARE = 0.5  # sentences must recur in half of them (stock paragraphs are content)
MAX_LINE_CHARS = 400

_DIGITS = re.compile(r"\d+")
_SENTENCE = re.compile(r"[.!?…؟。]\W*$")


def line_key(text: str) -> str:
    """Stable hash of a line, with digits masked so '27 minutes ago' == '41 minutes ago'."""
    norm = " ".join(_DIGITS.sub("0", text.casefold()).split())
    return hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()


def page_lines(page: Page) -> list[str]:
    """The stripped non-empty lines of a plain-text page, without the crawl marker."""
    _, _, body = split_marker(page.raw)
    return [line.strip() for line in body.split("\n") if line.strip()]


def doc_key(lines: list[str]) -> str:
    """Identity of the article on a page: its longest line, digits included."""
    if not lines:
        return ""
    norm = " ".join(max(lines, key=len).casefold().split())
    return hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class OutletProfile:
    """What recurs across one outlet's articles.

    `line_docs` maps `line_key(line)` to the number of distinct articles holding the line;
    only keys that reached MIN_DOCS need to be kept.
    """

    outlet: str
    n_docs: int = 0
    line_docs: Mapping[str, int] = field(default_factory=dict)

    def is_boilerplate(self, line: str) -> bool:
        if not self.line_docs or len(line) > MAX_LINE_CHARS:
            return False
        count = self.line_docs.get(line_key(line), 0)
        share = PROSE_SHARE if _SENTENCE.search(line) and len(line.split()) >= 8 else MIN_SHARE
        return count >= MIN_DOCS and count >= share * self.n_docs


def page_outlet(page: Page) -> str | None:
    """The outlet a page's boilerplate is learned under (its URL host, else the given one)."""
    return outlet_from_url(page.url) or sane_outlet(page.given_outlet)


def page_observation(page: Page) -> tuple[str, str, set[str]] | None:
    """(outlet, article key, line keys) for a plain-text page with a known outlet."""
    outlet = page_outlet(page)
    if not outlet or page.raw_format != "text":
        return None
    lines = page_lines(page)
    if not lines:
        return None
    keys = {line_key(line) for line in lines if len(line) <= MAX_LINE_CHARS}
    return outlet, doc_key(lines), keys


def build_profiles(pages: Iterable[Page]) -> dict[str, OutletProfile]:
    """Profiles for every outlet in `pages`, counting each distinct article once."""
    docs: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for page in pages:
        observed = page_observation(page)
        if observed is None:
            continue
        outlet, key, line_keys = observed
        if key in docs[outlet]:
            continue
        docs[outlet].add(key)
        outlet_counts = counts[outlet]
        for line in line_keys:
            outlet_counts[line] = outlet_counts.get(line, 0) + 1
    return {
        outlet: OutletProfile(
            outlet,
            len(docs[outlet]),
            {k: n for k, n in counts[outlet].items() if n >= MIN_DOCS},
        )
        for outlet in docs
    }
