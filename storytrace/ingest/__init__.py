"""Ingest: read any supported crawl format into the workspace, rejecting with reasons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from storytrace.ingest.readers import DEFAULT_MAX_PAGE_BYTES, FORMATS, iter_files, read_path
from storytrace.ingest.writer import IngestSummary, write_records
from storytrace.store import Workspace

__all__ = ["DEFAULT_MAX_PAGE_BYTES", "FORMATS", "IngestSummary", "ingest_paths"]


def ingest_paths(
    ws: Workspace,
    paths: list[Path],
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    on_record: Callable[[], None] | None = None,
) -> IngestSummary:
    """Read every file under `paths` and store its records; analysis is run separately."""

    def records():
        for path in iter_files(paths):
            yield from read_path(path, fmt, max_bytes)

    return write_records(ws, records(), on_record)
