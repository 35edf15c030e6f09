"""Word-level diff of a page against the page it was derived from.

Used when the match stage offers no diff of its own. Tokens keep their whitespace so the
parts join back into the exact texts; long texts are cut so one request stays fast.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from storytrace.scripts import UNSPACED

#: Tokens compared at most per side (a few long articles).
MAX_TOKENS = 8000
#: A word or a run of punctuation with the spaces after it; leading spaces stand alone.
#: In scripts written without spaces (Chinese, Japanese, Thai) each character is a word.
_UNSPACED = UNSPACED.pattern
_TOKEN = re.compile(rf"{_UNSPACED}\s*|\s+|(?:(?!{_UNSPACED})\w)+\s*|[^\w\s]+\s*")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")[:MAX_TOKENS]


def word_diff(old: str, new: str) -> list[dict]:
    """[{op: equal|delete|insert, text}] turning `old` into `new`, word by word."""
    a, b = tokens(old), tokens(new)
    parts: list[dict] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(parts, "equal", "".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _append(parts, "delete", "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            _append(parts, "insert", "".join(b[j1:j2]))
    return parts


def similarity(parts: list[dict]) -> float:
    """Share of characters kept unchanged, over both texts."""
    kept = sum(len(p["text"]) for p in parts if p["op"] == "equal")
    total = sum(len(p["text"]) * (2 if p["op"] == "equal" else 1) for p in parts)
    return 2 * kept / total if total else 1.0


def _append(parts: list[dict], op: str, text: str) -> None:
    if not text:
        return
    if parts and parts[-1]["op"] == op:
        parts[-1]["text"] += text
    else:
        parts.append({"op": op, "text": text})
