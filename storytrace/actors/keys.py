"""Spelling-independent keys for names: the same person written in any script or style.

`Shoigu`, `Shoygu`, `Choïgou` and `Шойгу` must meet; so must `Gaddafi`, `Kadhafi`,
`Qaddafi` and `القذافي`. We transliterate to ASCII (anyascii), fold sound-alike digraphs
(French `ch`, Arabic `kh`/`gh`/`dh`, `q`/`g`/`c`→`k`) and keep the consonant skeleton,
because transliterations disagree mostly on vowels. A skeleton is a blocking key, not
proof: callers add the checks that keep different people apart.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|at|az|an|ash|ul)-(?=\w)", re.I)
_DIGRAPHS = [
    ("sch", "sh"), ("tch", "ch"), ("ch", "sh"), ("kh", "h"), ("gh", "k"), ("dh", "d"),
    ("th", "t"), ("ph", "f"), ("ck", "k"), ("zh", "j"), ("ts", "s"), ("sh", "S"),
]
_SINGLE = str.maketrans({"q": "k", "g": "k", "c": "k", "x": "ks", "w": "v", "z": "s",
                         "j": "i", "y": "i", "v": "f", "p": "b"})
_VOWELS = re.compile(r"[aeiouy]")


def ascii_fold(text: str) -> str:
    """Lowercase ASCII transliteration of any script, without Arabic's article `al-`."""
    if _ARABIC.search(text):
        text = " ".join(t[2:] if t.startswith("ال") and len(t) > 3 else t for t in text.split())
    if _GREEK.search(text):
        text = text.replace("Χ", "H").replace("χ", "h")  # Greek chi renders Arabic ḥ/kh
    folded = anyascii(unicodedata.normalize("NFC", text)).lower()
    if _ARABIC.search(text):  # و and ي inside a word are long vowels, not consonants
        folded = " ".join(t[:1] + re.sub(r"[wy]", "", t[1:]) for t in folded.split())
    folded = re.sub(r"[`'’ʼʻ]", "", folded)
    return " ".join(_ARTICLE.sub("", tok) for tok in folded.split())


def skeleton(word: str) -> str:
    """Consonant skeleton of one ASCII word: `shoigu`→`Sk`, `gaddafi`→`kdf`."""
    word = re.sub(r"[^a-z]", "", word)
    for src, dst in _DIGRAPHS:
        word = word.replace(src, dst)
    word = word.translate(_SINGLE)
    word = re.sub(r"h$", "", word)
    head, rest = word[:1], word[1:]
    rest = _VOWELS.sub("", rest)
    if head in "aeiou":
        head = ""
    return re.sub(r"(.)\1+", r"\1", head + rest)


_CYRILLIC_CASE = re.compile(r"(?<=\w{3})(?:ого|его|ому|ему|ым|им|ом|ем|ой|ей)$")


def name_tokens(name: str) -> list[str]:
    """ASCII tokens of a name, hyphens and particles split off (`al-Sisi` → `sisi`).

    Russian declines names (Хафтаром, Шойгу, Халифой); case endings are cut first.
    """
    name = " ".join(_CYRILLIC_CASE.sub("", w) for w in name.split())
    return [t for t in re.split(r"[\s\-]+", ascii_fold(name)) if t]


def name_skeletons(name: str) -> list[str]:
    """Skeleton per token of a name, empty ones dropped."""
    return [s for s in (skeleton(t) for t in name_tokens(name)) if s]


def org_key(name: str) -> str:
    """Key of an organisation or place name: folded words, leading article dropped."""
    words = ascii_fold(name).replace("-", " ").replace(".", "").split()
    while words and words[0] in {"the", "le", "la", "les", "el", "los", "las", "der", "die"}:
        words = words[1:]
    return " ".join(words)
