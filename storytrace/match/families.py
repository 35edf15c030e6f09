"""Families: pages joined by accepted links, one original each, every copy traced to it.

Linking is greedy, strongest link first (single linkage), with two guards. A weak rewrite
or translation link between pages published months apart is not followed (copies appear
within days; a later report reuses background sentences). And a long page that contains
two different shorter texts (a digest, a page quoting two articles) must not join their
families. Every link where the shorter page covers only part of the
longer one remembers which sentences of the long page it covers; a second such link into
the same long page from another family is refused unless it covers the same region, and
the long page, a digest of several texts, then joins none of them.

The original is chosen from evidence a reader would accept, in this order of weight:
credits naming another member's outlet ("Source: Asharq Al-Awsat", or "... told Asharq
Al-Awsat" in the text) or the page's own ("Also on rt.com" on rt.com), or a URL slug
that spells another language member's headline (a translated edition keeps its source's
slug), the earliest publication date (a month-only date ties with the days of its month),
a kept wire dateline ("MOSCOW (Reuters) -",
"DAKAR, Senegal --"), being written in the language most members share (a text is copied
in its own language and translated into a few others), not being a truncated part of
another member (translations included; ranked below the dateline because crawls cut
pages short), a canonical URL rather than a `?page=3` or AMP variant, and being the
best-connected member (copies and translations all point back to their source).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from storytrace.match.classify import REWRITE, TRANSLATION, VERBATIM
from storytrace.match.headline import ascii_words, last_segment, slug_words
from storytrace.model import day_number

#: A link is partial when the shorter page covers less than this share of the longer one
#: (the rest of the long page is some other text).
PARTIAL_COVERAGE = 0.8
#: Two partial links into one long page are "the same text" above this region overlap.
SAME_REGION_OVERLAP = 0.3
#: Copies, rewrites and translations of news appear within days of their source (on the
#: labeled corpora every dated pair of one family is at most 4 days apart). A rewrite or
#: translation link between pages dated further apart than this is a later report reusing
#: background sentences, unless its evidence is overwhelming (score >= STALE_LINK_SCORE).
MAX_COPY_GAP_DAYS = 30
STALE_LINK_SCORE = 0.9
#: Evidence key of a link found by the second look: the pages it was looked up for.
SECOND_LOOK = "second_look_for"


@dataclass
class Link:
    a: str
    b: str
    relation: str
    score: float
    evidence: dict


@dataclass
class Member:
    """What origin selection needs to know about a page."""

    id: str
    url: str | None = None
    lang: str | None = None
    published: str | None = None
    published_month: str | None = None  # YYYY-MM when only the month is known
    outlet: str | None = None
    site_name: str | None = None
    credits: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # proper names in its text (names_in)
    n_sentences: int = 0
    dateline: bool = False  # text opens with a wire dateline, "MOSCOW (Reuters) -"
    title: str | None = None


@dataclass
class Assignment:
    page_id: str
    family: str
    relation: str  # original / verbatim / rewrite / translation
    derived_from: str | None


def partial_region(link: Link) -> tuple[str, frozenset[int]] | None:
    """(long page, sentences of it covered) when the link covers only part of it."""
    ev = link.evidence
    n_a, n_b = ev["sentences"]
    short = ev["shorter"]
    long_id = link.b if short == link.a else link.a
    n_long = n_b if long_id == link.b else n_a
    covered = frozenset(j for _, j in ev["aligned_pairs"])
    if n_long == 0 or len(covered) / n_long >= PARTIAL_COVERAGE:
        return None
    return long_id, covered


class _Clusters:
    """Union-find plus, per long page, the regions partial links have claimed."""

    def __init__(self, ids: list[str]):
        self.parent = {i: i for i in ids}
        self.regions: dict[str, list[tuple[str, frozenset[int]]]] = {}
        self.digests: set[str] = set()  # long pages that a refused partial link pointed into

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def try_link(self, link: Link) -> bool:
        ra, rb = self.find(link.a), self.find(link.b)
        if ra == rb:
            return True
        partial = partial_region(link)
        if partial and not self._region_allowed(partial, link):
            self.digests.add(partial[0])
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        if partial:
            short = link.a if partial[0] == link.b else link.b
            self.regions.setdefault(partial[0], []).append((short, partial[1]))
        return True

    def _region_allowed(self, partial: tuple[str, frozenset[int]], link: Link) -> bool:
        long_id, covered = partial
        short_root = self.find(link.a if long_id == link.b else link.b)
        for other_short, region in self.regions.get(long_id, []):
            if self.find(other_short) == short_root:
                continue
            overlap = len(covered & region) / max(1, min(len(covered), len(region)))
            if overlap < SAME_REGION_OVERLAP:
                return False
        return True


def _stale(link: Link, members: dict[str, Member]) -> bool:
    """A weak rewrite or translation link between pages published months apart (a
    month-only date counts by its nearest day)."""
    if link.relation == VERBATIM or link.score >= STALE_LINK_SCORE:
        return False
    a, b = day_span(members[link.a]), day_span(members[link.b])
    return bool(a and b) and max(b[0] - a[1], a[0] - b[1]) > MAX_COPY_GAP_DAYS


def standing(links: list[Link]) -> list[Link]:
    """The links that count: a second-look link (found from a page that had no link of
    its own, see `stage._body_pairs`) lapses once that page has a first-look link, as it
    would never have been made had both pages been ingested together. Without this, the
    order of ingestion decided families: a page ingested before its source found another
    text quoting the same source, and kept that link after its source arrived."""
    first_look = {i for lk in links if SECOND_LOOK not in lk.evidence for i in (lk.a, lk.b)}
    return [lk for lk in links if not first_look.intersection(lk.evidence.get(SECOND_LOOK, ()))]


def build_families(members: dict[str, Member], links: list[Link]) -> dict[str, Assignment]:
    """Assign every page in `members` to a family; singletons are their own original.

    A page that holds parts of two different texts (the hub guard refused one of them)
    is a digest, not a copy: its partial links are dropped and it joins neither family,
    rather than being counted a copy of whichever text linked first.
    """
    ids = sorted(members)
    usable = [
        link
        for link in sorted(standing(links), key=lambda lk: (-lk.score, lk.a, lk.b))
        if link.a in members and link.b in members and not _stale(link, members)
    ]
    clusters, accepted = _link(ids, usable)
    while clusters.digests:  # links into a digest are gone, so each round finds new ones
        usable = [lk for lk in usable if not _into_digest(lk, clusters.digests)]
        clusters, accepted = _link(ids, usable)
    groups: dict[str, list[str]] = {}
    for page_id in ids:
        groups.setdefault(clusters.find(page_id), []).append(page_id)
    links_by_root: dict[str, list[Link]] = {}
    for link in accepted:
        links_by_root.setdefault(clusters.find(link.a), []).append(link)
    result: dict[str, Assignment] = {}
    for root, group in groups.items():
        result.update(_assign_family([members[i] for i in group], links_by_root.get(root, [])))
    return result


def _link(ids: list[str], links: list[Link]) -> tuple[_Clusters, list[Link]]:
    """Greedy single linkage over `links` (strongest first) under the hub guard."""
    clusters = _Clusters(ids)
    return clusters, [link for link in links if clusters.try_link(link)]


def _into_digest(link: Link, digests: set[str]) -> bool:
    partial = partial_region(link)
    return bool(partial and partial[0] in digests)


def _assign_family(group: list[Member], links: list[Link]) -> dict[str, Assignment]:
    original = choose_original(group, links)
    family = f"fam-{original.id}"
    parents = _spanning_tree(original.id, links)
    result = {original.id: Assignment(original.id, family, "original", None)}
    for member in group:
        if member.id == original.id:
            continue
        relation = _relation_to_original(member, parents, original, links)
        result[member.id] = Assignment(member.id, family, relation, parents[member.id][0])
    return result


def _spanning_tree(root: str, links: list[Link]) -> dict[str, tuple[str, str]]:
    """Maximum spanning tree from the original: each page's parent and link relation.

    Links are ranked once and the frontier is a heap, so a text syndicated to n sites
    (n² / 2 links) costs O(E log E), not a sort of the frontier per page.
    """
    # Same-language links first: an English copy derives from the English text, not
    # from a translation of it.
    ranked = sorted(links, key=lambda lk: (lk.relation != TRANSLATION, lk.score, lk.a, lk.b))
    rank = {id(link): -position for position, link in enumerate(ranked)}  # best pops first
    adjacency: dict[str, list[Link]] = {}
    for link in ranked:
        adjacency.setdefault(link.a, []).append(link)
        adjacency.setdefault(link.b, []).append(link)
    parents: dict[str, tuple[str, str]] = {}
    reached = {root}
    frontier = [(rank[id(lk)], lk) for lk in adjacency.get(root, [])]
    heapq.heapify(frontier)
    while frontier:
        _, link = heapq.heappop(frontier)
        new = link.b if link.a in reached else link.a
        if new in reached:
            continue
        old = link.a if new == link.b else link.b
        parents[new] = (old, link.relation)
        reached.add(new)
        for lk in adjacency.get(new, []):
            if not {lk.a, lk.b} <= reached:
                heapq.heappush(frontier, (rank[id(lk)], lk))
    return parents


def _relation_to_original(
    member: Member,
    parents: dict[str, tuple[str, str]],
    original: Member,
    direct_links: list[Link],
) -> str:
    """Translation if the language differs, else the direct link's relation, else the
    weakest relation on the tree path."""
    if member.lang and original.lang and member.lang != original.lang:
        return TRANSLATION
    for link in direct_links:
        if original.id in (link.a, link.b) and member.id in (link.a, link.b):
            return link.relation
    path, node = [], member.id
    while node != original.id:
        node, relation = parents[node]
        path.append(relation)
    if all(r == VERBATIM for r in path):
        return VERBATIM
    return REWRITE


def choose_original(group: list[Member], links: list[Link]) -> Member:
    """The member whose evidence best says "this is where the text comes from"."""
    if len(group) == 1:
        return group[0]
    spans = _date_spans(group)
    degree = _weighted_degree(links)
    truncated = _truncated_members(links)
    keys = {m.id: _outlet_keys(m) for m in group}
    named = {m.id: _keys_named(m.named, set().union(*keys.values())) for m in group}
    credited, crediting = _credit_evidence(group, keys, named)
    for member, source in _slug_credits(group):
        credited.add(source.id)
        crediting.add(member.id)
    languages = Counter(m.lang for m in group if m.lang)

    def evidence(member: Member) -> tuple:
        credit = (member.id in credited) - (member.id in crediting)
        credit += any(_same_outlet(c, member) for c in member.credits)
        credit += bool(named[member.id] & keys[member.id])
        dated = _date_rank(member.id, spans)
        return (
            credit,
            dated,
            member.dateline,
            languages[member.lang] if member.lang else 0,
            -(member.id in truncated),
            -_is_url_variant(member.url),
            round(degree.get(member.id, 0.0), 3),
            member.n_sentences,
            _has_slug(member.url),
            member.id,
        )

    return max(group, key=evidence)


def day_span(member: Member) -> tuple[int, int] | None:
    """First and last day (ordinals) the member can have been published: one day, or
    the days of its month when only the month is known."""
    if member.published:
        day = day_number(member.published)
        return (day, day) if day else None
    first = day_number(f"{member.published_month}-01") if member.published_month else None
    if first is None:
        return None
    following = date.fromordinal(first + 31).replace(day=1).toordinal()
    return first, following - 1


def _date_spans(group: list[Member]) -> dict[str, tuple[int, int]]:
    """Publication spans of the members that take part in the date evidence.

    A month-only date counts only when some member is dated to the day: it then ties
    with the days of its month, or is certainly earlier or later. Alone against undated
    pages it is not made the earliest page, as a dated page is: a month places a page
    too loosely to outrank the dateline or credits of an undated one.
    """
    spans = {m.id: span for m in group if (span := day_span(m))}
    if any(m.published for m in group if m.id in spans):
        return spans
    return {}


def _date_rank(member_id: str, spans: dict[str, tuple[int, int]]) -> int:
    """-1 when another member was certainly published before this one, 0 undated, else 1
    (with exact dates: the earliest member or members)."""
    span = spans.get(member_id)
    if span is None:
        return 0
    return -1 if any(last < span[0] for _, last in spans.values()) else 1


_AMP = re.compile(r"[/.?&]amp(?:$|[/.=&])", re.IGNORECASE)


def _is_url_variant(url: str | None) -> bool:
    """A query string (?page=3, ?utm_source=...) or an AMP form (/amp/, .amp.html, ?amp)
    marks a variant of a canonical URL."""
    return bool(url and ("?" in url or _AMP.search(url)))


def _has_slug(url: str | None) -> bool:
    """Does the URL's last path segment carry words ("/lna-denies-haftar-...")? Canonical
    article URLs usually do; "/node/4652806" is a short alias of the same page."""
    return bool(url and re.search(r"[^\W\d_]{3,}[-_]", last_segment(url)))


def _weighted_degree(links: list[Link]) -> dict[str, float]:
    degree: dict[str, float] = {}
    for link in links:
        degree[link.a] = degree.get(link.a, 0.0) + link.score
        degree[link.b] = degree.get(link.b, 0.0) + link.score
    return degree


def _truncated_members(links: list[Link]) -> set[str]:
    """Pages that are a part of another member (the shorter side of a partial link)."""
    found = set()
    for link in links:
        partial = partial_region(link)
        if partial:
            found.add(link.a if partial[0] == link.b else link.b)
    return found


def _credit_evidence(
    group: list[Member], keys: dict[str, set[str]], named: dict[str, set[str]]
) -> tuple[set[str], set[str]]:
    """(members credited by another member, members crediting another member's outlet).

    A credit line ("Source: X") or a mention in the text ("... told Asharq Al-Awsat",
    "| TechCrunch" in a headline) that names another member's outlet credits it; pages
    of one outlet credit neither over the other.
    """
    credited, crediting = set(), set()
    for member in group:
        for other in group:
            if other.id == member.id or keys[member.id] & keys[other.id]:
                continue
            credits_other = any(
                _same_outlet(c, other) and not _same_outlet(c, member) for c in member.credits
            )
            if credits_other or named[member.id] & keys[other.id]:
                credited.add(other.id)
                crediting.add(member.id)
    return credited, crediting


#: A URL slug spells a headline when this share of it (rapidfuzz partial ratio, 0-100)
#: matches the headline's words; under SLUG_OTHER_HEADLINE it does not.
SLUG_SAME_HEADLINE = 85
SLUG_OTHER_HEADLINE = 60


def _slug_credits(group: list[Member]) -> list[tuple[Member, Member]]:
    """(translation, source) pairs shown by URLs: a page whose URL slug spells the
    headline of a member in another language, and not its own headline, kept its
    source's slug (machine-translated editions such as id.topwar.ru and ar.topwar.ru
    keep the Russian slug of the Russian article)."""
    found = []
    for member in group:
        slug = slug_words(member.url)
        if len(slug.split()) < 3 or _spells(slug, member.title) >= SLUG_OTHER_HEADLINE:
            continue
        for other in group:
            if other.lang and member.lang and other.lang != member.lang and (
                _spells(slug, other.title) >= SLUG_SAME_HEADLINE
            ):
                found.append((member, other))
    return found


def _spells(slug: str, title: str | None) -> float:
    """How well (0-100) a slug spells a headline, transliterated as slugs are."""
    words = ascii_words(title or "")
    return fuzz.partial_ratio(slug, words) if words else 0.0


def _outlet_keys(member: Member) -> set[str]:
    return {outlet_key(n) for n in (member.outlet, member.site_name) if n} - {""}


_CREDIT_LINE = re.compile(
    r"^\(?(?:source|sources|via|originally published (?:on|by|at|in)|المصدر|fuente|источник)"
    r"\s*[:\-–]\s*(?P<name>[^()\n]{2,60}?)\)?\s*$"
    r"|^also on (?P<site>[\w.-]+\.[a-z]{2,})\b",
    re.IGNORECASE | re.MULTILINE,
)


_DATELINE = re.compile(
    r"(?:^|\n)\s*[A-Z][A-Z.' ]{2,30}(?:,\s*[A-Z][\w.' ]{1,25})?\s*(?:\([A-Za-z]{2,12}\)\s*)?"
    r"(?:—|–|--|-)\s*[\"“A-Z]"
)


def has_dateline(text: str) -> bool:
    """Does the text keep a wire dateline ("GREENBELT, Md. (AP) —", "DAKAR, Senegal --")?
    Copies that are edited for another site usually drop it; the wire's own text keeps it."""
    return bool(_DATELINE.search(text[:1500]))


