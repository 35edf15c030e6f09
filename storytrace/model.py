"""The one data model passed between pipeline stages.

A `Page` is created by ingest (raw fields), filled in by clean (text and metadata)
and read by every later stage. Stages never mutate pages they did not produce; they
return new values or write their own tables in the workspace.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

#: Input fields that are labels in the evaluation corpus and must never reach a stage.
LABEL_FIELDS = frozenset({"narrative", "story", "family", "relation", "notes"})


@dataclass
class Page:
    """One news page: what the user gave us, plus what cleaning derived from it."""

    id: str
    url: str | None = None
    raw: str = ""
    raw_format: str = "text"  # "text" (already extracted) or "html"
    source: str = ""  # where the record came from: file path, path:line, WARC offset
    meta: dict[str, Any] = field(default_factory=dict)  # input fields we do not interpret
    # Fields supplied by the input itself (JSONL/CSV columns); hints for cleaning.
    given_title: str | None = None
    given_published: str | None = None
    given_outlet: str | None = None
    given_lang: str | None = None
    # Filled by the clean stage.
    text: str | None = None  # clean main text, paragraphs separated by a blank line
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    published_month: str | None = None  # YYYY-MM, when the page gives the month, not the day
    author: str | None = None
    outlet: str | None = None
    lang: str | None = None  # ISO 639-1
    genre: str | None = None  # "news" or "opinion"
    credits: list[str] = field(default_factory=list)  # in-text source credits, e.g. "AFP"
    site_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Reject:
    """A record that could not be ingested, with a reason a user can read and act on."""

    source: str
    reason: str  # short code, e.g. "empty", "bad_json", "binary", "too_large"
    detail: str  # human sentence: what was wrong and what to do
    record_id: str | None = None
    sample: str | None = None  # first bytes of the offending record, for inspection
    kept_as: str | None = None  # set when the record was kept under another id


def day_number(published: str | None) -> int | None:
    """Ordinal day of a `published` value (YYYY-MM-DD), None when absent or unreadable:
    what stages compare when they ask how far apart two pages appeared."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None
