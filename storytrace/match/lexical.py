"""Near-duplicate families of many texts in memory, on every core: the lexical match path.

The same steps as the match stage (`stage.py`) without SQLite and without embeddings:
text units -> band and sentence keys -> candidate pairs -> pair evidence -> classifier ->
families. It is what `benchmarks/bench_families.py` measures at 10k-1M pages.

Two passes run in worker processes (see `_map_batches`):

1. keys: each batch of pages is cut into text units and hashed; only the keys (a few
   dozen 64-bit integers per page) come back, because sending the text units themselves
   between processes cost more than building them (28 MB and 1.3 s of pickling per 4,000
   pages);
2. evidence: candidate pairs are grouped into connected groups of pages, and each batch
   of groups rebuilds the text units of its own pages and classifies its pairs. Pages
   without a candidate (most pages of a real crawl) are cut only once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from storytrace.engine.parallel import map_batches
from storytrace.match import candidates as C
from storytrace.match import text as T
from storytrace.match.classify import UNRELATED, classify
from storytrace.match.evidence import PageText, pair_evidence
from storytrace.match.families import Link, Member, build_families

#: (page id, language, text) - what a worker needs to rebuild a page's text units.
Row = tuple[str, str | None, str]
#: Pages per worker batch: large enough that starting a batch is cheap next to its work.
BATCH_PAGES = 1000


def page_keys(batch: list[Row]) -> list[np.ndarray]:
    """Band and sentence keys (int64) of each page in `batch`.

    Only what the keys need is computed (normalised sentences and word 3-grams, exactly
    as `PageText.from_text` makes them): numbers, quotes and raw sentences are built
    later, for the pages that have a candidate pair.
    """
    normalised = [[T.normalise(s) for s in T.sentences(text)] for _, _, text in batch]
    tokens = [" ".join(sentences).split() for sentences in normalised]
    bands = C.band_keys(C.minhash_digests([T.shingles(t) for t in tokens]))
    return [
        np.array(
            [*(page_bands.tolist() if page_tokens else []), *C.sentence_keys(sentences)],
            dtype=np.int64,
        )
        for sentences, page_tokens, page_bands in zip(normalised, tokens, bands, strict=True)
    ]


def group_links(group: list[tuple[list[Row], list[tuple[str, str]]]]) -> list[Link]:
    """Links among the candidate pairs of each (pages, pairs) group."""
    links = []
    for rows, pairs in group:
        pages = {row[0]: PageText.from_text(*row) for row in rows}
        for a, b in pairs:
            evidence = pair_evidence(pages[a], pages[b])
            relation, score = classify(evidence)
            if relation != UNRELATED:
                links.append(Link(a, b, relation, round(score, 4), evidence))
    return links


def candidate_pairs(rows: list[Row], workers: int | None = None) -> np.ndarray:
    """Candidate pairs (m, 2) of row numbers, smaller first."""
    per_page = [k for batch in _map_batches(page_keys, rows, BATCH_PAGES, workers) for k in batch]
    owners = np.repeat(np.arange(len(rows)), [len(k) for k in per_page])
    keys = np.concatenate(per_page) if per_page else np.zeros(0, dtype=np.int64)
    return C.pairs_sharing_keys(keys, owners)


def links_of(rows: list[Row], pairs: np.ndarray, workers: int | None = None) -> list[Link]:
    """Classify candidate pairs, one connected group of pages per task."""
    tasks = list(_groups(rows, pairs))
    return [
        link
        for batch in _map_batches(group_links, tasks, _group_batch(tasks), workers)
        for link in batch
    ]


def _groups(rows: list[Row], pairs: np.ndarray) -> Iterator[tuple[list[Row], list]]:
    """(rows, id pairs) of each connected group of candidate pages."""
    if not len(pairs):
        return
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), (len(rows),) * 2)
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label[pairs[:, 0]], kind="stable")
    bounds = np.flatnonzero(np.diff(label[pairs[order, 0]])) + 1
    for chunk in np.split(order, bounds):
        group = pairs[chunk]
        yield (
            [rows[i] for i in sorted(set(group.ravel().tolist()))],
            [tuple(sorted((rows[a][0], rows[b][0]))) for a, b in group.tolist()],
        )


def _group_batch(tasks: list) -> int:
    """Groups per worker batch: about BATCH_PAGES pages each, never fewer than one group."""
    pages = sum(len(rows) for rows, _ in tasks)
    return max(1, len(tasks) * BATCH_PAGES // max(pages, 1))


def _map_batches(fn: Callable, items: list, batch_size: int, workers: int | None) -> list:
    """`engine.parallel.map_batches` with workers started from a fork server.

    rensa (MinHash) runs a Rust thread pool; a process forked after its parent used rensa
    inherits the pool's state without its threads and hangs at its first MinHash (seen
    with the stage followed by this path in one process). A fork server forks from a
    clean process instead.
    """
    return list(map_batches(fn, items, batch_size, workers, start_method="forkserver"))


def families_of(rows: list[Row], workers: int | None = None) -> dict[str, str]:
    """Family id of every page in `rows` (page id -> family id)."""
    pairs = candidate_pairs(rows, workers)
    links = links_of(rows, pairs, workers)
    members = {page_id: Member(id=page_id, lang=lang) for page_id, lang, _ in rows}
    return {page_id: a.family for page_id, a in build_families(members, links).items()}
