"""Headlines and URL slugs as evidence that two pages carry one article.

A copy often keeps its source's headline, and a republishing site's CMS makes the URL
slug from it ("/les-separatistes-du-nord-du-mali-disent-avoir-tue-84-..."). A long
headline written the same way twice is rarely a coincidence, so it finds the copies that
share too little text to be found otherwise: a teaser page that carries only the
headline and a lead. Slugs and headlines are compared as transliterated ASCII words, as
slugs spell them, so a slug can match a slug or a headline. Only pages of two outlets
count (`evidence._same_headline`): one site's pages may all share a title.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from anyascii import anyascii

#: A headline (or slug) this long, in words of two or more letters, is specific enough to
#: tie two pages: shorter ones ("live updates", "russia ukraine war live updates news")
#: recur across articles and outlets. Every shared headline on dev has 8 or more.
HEADLINE_MIN_WORDS = 8


def ascii_words(text: str) -> str:
    """Lower-case ASCII words of two or more letters, as a slug spells them."""
    return " ".join(w for w in re.findall(r"[a-z]+", anyascii(text).lower()) if len(w) > 1)


def last_segment(url: str | None) -> str:
    """The last path segment of a URL, where an article's slug sits."""
    return (url or "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def slug_words(url: str | None) -> str:
    """The words of a URL's last path segment, in ASCII ("/229607-bloomberg-ssha-..." ->
    "bloomberg ssha ...")."""
    segment = re.sub(r"\.[a-z0-9]{2,5}$", "", last_segment(url), flags=re.IGNORECASE)
    return ascii_words(unquote(segment))


def headlines(url: str | None, title: str | None) -> frozenset[str]:
    """The page's long headline forms: its URL slug and its title, as ASCII words."""
    forms = {slug_words(url), ascii_words(title or "")}
    return frozenset(f for f in forms if len(f.split()) >= HEADLINE_MIN_WORDS)
