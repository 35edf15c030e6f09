"""Small text repairs applied to every line before it is labelled.

ftfy repairs mojibake ("Ã©" for "é", "â€™" for "’") but costs tens of microseconds
per line, so it only runs on lines that contain a character typical of mojibake.
"""

from __future__ import annotations

import re

import ftfy

# Lead bytes of UTF-8 read as Latin-1/cp1252, and the replacement character.
_SUSPICIOUS = re.compile("[ÃÂâÐÑØÙ\u0080-\u009f\ufffd]")
# Zero-width characters and soft hyphens dropped; no-break spaces and tabs become spaces.
_TRANSLATE = str.maketrans(
    {
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\xa0": " ",
        "\t": " ",
    }
)


def fix_line(text: str) -> str:
    """`text` with mojibake repaired, invisible characters dropped, odd spaces unified."""
    if _SUSPICIOUS.search(text):
        text = ftfy.fix_text(text, fix_line_breaks=False, uncurl_quotes=False, normalization="NFC")
    return text.translate(_TRANSLATE)
