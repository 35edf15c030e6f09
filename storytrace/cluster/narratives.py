"""Narratives: stories that belong to one long-running thread of news.

Stories are joined by average-linkage agglomeration over a sparse nearest-neighbour
graph of story centroids (faiss), so cost follows the number of neighbour pairs, not all
pairs. Average linkage, unlike single linkage, does not chain two threads together
through one ambiguous story. Time plays no part: a narrative spans months or years.
A story whose best link stays below the threshold has no narrative.

Labels are class-based TF-IDF (c-TF-IDF, as in BERTopic): the terms frequent in one
narrative's headlines and names but rare across the others.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass

import faiss
import numpy as np
from anyascii import anyascii

from storytrace.cluster.features import name_overlap


@dataclass
class NarrativeParams:
    """Defaults sit mid-way in the range good on dev and on the demo corpus alike
    (docs/decisions/cluster.md): the embedder's cosine between unrelated stories of one
    corpus varies, while shared actors are what holds a thread together."""

    link: float = 0.845  # mean similarity two groups of stories need to be one narrative
    name_weight: float = 0.4  # bonus for fully shared names (overlap coefficient)
    neighbours: int = 15
    hnsw_above: int = 50_000  # approximate search beyond this many stories


@dataclass
class StoryPoint:
    """What narrative clustering needs from a story."""

    id: int
    vec: np.ndarray
    names: frozenset[str]


def cluster_narratives(
    stories: list[StoryPoint], params: NarrativeParams | None = None
) -> list[list[int]]:
    """Groups of story ids (two or more stories each), biggest first."""
    params = params or NarrativeParams()
    if len(stories) < 2:
        return []
    sims = _neighbour_sims(stories, params)
    groups = _average_linkage(stories, sims, params)
    found = [sorted(stories[i].id for i in members) for members in groups if len(members) > 1]
    return sorted(found, key=lambda g: (-len(g), g[0]))


def _pair_sim(a: StoryPoint, b: StoryPoint, params: NarrativeParams) -> float:
    return float(a.vec @ b.vec) + params.name_weight * name_overlap(a.names, b.names)


def _neighbour_sims(stories: list[StoryPoint], params: NarrativeParams) -> dict:
    vectors = np.stack([s.vec for s in stories]).astype(np.float32)
    if len(stories) > params.hnsw_above:
        index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 64
    else:
        index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    _, rows = index.search(vectors, min(params.neighbours + 1, len(stories)))
    sims = {}
    for i, neighbours in enumerate(rows):
        for j in neighbours:
            if j > i or (0 <= j < i and (j, i) not in sims):
                key = (min(i, j), max(i, j))
                sims[key] = _pair_sim(stories[i], stories[j], params)
    return sims


def _average_linkage(stories: list[StoryPoint], sims: dict, params: NarrativeParams):
    """Merge the closest pair of groups while their mean pairwise similarity is high."""
    members = {i: [i] for i in range(len(stories))}
    neighbours: dict[int, set[int]] = {i: set() for i in members}
    for i, j in sims:
        neighbours[i].add(j)
        neighbours[j].add(i)

    def link(a: int, b: int) -> float:
        total = 0.0
        for x in members[a]:
            for y in members[b]:
                key = (min(x, y), max(x, y))
                total += sims[key] if key in sims else _pair_sim(stories[x], stories[y], params)
        return total / (len(members[a]) * len(members[b]))

    heap = [(-s, i, j) for (i, j), s in sims.items() if s >= params.link]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = link(a, b)
        if current < params.link:
            continue
        if current < -negative - 1e-9:  # stale entry: re-queue at its current value
            heapq.heappush(heap, (-current, a, b))
            continue
        members[a] += members.pop(b)
        neighbours[a] = (neighbours[a] | neighbours.pop(b)) - {a, b}
        for c in neighbours[a]:
            neighbours[c].discard(b)
            neighbours[c].add(a)
            value = link(a, c)
            if value >= params.link:
                heapq.heappush(heap, (-value, min(a, c), max(a, c)))
    return list(members.values())


def stable_numbers(groups: list[list[int]], previous: dict[int, int]) -> list[int]:
    """A number for each group of stories, kept from the last run where possible.

    `previous` maps story id to the narrative number it had. A group keeps an old number
    when it holds more than half of that narrative's stories (the biggest overlap wins,
    one group per number), so links and bookmarks to a narrative survive incremental
    runs that only add stories around it. Other groups get numbers above every old one.
    """
    sizes = Counter(previous.values())
    overlaps = []
    for index, group in enumerate(groups):
        counts = Counter(previous[s] for s in group if s in previous)
        overlaps += [(-n, old, index) for old, n in counts.items() if 2 * n > sizes[old]]
    numbers: dict[int, int] = {}
    for _, old, index in sorted(overlaps):
        if index not in numbers and old not in numbers.values():
            numbers[index] = old
    fresh = max(sizes, default=0) + 1
    for index in range(len(groups)):
        if index not in numbers:
            numbers[index] = fresh
            fresh += 1
    return [numbers[index] for index in range(len(groups))]


# Labels ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")


def narrative_labels(documents: list[str], top: int = 4) -> list[list[str]]:
    """Key terms per narrative by c-TF-IDF; `documents[i]` is narrative i's text.

    A term scores tf(term, narrative) * log(1 + mean words per narrative / total
    frequency of the term), which favours terms concentrated in one narrative.
    """
    counts = [Counter(_terms(doc)) for doc in documents]
    total = Counter()
    for c in counts:
        total.update(c)
    mean_words = sum(total.values()) / max(len(counts), 1)
    labels = []
    for c in counts:
        size = sum(c.values()) or 1
        scored = {t: (n / size) * math.log(1 + mean_words / total[t]) for t, n in c.items()}
        labels.append([t for t, _ in sorted(scored.items(), key=lambda x: (-x[1], x[0]))[:top]])
    return labels


def _terms(text: str) -> list[str]:
    """Lowercased words of a text, minus stopwords, in their own script."""
    words = [w.lower() for w in _WORD.findall(text)]
    return [w for w in words if anyascii(w) not in _STOPWORDS]


#: Function words of the commonest news languages; c-TF-IDF handles the rest.
_STOPWORD_TEXT = """the and for with that this from have has had was were are will would said says
    after over into about than then they their them its his her not but who what when
    new more also been being which while could should may might can one two out all
    les des une dans pour par sur est qui que aux avec del las los por para con una
    der die das und mit von den dem ein eine ist auf sich nicht zum zur
    """
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
