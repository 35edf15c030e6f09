"""Text units the matcher compares: words, shingles, sentences, numbers, quotes.

Everything here is language-agnostic on purpose (Unicode word characters, punctuation
shared by most scripts), so the same code serves English, Arabic, Cyrillic, Devanagari,
Chinese or Thai pages without per-language rules. Scripts written without spaces between
words (Chinese, Japanese, Thai, Lao, Khmer, Burmese) have no word tokens to find, so each
of their characters is a token: word 3-grams become character 3-grams, the usual unit
for near-duplicate detection in those languages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from storytrace.scripts import UNSPACED

# Indic scripts write vowels as combining marks, which `\w` does not match: without the
# block ranges, "भारत ने" would fall apart at every vowel sign (the dandas are excluded).
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u0dff]+")
_UNSPACED_PIECES = re.compile(f"{UNSPACED.pattern}|(?:(?!{UNSPACED.pattern}).)+")
#: Characters written without a space on either side: unspaced scripts and CJK punctuation.
_CLOSE_UP = re.compile(f"{UNSPACED.pattern}|[\u3000-\u303f\uff00-\uffef]")
# Optional vowel and cantillation marks of Arabic and Hebrew: one page writes them, its
# copy does not, and inside a word they would split it in two ("قدّمت").
_OPTIONAL_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]"
)
#: The block of every `_OPTIONAL_MARKS` character: one plain range is searched in half the
#: time of the class, so text in other scripts skips the substitution at once.
_MAYBE_MARKS = re.compile("[\u0591-\u06ed]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Sentence ends: Latin/Cyrillic/Arabic/Devanagari full stops then space or line end, or a
# Chinese/Japanese full stop (after its closing quote, if any), which is followed by the
# next sentence without a space.
_STOP_THEN_SPACE = r"(?<=[.!?؟。।…])[\"'”’»)\]]*\s+"
_UNSPACED_STOP = r"(?<=[。！？])(?![」』”’）])|(?<=[。！？][」』”’）])"
_SENTENCE_END = re.compile(rf"{_STOP_THEN_SPACE}|{_UNSPACED_STOP}|\n+")
#: `_SENTENCE_END` without its zero-width splits after 。！？: the same splits in a text
#: without those stops, in 2/3 of the time (each lookbehind is tried at every character).
_SPACED_SENTENCE_END = re.compile(rf"{_STOP_THEN_SPACE}|\n+")
_QUOTE = re.compile(r"[\"“”«»„「『]([^\"“”«»„「」『』]{20,400})[\"“”«»„」』]")
_DATE_MARKER = re.compile(r"^\s*date \d{4}-\d\d-\d\d\s*")

#: Sentences shorter than this many words are headings, bylines or junk, not evidence.
MIN_SENTENCE_WORDS = 6


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for hashing and shingles."""
    text = _DATE_MARKER.sub("", text)
    if text.isascii():  # NFKC, optional marks and unspaced scripts leave ASCII as it is
        return " ".join(_WORD.findall(text.lower()))
    text = unicodedata.normalize("NFKC", text).casefold()
    if _MAYBE_MARKS.search(text):
        text = _OPTIONAL_MARKS.sub("", text)
    if UNSPACED.search(text):
        text = UNSPACED.sub(r" \g<0> ", text)
    return " ".join(_WORD.findall(text))


def word_count(text: str) -> int:
    """Words of a sentence, raw or normalised; without spaces, about two characters a word."""
    if text.isascii():
        return len(text.split())
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(UNSPACED.sub(" ", text).split()) + unspaced // 2


def words(text: str) -> list[str]:
    """Normalised word tokens."""
    return normalise(text).split()


def display_words(text: str) -> list[str]:
    """A raw sentence's words for a word diff: whitespace words, one character a word in
    scripts without spaces (so a Chinese rewrite shows the characters it changed)."""
    found: list[str] = []
    for word in text.split():
        found += _UNSPACED_PIECES.findall(word) if UNSPACED.search(word) else [word]
    return found


def join_words(found: list[str]) -> str:
    """The inverse of `display_words`: no space inserted next to an unspaced character."""
    out = ""
    for word in found:
        if out and not (_CLOSE_UP.match(word[0]) or _CLOSE_UP.match(out[-1])):
            out += " "
        out += word
    return out


def shingles(tokens: list[str], size: int = 3) -> set[str]:
    """Word n-grams: 3-grams survive light rewording better than 5-grams."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    # The shifted slices differ in length on purpose: zip stops at the last full n-gram.
    return set(map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


def sentences(text: str) -> list[str]:
    """Sentences of at least MIN_SENTENCE_WORDS words, in reading order."""
    text = _DATE_MARKER.sub("", text)
    unspaced_stops = "。" in text or "！" in text or "？" in text
    found = []
    for piece in (_SENTENCE_END if unspaced_stops else _SPACED_SENTENCE_END).split(text):
        piece = piece.strip()
        if word_count(piece) >= MIN_SENTENCE_WORDS:
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
