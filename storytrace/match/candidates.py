"""Candidate pairs without comparing all pairs.

Five cheap keys, each catching what the others miss:

* exact hash of the normalised text - reposts and URL variants;
* hashes of a long headline or URL slug - teasers that keep only the headline and lead;
* MinHash LSH bands over word 3-grams (rensa) - near-duplicates with edits;
* hashes of whole sentences - a short copy inside a long page (containment, which
  Jaccard-based LSH misses when the sizes differ a lot);
* nearest neighbours of lead embeddings (faiss, exact inner product) - rewrites and
  translations, which share no words.

Every key is a pure function of one page, and a pair is a candidate when two pages share
a key (or are close in embedding space), so adding pages later finds exactly the pairs a
from-scratch run would find (up to the per-key caps below).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

import numpy as np
import rensa

from storytrace.match import text as T

NUM_PERM = 64
#: 32 bands of 2 rows: pairs with a 3-gram Jaccard of 0.3 collide with probability 0.95.
BANDS = 32
MINHASH_SEED = 42
#: A key shared by more pages than this pairs each page only with the next two in id
#: order: a stock line ("Reporting by ...") shared by thousands of pages costs no
#: all-pairs join, and a wire text carried by hundreds of sites still chains into one
#: family (with all pairs dropped, 200 copies of one text were 200 families).
MAX_BUCKET = 50
#: Sentences this short are too generic to link two pages on their own.
MIN_KEY_SENTENCE_WORDS = 10
#: One shared sentence is often a stock line ("Reporting by ..."); two make a candidate.
MIN_SHARED_SENTENCES = 2
#: Lead-vector neighbours are candidates above a cosine floor, one for pages in the same
#: language and a lower one across languages (the embedder scores a translation lower
#: than a same-language rewrite). A floor, not a top-k: whether two pages are a
#: candidate then depends on them alone, so ingesting a crawl in parts finds the pairs a
#: single run finds (with the old 10 + 20 nearest, the first pages of a crawl had room for
#: neighbours that later pages crowded out of a from-scratch run, and dev ingested in four
#: parts made two families one). The floors give dev as many candidates as the old rule
#: (3,724 pairs against 3,497, 152 of 160 same-family pairs against 154).
NEIGHBOUR_COSINE_SAME_LANGUAGE = 0.87
NEIGHBOUR_COSINE_OTHER_LANGUAGES = 0.82
#: Neighbours in other languages kept per page by its body vector (the mean of its
#: sentence vectors). A translation whose lead differs from its source's (another
#: headline, a lead written for the new readers) is far from it by lead vector (rank 27
#: to 94 among other-language pages on dev) and close by body vector (rank 5 to 10).
BODY_NEIGHBOURS = 10
#: Nearest pages searched per page: the most candidates one page can have from vectors.
#: Only a page with more neighbours above the floor than this (a story carried by
#: hundreds of pages) can get different candidates in an incremental run.
_SEARCH_DEPTH = 100

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def minhash_digests(gram_sets: list[Collection[str]]) -> np.ndarray:
    """MinHash signatures (n, NUM_PERM) of word 3-gram sets, computed in bulk by rensa.

    A set may also come as a list with repeats: a MinHash is a minimum, which repeats
    do not change, and a list of 3-grams is built in half the time of a set.
    """
    if not gram_sets:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    sets = [grams or [""] for grams in gram_sets]  # rensa takes sets and lists as they are
    matrix = rensa.RMinHash.digest_matrix_from_token_sets(sets, NUM_PERM, MINHASH_SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32)


def band_keys(digests: np.ndarray) -> np.ndarray:
    """One signed 64-bit key per (page, band): equal keys mean an equal band."""
    rows = NUM_PERM // BANDS
    bands = digests.reshape(len(digests), BANDS, rows).astype(np.uint64)
    key = np.arange(BANDS, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ bands[:, :, r]) * np.uint64(0xBF58476D1CE4E5B9) & _MASK
            key ^= key >> np.uint64(31)
    return (key & ~np.uint64(1)).view(np.int64)  # even: a band key, see is_sentence_key


def sentence_keys(normalised_sentences: list[str]) -> list[int]:
    """Signed 64-bit hashes (odd) of a page's long sentences, given normalised."""
    keys = set()
    for sentence in normalised_sentences:
        if T.word_count(sentence) >= MIN_KEY_SENTENCE_WORDS:
            digest = hashlib.blake2b(sentence.encode(), digest_size=8).digest()
            keys.add(int.from_bytes(digest, "big", signed=True) | 1)
    return sorted(keys)


def text_key(text_hash: str) -> int:
    """Key of the whole normalised text (even, so it counts like a band)."""
    return int.from_bytes(bytes.fromhex(text_hash[:16]), "big", signed=True) & ~1


def headline_keys(headlines: Iterable[str]) -> list[int]:
    """Keys (even, like a band: one shared key makes a candidate) of a page's long
    headline forms (`headline.headlines`): a teaser that keeps only its source's
    headline and lead shares no band or sentence with it."""
    keys = set()
    for form in headlines:
        digest = hashlib.blake2b(f"headline\n{form}".encode(), digest_size=8).digest()
        keys.add(int.from_bytes(digest, "big", signed=True) & ~1)
    return sorted(keys)


