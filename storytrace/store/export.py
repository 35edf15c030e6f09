"""Export the workspace: one row per page, the public contract documented in docs/export.md.

Analysis fields are null until the stage that fills them has run. Page links (match
stage), entities and quotes (actors stage) go to sibling tables (`NAME.links.EXT`,
`NAME.entities.EXT`, `NAME.quotes.EXT`) because they are many rows per page.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storytrace.engine.pipeline import optional_module
from storytrace.store.workspace import Workspace

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
PAGE_FIELDS = (
    "id", "url", "outlet", "lang", "title", "published", "published_month", "author", "genre",
    "text",
    "credits", "family", "relation", "derived_from", "story", "narrative", "source",
)


def has_table(ws: Workspace, name: str) -> bool:
    row = ws.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
    ).fetchone()
    return row is not None


def page_rows(ws: Workspace) -> Iterator[dict]:
    """One dict per page with the export fields, in ingest order."""
    joins, columns = [], []
    if has_table(ws, "families"):
        joins.append("LEFT JOIN families f ON f.page_id = p.id")
        columns += ["f.family AS family", "f.relation AS relation",
                    "f.derived_from AS derived_from"]
    else:
        columns += ["NULL AS family", "NULL AS relation", "NULL AS derived_from"]
    if has_table(ws, "story_pages") and has_table(ws, "stories"):
        joins += ["LEFT JOIN story_pages sp ON sp.page_id = p.id",
                  "LEFT JOIN stories s ON s.id = sp.story"]
        columns += ["sp.story AS story", "s.narrative AS narrative"]
    else:
        columns += ["NULL AS story", "NULL AS narrative"]
    month = ws.page_column("published_month", "p.")
    sql = (
        f"SELECT p.id, p.url, p.outlet, p.lang, p.title, p.published, {month}, "
        "p.author, p.genre, "
        f"p.text, p.credits, p.source, {', '.join(columns)} FROM pages p {' '.join(joins)} "
        "ORDER BY p.seq"
    )
    for row in ws.conn.execute(sql):
        record = {name: row[name] for name in PAGE_FIELDS}
        for key in ("family", "derived_from", "story", "narrative"):
            if record[key] is not None:
                record[key] = str(record[key])
        record["credits"] = json.loads(record["credits"] or "[]")
        yield record


def side_tables(ws: Workspace) -> dict[str, Iterable[dict]]:
    """Page links from the match stage, entity and quote rows from the actors stage, when
    those stages exist and have run."""
    tables: dict[str, Iterable[dict]] = {}
    explain = optional_module("storytrace.match.explain")
    if explain is not None and has_table(ws, "pairs") and ws.count("pairs"):
        tables["links"] = explain.link_rows(ws)
    export = optional_module("storytrace.actors.api")
    if export is None:
        return tables
    if has_table(ws, "mentions"):
        tables["entities"] = export.entity_rows(ws)
    if has_table(ws, "quote_appearances"):
        tables["quotes"] = export.quote_rows(ws)
    return tables


def page_schema():
    """Fixed Parquet schema of the page table, so all-null columns keep their type."""
    import pyarrow as pa

    return pa.schema([
        (name, pa.list_(pa.string()) if name == "credits" else pa.string())
        for name in PAGE_FIELDS
    ])


def write_rows(rows: Iterable[dict], fmt: str, out: Path | None, schema=None) -> int:
    """Write rows as jsonl/csv/parquet to `out` (stdout when None, text formats only)."""
    if fmt == "parquet":
        if out is None:
            raise ValueError("Parquet is binary: pass -o FILE.parquet.")
        return _write_parquet(rows, out, schema)
    handle = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        return _write_jsonl(rows, handle) if fmt == "jsonl" else _write_csv(rows, handle)
    finally:
        if out:
            handle.close()


def side_path(out: Path, table: str) -> Path:
    """`pages.jsonl` -> `pages.entities.jsonl`."""
    return out.with_name(f"{out.stem}.{table}{out.suffix}")


def _write_jsonl(rows: Iterable[dict], handle) -> int:
    count = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict], handle) -> int:
    writer = None
    count = 0
    for row in rows:
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(handle, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)
        count += 1
    return count


def _write_parquet(rows: Iterable[dict], out: Path, schema=None) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, count, chunk = None, 0, []

    def flush() -> None:
        nonlocal writer
        table = pa.Table.from_pylist(chunk, schema=writer.schema if writer else schema)
        if writer is None:
            writer = pq.ParquetWriter(out, table.schema)
        writer.write_table(table)

    for row in rows:
        chunk.append({k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                      for k, v in row.items()})
        count += 1
        if len(chunk) >= 5000:
            flush()
            chunk = []
    if chunk:
        flush()
    if writer is None:
        pq.write_table(schema.empty_table() if schema is not None else pa.table({}), out)
        return 0
    writer.close()
    return count
