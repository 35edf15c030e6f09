"""The workspace: one folder holding one SQLite database, the source of truth.

SQLite runs in WAL mode so that the explorer can read while an ingest writes, and every
batch is one transaction so that a killed process leaves the database at a batch
boundary; re-running the same command then completes it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storytrace.model import Page
from storytrace.store.schema import all_migrations

DB_NAME = "storytrace.db"
DEFAULT_WORKSPACE = "storytrace-data"

_PAGE_COLUMNS = (
    "id", "url", "raw", "raw_format", "source", "meta", "given_title", "given_published",
    "given_outlet", "given_lang", "text", "title", "published", "published_month", "author",
    "outlet", "lang", "genre", "credits", "site_name",
)


class WorkspaceError(Exception):
    """A workspace that cannot be opened or used; the message says what to do."""


class Workspace:
    """A storytrace workspace folder and its SQLite connection."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self._page_columns: str | None = None

    @classmethod
    def open(cls, path: str | Path = DEFAULT_WORKSPACE, read_only: bool = False) -> Workspace:
        """Open (and create, unless read_only) the workspace at `path`.

        A folder that cannot be created, or a file there that is not our database, is a
        WorkspaceError saying so, not a traceback."""
        try:
            return cls._open(Path(path), read_only)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise WorkspaceError(
                f"Cannot open a workspace at {path} ({exc}); pass a writable folder with "
                "--workspace."
            ) from exc

    @classmethod
    def _open(cls, folder: Path, read_only: bool) -> Workspace:
        db_path = folder / DB_NAME
        if read_only:
            if not db_path.exists():
                raise WorkspaceError(
                    f"No workspace at {folder}: run `storytrace ingest PATH --workspace {folder}` "
                    "first, or pass the right --workspace."
                )
            conn = sqlite3.connect(
                f"file:{db_path}?mode=ro", uri=True, check_same_thread=False
            )
        else:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=30000")
        ws = cls(folder, conn, read_only)
        if not read_only:
            ws.migrate()
        return ws

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: all of it lands or none of it does."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; return their names."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        applied = []
        for name, sql in all_migrations():
            if name in done:
                continue
            with self.transaction() as conn:
                for statement in _split_sql(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO migrations VALUES (?, datetime('now'))", (name,)
                )
            applied.append(name)
        return applied

    # The Python API's verbs: the same work as the CLI commands -----------------------

    def ingest(self, *paths: str | Path, fmt: str | None = None, analyze: bool = True) -> dict:
        """Ingest files or folders, then (by default) run every stage on the new pages."""
        from storytrace.engine.pipeline import run_stages
        from storytrace.ingest import ingest_paths

        summary = ingest_paths(self, [Path(p) for p in paths], fmt).as_dict()
        summary["stages"] = run_stages(self) if analyze else {}
        return summary

    def analyze(self) -> dict:
        """Re-run every analysis stage from scratch."""
        from storytrace.engine.pipeline import run_stages

        return run_stages(self, from_scratch=True)

    def rows(self) -> Iterator[dict]:
        """Export rows (docs/export.md), one per page."""
        from storytrace.store.export import page_rows

        return page_rows(self)

    # Pages -----------------------------------------------------------------------------

    @property
    def page_columns(self) -> str:
        """The page columns this workspace has: a workspace opened read-only is not
        migrated, so one made by an older storytrace lacks the newer columns (read as
        None) until a command that writes opens it."""
        if self._page_columns is None:
            present = {row[1] for row in self.conn.execute("PRAGMA table_info(pages)")}
            self._page_columns = ", ".join(c for c in _PAGE_COLUMNS if c in present)
        return self._page_columns

    def page_column(self, name: str, prefix: str = "") -> str:
        """A page column for a SELECT list (`prefix` names the table alias, "p."), or
        `NULL AS name` where this workspace lacks the column (see `page_columns`)."""
        present = name in self.page_columns.split(", ")
        return f"{prefix}{name}" if present else f"NULL AS {name}"

    def page_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM pages ORDER BY seq")]

    def pages(self, ids: Iterable[str] | None = None) -> Iterator[Page]:
        """Pages in ingest order (all, or those whose id is in `ids`)."""
        if ids is None:
            rows = self.conn.execute(f"SELECT {self.page_columns} FROM pages ORDER BY seq")
            for row in rows:
                yield page_from_row(row)
            return
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT {self.page_columns} FROM pages WHERE id IN ({marks}) ORDER BY seq", chunk
            ).fetchall()
            for row in rows:
                yield page_from_row(row)

    def page(self, page_id: str) -> Page | None:
        row = self.conn.execute(
            f"SELECT {self.page_columns} FROM pages WHERE id = ?", (page_id,)
        ).fetchone()
        return page_from_row(row) if row else None

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                (key, value, value),
            )


def page_from_row(row: sqlite3.Row) -> Page:
    """A Page from a `pages` row of `_PAGE_COLUMNS` (the Page fields); a column the
    workspace lacks yet keeps the field's default."""
    value = dict(zip(row.keys(), row, strict=True))
    value["meta"] = json.loads(value["meta"] or "{}")
    value["credits"] = json.loads(value["credits"] or "[]")
    return Page(**value)


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3 runs one per execute call).

    `executescript` would commit our transaction, so statements run one by one.
    """
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
