"""Bytes to text: encoding detection, mojibake repair, binary and emptiness checks.

Crawls mix encodings: UTF-8 pages, legacy code pages, and UTF-8 that was decoded as
cp1252 somewhere upstream (mojibake: "â€™" for "’"). We decode strictly as UTF-8 first,
fall back to charset-normalizer's guess, then let ftfy undo mojibake only when its
badness heuristic says the text looks wrong, which keeps the common case fast.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import ftfy
from ftfy.badness import is_bad

from storytrace.scripts import UNSPACED

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)
_WORD = re.compile(r"\w+")
#: Characters of an unspaced script counted as one word (Chinese words average ~1.7
#: characters, Japanese mixes kanji and kana, Thai words are longer: 3 is conservative).
CHARS_PER_UNSPACED_WORD = 3
# UTF-8 read as cp1252/latin-1 always leaves a lead byte (Â..ô) followed by a
# continuation byte's character; text without such a pair cannot be mojibake, so the
# slower ftfy check only runs on text that has one.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
#: Fewer words than this after stripping markup: nothing worth analysing.
MIN_WORDS = 8
#: A page this short (visible words) that says it is an error ("page not found") is the
#: error, not an article; a longer page may be an article about one.
ERROR_PAGE_MAX_WORDS = 80
#: What error pages say, in the languages of the labeled corpora and a few more, and what
#: a bot check or paywall says instead of the article. Crawls keep them (a moved URL, a
#: removed story, a blocked crawler); left in, every site's "page not found" became one
#: family of verbatim copies and one story.
ERROR_PAGE = re.compile(
    r"\b(?:page|file) (?:was )?not found\b|\berror 404\b|\b404 (?:error|not found)\b"
    r"|\bpage (?:you (?:are|were|'re) looking for|you requested|(?:can't|cannot|could not)"
    r" be found|(?:does not|doesn't) exist|is no longer available)"
    r"|\bthat page can(?:'|’)?t be found|\bnothing was found at this location"
    r"|page introuvable|page non trouvée|erreur 404|la page que vous (?:cherchez|recherchez)"
    r"|página no encontrada|no se (?:ha )?encontr(?:ó|ado) la página|página não encontrada"
    r"|seite (?:wurde )?nicht gefunden|fehler 404|pagina non trovata"
    r"|страница не найдена|ошибка 404|sayfa bulunamadı"
    r"|الصفحة (?:المطلوبة )?غير موجودة|لم يتم العثور على الصفحة|خطأ 404"
    r"|页面不存在|找不到(?:该)?页面|页面未找到"
    # bot checks and paywalls served instead of the article
    r"|\bplease (?:enable|turn on) javascript\b|\bverify (?:that )?you are (?:a )?human\b"
    r"|\bare you a robot\b|\bsubscribe to (?:continue|keep) reading\b"
    r"|\bto continue reading,? (?:please )?(?:log ?in|sign in|subscribe)",
    re.IGNORECASE,
)


class DecodeError(ValueError):
    """Raised with a reason code and a sentence for the rejects table."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 4 KiB mean a non-text file."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode `data`; return (text, how) where how says which encoding or repair applied."""
    if looks_binary(data):
        raise DecodeError(
            "binary",
            "The file is binary (e.g. an image or archive), not text; remove it from the "
            "input or pass the right --format.",
        )
    try:
        text, how = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        declared = _declared_decode(data)
        if declared is not None:
            return repair_text(*declared)
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise DecodeError(
                "encoding",
                "Could not detect the text encoding; convert the file to UTF-8.",
            ) from None
        text, how = _prefer_cp1252(data, str(best), best.encoding)
    return repair_text(text, how)


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]{2,40})", re.I)
#: Labels whose bytes browsers read with a superset (WHATWG Encoding Standard), so we do too.
_SUPERSETS = {
    "ascii": "cp1252", "iso8859_1": "cp1252", "iso8859_9": "cp1254", "tis_620": "cp874",
    "iso8859_11": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949",
    "shift_jis": "cp932", "big5": "big5hkscs",
}


def _declared_decode(data: bytes) -> tuple[str, str] | None:
    """Decode with the charset an HTML page declares in <meta>, when it decodes cleanly.

    On short pages a statistical guess confuses Latin code pages (Polish ISO-8859-2 and
    Turkish Windows-1254 read as Windows-1252); the page's own declaration does not."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name.replace("-", "_")
        name = _SUPERSETS.get(name, name)
        return data.decode(name), name
    except (LookupError, UnicodeDecodeError):
        return None


#: Single-byte Latin encodings that charset-normalizer confuses on short texts.
_LATIN_GUESSES = {"cp1250", "cp1257", "iso8859_2", "iso8859_4", "iso8859_13", "iso8859_15",
                  "latin_1", "iso8859_1", "mac_latin2", "mac_roman", "cp850", "cp437"}


def _prefer_cp1252(data: bytes, text: str, guess: str) -> tuple[str, str]:
    """On a short page, a Latin-script guess is usually Windows-1252 (the web's legacy
    default, a superset of latin-1): "compañía" guessed as cp1250 reads "compańía"."""
    if guess.lower() not in _LATIN_GUESSES:
        return text, guess
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return text, guess


def repair_text(text: str, how: str = "str") -> tuple[str, str]:
    """Undo mojibake when the text looks garbled; normalise line endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _MOJIBAKE_HINT.search(text) and is_bad(text):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            text, how = fixed, f"{how}+mojibake-repaired"
    return _CONTROL.sub("", text), how


def visible_words(text: str, is_html: bool) -> int:
    """Rough count of words a reader would see (markup stripped for HTML); characters of
    unspaced scripts count by `CHARS_PER_UNSPACED_WORD`, so a Chinese page is not empty."""
    if is_html:
        text = _TAGS.sub(" ", text)
    unspaced = len(UNSPACED.findall(text))
    if unspaced:
        text = UNSPACED.sub(" ", text)
    spaced = len(_WORD.findall(text)) if is_html else len(text.split())
    return spaced + unspaced // CHARS_PER_UNSPACED_WORD


def check_substance(text: str, is_html: bool) -> None:
    """Reject empty, near-empty and error pages ("page not found") with a reason."""
    if not text.strip():
        raise DecodeError("empty", "The page has no text.")
    words = visible_words(text, is_html)
    if words < MIN_WORDS:
        raise DecodeError(
            "near_empty",
            f"The page has only {words} word(s) of text (fewer than {MIN_WORDS}); "
            "it was probably captured before it loaded.",
        )
    if words > ERROR_PAGE_MAX_WORDS:
        return
    error = ERROR_PAGE.search(_TAGS.sub(" ", text) if is_html else text)
    if error:
        raise DecodeError(
            "error_page",
            f"The page is an error, bot-check or paywall message (\"{error.group(0)}\"), not "
            "an article: recrawl the URL (with a crawler that runs JavaScript or logs in, if "
            "that is what it asks) or drop it from the input.",
        )


def repair_batch(texts: list[str]) -> list[str]:
    """`repair_text` over a batch, for the parallel engines."""
    return [repair_text(text)[0] for text in texts]
