"""Writing systems: the one fact about scripts that several stages need.

Chinese, Japanese, Thai, Lao, Tibetan, Burmese and Khmer are written without spaces between
words, so anything that counts or splits words by whitespace sees a whole sentence as one
word there. Ingest counts their characters to tell an empty page from a Chinese one, clean
to measure lines, match to cut character 3-grams, and the explorer to diff them.
"""

from __future__ import annotations

import re

#: One character of a script written without spaces between words.
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
