"""Text units the matcher compares: words, shingles, sentences, numbers, quotes.

Everything here is language-agnostic on purpose (Unicode word characters, punctuation
shared by most scripts), so the same code serves English, Arabic, Cyrillic or CJK-free
Latin pages without per-language rules.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Sentence ends: Latin/Cyrillic/Arabic/Devanagari/CJK full stops, then space or line end.
_SENTENCE_END = re.compile(r"(?<=[.!?؟。।…])[\"'”’»)\]]*\s+|\n+")
_QUOTE = re.compile(r"[\"“”«»„]([^\"“”«»„]{20,400})[\"“”«»„]")
_DATE_MARKER = re.compile(r"^\s*date \d{4}-\d\d-\d\d\s*")

#: Sentences shorter than this many words are headings, bylines or junk, not evidence.
MIN_SENTENCE_WORDS = 6


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for hashing and shingles."""
    text = _DATE_MARKER.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Normalised word tokens."""
    return normalise(text).split()


def shingles(tokens: list[str], size: int = 3) -> set[str]:
    """Word n-grams: 3-grams survive light rewording better than 5-grams."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    # The shifted slices differ in length on purpose: zip stops at the last full n-gram.
    return set(map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


def sentences(text: str) -> list[str]:
    """Sentences of at least MIN_SENTENCE_WORDS words, in reading order."""
    text = _DATE_MARKER.sub("", text)
    found = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if len(piece.split()) >= MIN_SENTENCE_WORDS:
            found.append(piece)
    return found


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal for copies that differ only in formatting."""
    return hashlib.blake2b(normalise(text).encode(), digest_size=12).hexdigest()


def numbers(text: str) -> set[str]:
    """Numbers written with digits, separators removed: survive translation."""
    found = set()
    for match in _NUMBER.findall(unicodedata.normalize("NFKC", text)):
        digits = "".join(str(unicodedata.digit(c)) for c in match if c.isdigit())
        if len(digits) >= 2:
            found.add(digits)
    return found


def quotes(text: str) -> list[str]:
    """Quoted passages (normalised), the parts rewriters keep word for word."""
    return [normalise(q) for q in _QUOTE.findall(text)]