def credits_in(raw: str) -> list[str]:
    """Credit lines a page carries ("Source: Asharq Al-Awsat", "Also on rt.com").

    Cleaning may drop these lines as bylines or cross-links, so they are read from the
    raw text; they are evidence of where a text comes from, not content.
    """
    found = []
    for match in _CREDIT_LINE.finditer(raw):
        name = (match.group("name") or match.group("site") or "").strip()
        if name and name not in found:
            found.append(name)
    return found


_NAME = re.compile(
    r"[A-Z][\w'’.-]*(?:[ \t]+(?:(?:of|de|du|la|al|el|the)[ \t]+)?[A-Z][\w'’.-]*){0,3}"
)


def names_in(text: str) -> list[str]:
    """Capitalised names in a text ("Asharq Al-Awsat", "The Voice of Sudan"), each run
    and its word sub-spans: candidates for an outlet the text names as its source."""
    found: dict[str, None] = {}
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                found.setdefault(" ".join(words[start:end]), None)
    return list(found)


#: Whole-string similarity (0-100) at which a name from running text names an outlet.
NAMED_OUTLET_RATIO = 85


def _keys_named(names: list[str], keys: set[str]) -> set[str]:
    """The outlet keys (of 4+ characters) that names from running text name.

    Stricter than a credit line: whole-string similarity, not a partial match ("Returns"
    is not turks.us, "Sudan" is not thevoiceofsudan.com), but a host may abbreviate the
    name's leading words ("Asharq Al-Awsat" -> "aaawsat" ~ aawsat.com).
    """
    candidates = sorted(k for k in keys if len(k) >= 4)
    forms = sorted({form for name in names for form in _name_forms(name) if form})
    if not candidates or not forms:
        return set()
    scores = cdist(forms, candidates, scorer=fuzz.ratio, score_cutoff=NAMED_OUTLET_RATIO)
    return {candidates[j] for j in np.flatnonzero(scores.max(axis=0) >= NAMED_OUTLET_RATIO)}


