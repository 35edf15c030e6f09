"""What the cluster stage knows about one article family: text vector, names, date.

Stories are built from families, not pages: every page of a family tells the same text,
so clustering families is both cheaper and less noisy than clustering pages. A family is
summarised by the mean of its page vectors (language-neutral, from the multilingual
embedder), the set of names it mentions, its earliest known date and its languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from anyascii import anyascii

#: Capitalised word (any script with case) or a run of 3+ letters in a caseless script.
_NAME_TOKEN = re.compile(r"\b[^\W\d_][\w'’-]{2,}")
_CASELESS = re.compile(r"[\u0590-\u08ff\u0e00-\u0e7f\u3040-\u9fff\uac00-\ud7af]")
_VOWELS = re.compile(r"[aeiouyw'’\-]")


@dataclass
class Unit:
    """One family as the story clusterer sees it."""

    id: str
    vec: np.ndarray  # float32, L2-normalised
    day: int | None = None  # proleptic ordinal of the earliest known date
    names: frozenset[str] = field(default_factory=frozenset)  # who: people, organisations
    places: frozenset[str] = field(default_factory=frozenset)  # where (narratives only)
    pages: list[str] = field(default_factory=list)
    langs: frozenset[str] = field(default_factory=frozenset)


def name_key(word: str) -> str:
    """A script-neutral key for a name: transliterated consonant skeleton.

    Arabic spelling drops short vowels and transliterations disagree on vowels
    ("Bashagha", "Башага", "باشاغا"), so keys keep consonants only, with common
    digraphs folded: the three spellings above meet at "bsg". An initial w is a
    consonant (Wagner, Вагнер and فاغنر meet at "fgnr"); elsewhere it is often a vowel.
    """
    latin = anyascii(word).lower()
    latin = re.sub(r"^(al|el|l)(?=[^aeiou])", "", latin) if _CASELESS.search(word) else latin
    latin = latin.replace("kh", "h").replace("gh", "g").replace("sh", "s").replace("ph", "f")
    latin = re.sub(r"^w", "f", latin.replace("v", "f").replace("ts", "c").replace("ch", "c"))
    skeleton = _VOWELS.sub("", latin)
    skeleton = re.sub(r"[^a-z]", "", skeleton)
    return re.sub(r"(.)\1+", r"\1", skeleton)


def text_names(text: str, limit: int = 40) -> frozenset[str]:
    """Name keys of a text when no entity table exists: capitalised words not opening a
    sentence (or all long words in caseless scripts), as consonant skeletons."""
    keys: list[str] = []
    for match in _NAME_TOKEN.finditer(text):
        word = match.group(0)
        caseless = bool(_CASELESS.search(word))
        if not caseless and (not word[0].isupper() or _opens_sentence(text, match.start())):
            continue
        key = name_key(word)
        if len(key) >= 3:
            keys.append(key)
        if len(keys) >= limit:
            break
    return frozenset(keys)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].strip()
    return not before or before[-1] in '.!?:"“«\n'


def mean_vector(vectors: list[np.ndarray]) -> np.ndarray:
    """L2-normalised mean; the centroid direction of a set of unit vectors."""
    total = np.sum(vectors, axis=0, dtype=np.float32)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total


def name_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller name set found in the larger (0 when either is empty).

    Overlap coefficient rather than Jaccard: a short wire brief and a long report of the
    same event share the brief's few names, not the report's many.
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
