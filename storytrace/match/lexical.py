"""Near-duplicate families of many texts in memory, on every core: the lexical match path.

The same steps as the match stage (`stage.py`) without SQLite and without embeddings:
text units -> band and sentence keys -> candidate pairs -> pair evidence -> classifier ->
families. It is what `benchmarks/bench_families.py` measures at 10k-1M pages.

Two passes run on all processes, the calling one included
(`engine.parallel.map_batches_with_caller`, workers started from a fork server that has
imported this module once):

1. keys: each batch of pages is cut into sentences, normalised and hashed; the keys (a
   few dozen 64-bit integers per page) and the cut (`Cut`: where the sentences lie,
   their normalised forms) come back. The 3-gram sets do not: pickling them cost more
   than building them (28 MB and 1.3 s per 4,000 pages);
2. evidence: candidate pairs are grouped into connected groups of pages, and each batch
   of groups builds the text units of its pages from their cuts (no page is cut or
   normalised twice), classifies its pairs and builds the groups' families. Pages without
   a candidate (most pages of a real crawl) never get 3-gram sets, numbers or quotes.
"""

from __future__ import annotations

import numpy as np

from storytrace.engine.parallel import map_batches_with_caller
from storytrace.match import candidates as C
from storytrace.match import text as T
from storytrace.match.classify import UNRELATED, classify
from storytrace.match.evidence import PageText, pair_evidence
from storytrace.match.families import Link, Member, build_families

#: (page id, language, text): a page as the caller gives it.
Row = tuple[str, str | None, str]
#: What the key pass keeps of a page for the evidence pass, so that no page is cut into
#: sentences or normalised twice: the start and end of each content sentence in its text
#: (int32 pairs, as bytes) and the normalised sentences joined by newlines, which they
#: never contain. 2.4 KB a page, against 5.9 KB as lists of strings (the caller holds
#: every page's); bytes and one string pickle 5x faster than small arrays.
Cut = tuple[bytes, str]
#: Pages per worker batch: large enough that starting a batch is cheap next to its work,
#: small enough that the processes finish together.
BATCH_PAGES = 500


def page_keys(batch: list[Row]) -> list[tuple[bytes, Cut]]:
    """Band and sentence keys of each page in `batch` (int64, as bytes), with its `Cut`.

    The keys are the stage's (normalised sentences and word 3-grams, exactly as
    `PageText.from_text` makes them); numbers, quotes and 3-gram sets are built later,
    for the pages that have a candidate pair.
    """
    cuts = [_cut(text) for _, _, text in batch]
    tokens = [" ".join(normalised).split() for normalised, _ in cuts]
    bands = C.band_keys(C.minhash_digests([gram_list(t) for t in tokens]))
    return [
        (
            np.array(
                [*(page_bands.tolist() if page_tokens else []), *C.sentence_keys(normalised)],
                dtype=np.int64,
            ).tobytes(),
            cut,
        )
        for (normalised, cut), page_tokens, page_bands in zip(cuts, tokens, bands, strict=True)
    ]


def _cut(text: str) -> tuple[list[str], Cut]:
    """A page's normalised sentences, and its `Cut`."""
    sentences = T.sentences(text)
    spans, end = [], 0
    for sentence in sentences:
        start = text.find(sentence, end)  # each sentence is a piece of the text, in order
        end = start + len(sentence)
        spans.append((start, end))
    normalised = [T.normalise(s) for s in sentences]
    return normalised, (np.array(spans, dtype=np.int32).tobytes(), "\n".join(normalised))


def gram_list(tokens: list[str]) -> list[str]:
    """`T.shingles(tokens)` as a list with repeats, for MinHash: half the time of the set."""
    if len(tokens) < 3:
        return [" ".join(tokens)] if tokens else []
    return list(map(" ".join, zip(tokens, tokens[1:], tokens[2:], strict=False)))