def _name_forms(name: str) -> tuple[str, str]:
    """The name as an outlet key, and its initials-plus-last-word abbreviation."""
    words = [w for w in re.split(r"[\s\-–]+", name.casefold()) if w]
    abbreviation = "".join(w[0] for w in words[:-1]) + words[-1] if words else ""
    return outlet_key(name), outlet_key(abbreviation)


def outlet_key(name: str) -> str:
    """Comparable form of an outlet name or host: 'english.aawsat.com' -> 'aawsat'."""
    name = name.casefold().strip()
    name = re.sub(r"^https?://", "", name).split("/")[0]
    labels = [p for p in name.split(".") if p]
    if len(labels) >= 2:
        labels = labels[:-1]  # drop the top-level domain
        if len(labels) >= 2 and len(labels[-1]) <= 3:  # co.uk, com.au
            labels = labels[:-1]
        labels = labels[-1:]  # the registered name, not its subdomain
    return re.sub(r"[^\w]", "", "".join(labels))


def _same_outlet(credit: str, member: Member) -> bool:
    """Does a credit ('Asharq Al-Awsat', 'rt.com', 'AFP') name this member's outlet?"""
    acronym = credit.strip()
    if member.site_name and _ACRONYM.fullmatch(acronym) and acronym == _initials(member.site_name):
        return True
    key = outlet_key(credit)
    for name in (member.outlet, member.site_name):
        if not name or len(key) < 2:
            continue
        other = outlet_key(name)
        if len(other) < 2:
            continue
        if key == other:
            return True
        if min(len(key), len(other)) >= 4 and fuzz.partial_ratio(key, other) >= 80:
            return True
    return False


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _initials(name: str) -> str:
    """'Agence France-Presse' -> 'AFP', 'The Associated Press' -> 'AP'."""
    words = [w for w in re.split(r"[\s\-–]+", name) if w and w[0].isupper()]
    if words and words[0] == "The":
        words = words[1:]
    return "".join(w[0] for w in words)
