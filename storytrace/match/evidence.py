"""Evidence that two pages share one text: what a reader would check side by side.

Each function returns plain numbers and short lists so the evidence can be stored as
JSON next to the link and shown to a user ("12 of 14 sentences aligned, in order, 3
shared quotes"). The classifier in `classify.py` only reads these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq
from rapidfuzz.process import cdist

from storytrace.match import text as T

#: An aligned sentence this similar (0-1) and this long (words) was copied, not written
#: again: a few of them prove copying even when captions dilute the shares.
COPIED_SENTENCE = 0.9
COPIED_MIN_WORDS = 10
#: Same-language pairs sharing fewer word 3-grams than this are not aligned at all: no
#: copy or rewrite on dev goes below 0.19, and alignment is the costly step.
MIN_SAME_WORDS = 0.1
#: Same-language sentences this similar (rapidfuzz ratio, 0-100) are the same sentence.
SAME_SENTENCE_RATIO = 55.0
#: Cross-language sentence vectors this close (cosine) may be one sentence translated...
TRANSLATED_SENTENCE_COSINE = 0.86
#: ...when the partner also stands out from the runner-up by this margin. Multilingual
#: encoders put every sentence on one topic close together (0.80-0.88), so a raw cosine
#: threshold cannot tell a translation from a separate report; a margin can.
TRANSLATED_SENTENCE_MARGIN = 0.03


@dataclass
class PageText:
    """What the matcher keeps of a page: its content sentences and derived sets."""

    id: str
    lang: str | None
    sentences: list[str]
    normalised: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    grams: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)
    sentence_vecs: np.ndarray | None = None  # first sentences only, see SENTENCES_EMBEDDED
    vector: np.ndarray | None = None  # the page (lead) vector
    headlines: frozenset[str] = frozenset()  # long headline and URL slug (headline.py)
    outlet: str | None = None

    @classmethod
    def from_text(cls, page_id: str, lang: str | None, text: str) -> PageText:
        sents = T.sentences(text)
        return cls.from_sentences(page_id, lang, sents, [T.normalise(s) for s in sents])

    @classmethod
    def from_sentences(
        cls, page_id: str, lang: str | None, sents: list[str], normalised: list[str]
    ) -> PageText:
        """The page of `from_text`, for a caller that cut and normalised the text already
        (the lexical path keeps both from its key pass)."""
        body = "\n".join(sents)
        tokens = " ".join(normalised).split()  # = T.words(body), without normalising twice
        return cls(
            id=page_id,
            lang=lang,
            sentences=sents,
            normalised=normalised,
            tokens=tokens,
            grams=T.shingles(tokens),
            numbers=T.numbers(body),
            quotes=T.quotes(body),
        )


#: Sentences per page that get a vector: enough to recognise a translation of the lead.
SENTENCES_EMBEDDED = 12
#: Characters of a sentence that are embedded (long run-on "sentences" are cut).
SENTENCE_CHARS = 250


def embeddable_sentences(page: PageText) -> list[str]:
    """The sentences whose vectors cross-language alignment compares."""
    return [s[:SENTENCE_CHARS] for s in page.sentences[:SENTENCES_EMBEDDED]]


def gram_overlap(a: set[str], b: set[str]) -> tuple[float, float]:
    """(containment, Jaccard) of two sets from one intersection.

    Containment is the share of the smaller set found in the larger: high for truncated
    or embedded copies. Jaccard's union is counted as |a| + |b| - |a & b|, which needs no
    union set: a third of the set work of the two measures taken apart.
    """
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)), shared / (len(a) + len(b) - shared)


def in_order(pairs: list[tuple[int, int]]) -> float:
    """Share of aligned sentence pairs that keep their order (longest increasing run).

    Copies and translations keep sentence order; independent reports of one event
    share facts in a different order.
    """
    if len(pairs) < 2:
        return 1.0 if pairs else 0.0
    seq = [j for _, j in sorted(pairs)]
    tails: list[int] = []
    for value in seq:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(value)
        else:
            tails[lo] = value
    return len(tails) / len(seq)


def align_same_language(a: list[str], b: list[str]) -> list[tuple[int, int, float]]:
    """Best partner in `b` for each (normalised) sentence of `a`, kept when similar (0-1)."""
    if not a or not b:
        return []
    scores = cdist(a, b, scorer=fuzz.ratio, workers=1)
    return _best_partners(scores / 100.0, SAME_SENTENCE_RATIO / 100.0)


def align_cross_language(va: np.ndarray, vb: np.ndarray) -> list[tuple[int, int, float, bool]]:
    """Best partner by sentence-vector cosine, kept when it looks like a translation.

    Each match is (sentence of a, sentence of b, cosine, matched two merged sentences).
    """
    if va is None or vb is None or not len(va) or not len(vb):
        return []
    scores = va @ vb.T
    runner_up_row = _second_best(scores, axis=1)
    runner_up_col = _second_best(scores, axis=0)
    windows = _pair_windows(vb)
    found = []
    for i, j in enumerate(scores.argmax(axis=1)):
        best = float(scores[i, j])
        margin = best - max(runner_up_row[i], runner_up_col[j])
        if best >= TRANSLATED_SENTENCE_COSINE and margin >= TRANSLATED_SENTENCE_MARGIN:
            found.append((i, int(j), round(best, 3), False))
        elif windows is not None:
            window_match = _window_partner(va[i], scores[i], windows)
            if window_match:
                found.append((i, window_match[0], window_match[1], True))
    return found


def _pair_windows(vb: np.ndarray) -> np.ndarray | None:
    """Vectors of adjacent sentence pairs (mean, renormalised): a translator often merges
    two sentences into one, and the mean vector stands in for the merged sentence."""
    if len(vb) < 3:
        return None
    merged = vb[:-1] + vb[1:]
    return merged / np.linalg.norm(merged, axis=1, keepdims=True)


def _window_partner(
    vec: np.ndarray, singles: np.ndarray, windows: np.ndarray
) -> tuple[int, float] | None:
    """(first sentence, cosine) of the adjacent pair that clearly matches `vec`."""
    scores = windows @ vec
    k = int(scores.argmax())
    best = float(scores[k])
    others = [float(s) for j, s in enumerate(singles) if j not in (k, k + 1)]
    others += [float(s) for j, s in enumerate(scores) if abs(j - k) > 1]
    if not others:
        return None
    if best >= TRANSLATED_SENTENCE_COSINE and best - max(others) >= TRANSLATED_SENTENCE_MARGIN:
        return k, round(best, 3)
    return None


def _second_best(scores: np.ndarray, axis: int) -> np.ndarray:
    """Second-highest score along `axis`; a typical same-topic cosine when there is none."""
    if scores.shape[axis] < 2:
        return np.full(scores.shape[1 - axis], TRANSLATED_SENTENCE_COSINE - 0.06)
    return np.sort(scores, axis=axis).take(-2, axis=axis)


def _best_partners(scores: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    best = scores.argmax(axis=1)
    return [
        (i, int(j), round(float(scores[i, j]), 3))
        for i, j in enumerate(best)
        if scores[i, j] >= threshold
    ]


def reworded_share(a: list[str], b: list[str], alignment: list[tuple[int, int, float]]) -> float:
    """Share of the words in aligned (normalised) sentences of `a` that `b` changed.

    Only aligned sentences count, so dropped paragraphs, captions and truncation (which
    leave a copy verbatim) do not; rewording inside kept sentences (a rewrite) does.
    """
    changed = total = 0
    for i, j, _ in alignment:
        words_a = a[i].split()
        # longest common word subsequence: all of it when the sentences are equal (copies)
        kept = len(words_a) if a[i] == b[j] else LCSseq.similarity(words_a, b[j].split())
        changed += len(words_a) - kept
        total += len(words_a)
    return changed / total if total else 1.0


def shared_quotes(quotes: list[str], other: PageText) -> list[str]:
    """Quotes (normalised) that appear word for word in the other page."""
    body = " ".join(other.normalised)
    return [quote for quote in quotes if quote in body]


def cross_language(a: PageText, b: PageText) -> bool:
    """Both languages known and different: the pair is compared by sentence vectors."""
    return bool(a.lang and b.lang and a.lang != b.lang)


def _same_headline(a: PageText, b: PageText) -> bool:
    """One long headline or URL slug on pages of two outlets. Within one outlet it is not
    evidence: a site whose pages all carry its name and motto as their title would have
    every page share a headline (its URL variants share their text anyway)."""
    return bool(a.headlines & b.headlines) and not (a.outlet and a.outlet == b.outlet)


def pair_evidence(a: PageText, b: PageText) -> dict:
    """All evidence for one pair, as JSON-ready numbers.

    `aligned` is the share of the shorter page's sentences that have a partner in the
    other page; `same_words` the share of its word 3-grams found in the other page.
    """
    cross = cross_language(a, b)
    short, long_ = (a, b) if len(a.sentences) <= len(b.sentences) else (b, a)
    same_words, jaccard_ = gram_overlap(a.grams, b.grams)
    merged = 0
    if cross:
        matches = align_cross_language(short.sentence_vecs, long_.sentence_vecs)
        alignment = [(i, j, sim) for i, j, sim, _ in matches]
        merged = sum(window for *_, window in matches)
        n_short = min(len(short.sentences), SENTENCES_EMBEDDED)
    elif same_words >= MIN_SAME_WORDS:
        alignment = align_same_language(short.normalised, long_.normalised)
        n_short = len(short.sentences)
    else:
        alignment, n_short = [], len(short.sentences)
    n_short = max(n_short, 1)
    copied = [] if cross else [
        i
        for i, _, sim in alignment
        if sim >= COPIED_SENTENCE and T.word_count(short.sentences[i]) >= COPIED_MIN_WORDS
    ]
    lead_cosine = (
        float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else None
    )
    union_numbers = a.numbers | b.numbers
    return {
        "cross_language": cross,
        "langs": [a.lang, b.lang],
        "sentences": [len(a.sentences), len(b.sentences)],
        "same_words": round(same_words, 3),
        "jaccard": round(jaccard_, 3),
        "aligned": round(len(alignment) / n_short, 3),
        "aligned_pairs": [[i, j] for i, j, _ in alignment],
        "aligned_to_merged": merged,
        "copied_sentences": len(copied),
        "first_copied": min(copied) if copied else None,
        "aligned_similarity": round(float(np.mean([s for *_, s in alignment])), 3)
        if alignment
        else 0.0,
        "reworded": round(
            reworded_share(short.normalised, long_.normalised, alignment) if not cross else 1.0,
            3,
        ),
        "in_order": round(in_order([(i, j) for i, j, _ in alignment]), 3),
        "shared_numbers": sorted(a.numbers & b.numbers),
        "numbers_overlap": round(len(a.numbers & b.numbers) / len(union_numbers), 3)
        if union_numbers
        else 0.0,
        "shared_quotes": shared_quotes(short.quotes, long_)[:5] if alignment and not cross else [],
        "lead_cosine": round(lead_cosine, 3) if lead_cosine is not None else None,
        "same_headline": _same_headline(a, b),
        "shorter": short.id,
    }