def page_text(page_id: str, lang: str | None, text: str, cut: Cut) -> PageText:
    """`PageText.from_text` of a page already cut (equal, see the tests)."""
    spans, normalised = cut
    bounds = np.frombuffer(spans, dtype=np.int32).tolist()
    sentences = [text[start:end] for start, end in zip(bounds[::2], bounds[1::2], strict=True)]
    return PageText.from_sentences(
        page_id, lang, sentences, normalised.split("\n") if sentences else []
    )


#: Each page of a connected group (page id, language, text, cut), and the group's pairs.
Group = tuple[list[tuple[str, str | None, str, Cut]], list[tuple[str, str]]]


def group_families(groups: list[Group]) -> list[tuple[str, str]]:
    """(page id, family id) of every page of each group, from the links among its
    candidate pairs. A link never leaves its group, so neither does a family: each
    process builds the families of its own groups, and no family-building is left to
    the caller once the links are found (at 100k pages it was 4 s of serial work)."""
    found = []
    for members, pairs in groups:
        pages = {member[0]: page_text(*member) for member in members}
        links = []
        for a, b in pairs:
            evidence = pair_evidence(pages[a], pages[b])
            relation, score = classify(evidence)
            if relation != UNRELATED:
                links.append(Link(a, b, relation, round(score, 4), evidence))
        members_of = {page.id: Member(id=page.id, lang=page.lang) for page in pages.values()}
        assigned = build_families(members_of, links)
        found += [(page_id, a.family) for page_id, a in assigned.items()]
    return found


def key_pass(rows: list[Row], workers: int | None = None) -> list[tuple[bytes, Cut]]:
    """`page_keys` of every row, in row order, on `workers` processes."""
    batches = map_batches_with_caller(page_keys, rows, BATCH_PAGES, workers, preload=[__name__])
    return [page for batch in batches for page in batch]


def candidate_pairs(keys: list[bytes]) -> np.ndarray:
    """Candidate pairs (m, 2) of row numbers, smaller first, from each row's keys."""
    owners = np.repeat(np.arange(len(keys)), [len(k) // 8 for k in keys])
    return C.pairs_sharing_keys(np.frombuffer(b"".join(keys), dtype=np.int64), owners)


def evidence_groups(rows: list[Row], keyed: list[tuple[bytes, Cut]]) -> list[Group]:
    """The connected groups of candidate pairs, each with its pages' rows and cuts.

    Pages outside every group are dropped here, so their cuts are freed once the caller
    lets go of `keyed`.
    """
    from scipy.sparse import coo_matrix  # here: workers, which never group, start without scipy
    from scipy.sparse.csgraph import connected_components

    pairs = candidate_pairs([keys for keys, _ in keyed])
    if not len(pairs):
        return []
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), (len(rows),) * 2)
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label[pairs[:, 0]], kind="stable")
    bounds = np.flatnonzero(np.diff(label[pairs[order, 0]])) + 1
    groups = []
    for chunk in np.split(order, bounds):
        group = pairs[chunk]
        members = sorted(set(group.ravel().tolist()))
        groups.append(
            (
                [(*rows[i], keyed[i][1]) for i in members],
                [tuple(sorted((rows[a][0], rows[b][0]))) for a, b in group.tolist()],
            )
        )
    return groups


def _group_batch(tasks: list) -> int:
    """Groups per worker batch: about BATCH_PAGES pages each, never fewer than one group."""
    pages = sum(len(members) for members, _ in tasks)
    return max(1, len(tasks) * BATCH_PAGES // max(pages, 1))


def families_of(rows: list[Row], workers: int | None = None) -> dict[str, str]:
    """Family id of every page in `rows` (page id -> family id)."""
    groups = evidence_groups(rows, key_pass(rows, workers))
    batches = map_batches_with_caller(
        group_families, groups, _group_batch(groups), workers, preload=[__name__]
    )
    family = dict(pair for batch in batches for pair in batch)
    alone = {page_id: Member(id=page_id, lang=lang) for page_id, lang, _ in rows
             if page_id not in family}
    family.update((page_id, a.family) for page_id, a in build_families(alone, []).items())
    return family