def is_sentence_key(key: int) -> bool:
    """Sentence keys are odd, band and text keys even: one table holds both."""
    return bool(key & 1)


def pairs_from_buckets(
    keyed: Iterable[tuple[int, str]], new_ids: set[str] | None = None
) -> set[tuple[str, str]]:
    """Pairs (a < b) sharing a band key or MIN_SHARED_SENTENCES sentence keys.

    With `new_ids`, only pairs touching a new page are returned.
    """
    rows = list(keyed)
    if not rows:
        return set()
    names = sorted({page_id for _, page_id in rows})  # index order = id order, so a < b
    index = {page_id: i for i, page_id in enumerate(names)}
    keys = np.fromiter((key for key, _ in rows), dtype=np.int64, count=len(rows))
    owners = np.fromiter((index[p] for _, p in rows), dtype=np.int64, count=len(rows))
    pairs = pairs_sharing_keys(keys, owners)
    if new_ids is not None:
        is_new = np.array([page_id in new_ids for page_id in names], dtype=bool)
        pairs = pairs[is_new[pairs[:, 0]] | is_new[pairs[:, 1]]]
    return {(names[a], names[b]) for a, b in pairs.tolist()}


def pairs_sharing_keys(keys: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Candidate pairs (m, 2) of owner numbers, smaller first, from (key, owner) rows.

    Vectorised bucket join: rows are sorted by key, and every bucket of 2..MAX_BUCKET
    distinct owners yields its pairs (a bigger one a chain, see MAX_BUCKET), all buckets
    of one size at once; a pair is one int64 code (a * n + b) so counting and
    de-duplicating are 1-D sorts. The per-pair Python loop it replaces took 1.9 s of the
    15 s the 10k-page benchmark spent.
    """
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order].astype(np.int64)
    fresh = np.r_[True, (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])]
    keys, owners = keys[fresh], owners[fresh]
    n = int(owners.max()) + 1 if len(owners) else 1
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    band, sentence = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for size in range(2, MAX_BUCKET + 1):
        firsts = starts[sizes == size]
        if not len(firsts):
            continue
        members = owners[firsts[:, None] + np.arange(size)]  # owners sorted within a key
        left, right = np.triu_indices(size, 1)
        codes = (members[:, left] * n + members[:, right]).ravel()
        odd = np.repeat(keys[firsts] & 1 == 1, len(left))  # see is_sentence_key
        band.append(codes[~odd])
        sentence.append(codes[odd])
    for codes, odd in _chained_pairs(keys, owners, starts, sizes, n):
        band.append(codes[~odd])
        sentence.append(codes[odd])
    shared, counts = np.unique(np.concatenate(sentence), return_counts=True)
    codes = np.union1d(np.concatenate(band), shared[counts >= MIN_SHARED_SENTENCES])
    return np.stack([codes // n, codes % n], axis=1)


def _chained_pairs(
    keys: np.ndarray, owners: np.ndarray, starts: np.ndarray, sizes: np.ndarray, n: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pair codes of buckets over MAX_BUCKET: each owner with the next one and the one
    after (two paths, so one page that fails verification does not split the chain)."""
    big = sizes > MAX_BUCKET
    if not big.any():
        return []
    position = np.arange(len(keys))
    bucket_end = np.repeat(starts + sizes, sizes)
    in_big = np.repeat(big, sizes)
    found = []
    for step in (1, 2):
        first = position[in_big & (position + step < bucket_end)]
        codes = owners[first] * n + owners[first + step]
        found.append((codes, keys[first] & 1 == 1))
    return found


def neighbour_pairs(
    ids: list[str],
    vectors: np.ndarray,
    langs: list[str | None],
    query_ids: list[str] | None = None,
    floors: tuple[float, float] = (
        NEIGHBOUR_COSINE_SAME_LANGUAGE,
        NEIGHBOUR_COSINE_OTHER_LANGUAGES,
    ),
    caps: tuple[int, int] = (_SEARCH_DEPTH, _SEARCH_DEPTH),
) -> dict[tuple[str, str], float]:
    """Pairs of pages whose vectors are close: above `floors` (same language, other
    languages), at most `caps` nearest of each kind per page.

    Exact inner-product search (faiss IndexFlatIP): at these sizes it is fast and has
    no recall loss to tune. With `query_ids`, only those pages are searched.
    """
    import faiss

    if len(ids) < 2:
        return {}
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    position = {page_id: i for i, page_id in enumerate(ids)}
    queries = ids if query_ids is None else query_ids
    rows = np.array([position[q] for q in queries], dtype=np.int64)
    k = min(_SEARCH_DEPTH, len(ids))
    scores, found = index.search(np.ascontiguousarray(vectors[rows]), k)
    result: dict[tuple[str, str], float] = {}
    for row, row_scores, row_found in zip(rows, scores, found, strict=True):
        kept = {True: 0, False: 0}
        for score, j in zip(row_scores, row_found, strict=True):
            if j < 0 or j == row:
                continue
            same = langs[j] == langs[row]
            if score < floors[not same] or kept[same] >= caps[not same]:
                continue
            kept[same] += 1
            a, b = sorted((ids[row], ids[j]))
            result[(a, b)] = max(result.get((a, b), 0.0), float(score))
    return result
