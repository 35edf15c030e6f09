"""Write a stream of records into the workspace in batches, idempotently.

Each batch is one transaction. A record whose id is already stored with the same raw
content, or whose URL and content are already stored, is counted as already present,
so re-running an interrupted ingest completes it without duplicating anything. A
record that reuses an id with different content is kept under a derived id and
reported, never silently overwritten or dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storytrace.model import Page, Reject
from storytrace.store import Workspace

BATCH_SIZE = 500


@dataclass
class IngestSummary:
    """What happened to every record read."""

    read: int = 0
    ingested: int = 0
    already_present: int = 0
    rejected: Counter = field(default_factory=Counter)
    kept_apart: int = 0
    new_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "ingested": self.ingested,
            "already_present": self.already_present,
            "kept_apart": self.kept_apart,
            "rejected": dict(self.rejected),
        }


def raw_sha(page: Page) -> str:
    return hashlib.sha256(page.raw.encode("utf-8", errors="surrogatepass")).hexdigest()


def write_records(
    ws: Workspace,
    records: Iterable[Page | Reject],
    on_record: Callable[[], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Store pages and rejects from `records`; return the summary."""
    summary = IngestSummary()
    batch: list[Page | Reject] = []
    for record in records:
        summary.read += 1
        batch.append(record)
        if on_record:
            on_record()
        if len(batch) >= batch_size:
            _write_batch(ws, batch, summary)
            batch = []
    if batch:
        _write_batch(ws, batch, summary)
    return summary


def _write_batch(ws: Workspace, batch: list[Page | Reject], summary: IngestSummary) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with ws.transaction() as conn:
        for record in batch:
            if isinstance(record, Reject):
                _insert_reject(conn, record, now)
                summary.rejected[record.reason] += 1
            else:
                _insert_page(conn, record, now, summary)


def _insert_page(conn, page: Page, now: str, summary: IngestSummary) -> None:
    sha = raw_sha(page)
    existing = conn.execute("SELECT raw_sha FROM pages WHERE id = ?", (page.id,)).fetchone()
    if existing is not None and existing[0] == sha:
        summary.already_present += 1
        return
    if page.url and conn.execute(
        "SELECT 1 FROM pages WHERE url = ? AND raw_sha = ?", (page.url, sha)
    ).fetchone():
        summary.already_present += 1
        return
    if existing is not None:
        original_id = page.id
        page.id = f"{original_id}~{sha[:8]}"
        if conn.execute("SELECT 1 FROM pages WHERE id = ?", (page.id,)).fetchone():
            summary.already_present += 1
            return
        _insert_reject(conn, Reject(
            page.source, "duplicate_id",
            f"Another record already has id '{original_id}' with different content; this "
            f"one was kept as '{page.id}'. Give records unique ids to avoid this.",
            original_id, page.raw[:200], kept_as=page.id,
        ), now)
        summary.kept_apart += 1
    conn.execute(
        "INSERT INTO pages (id, url, source, raw_format, raw, raw_sha, meta, given_title, "
        "given_published, given_outlet, given_lang, ingested_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            page.id, page.url, page.source, page.raw_format, page.raw, sha,
            json.dumps(page.meta, ensure_ascii=False, default=str), page.given_title,
            page.given_published, page.given_outlet, page.given_lang, now,
        ),
    )
    summary.ingested += 1
    summary.new_ids.append(page.id)


def _insert_reject(conn, reject: Reject, now: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO rejects (source, record_id, reason, detail, sample, kept_as, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (reject.source, reject.record_id or "", reject.reason, reject.detail, reject.sample,
         reject.kept_as, now),
    )
