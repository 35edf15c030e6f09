"""Read-only access to a workspace from the web server's worker threads.

Each worker thread gets its own read-only SQLite connection: one connection shared by
threads would serialise every request, and WAL lets many readers run beside a writer
(an ingest can run while the explorer is open).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from storytrace.store import Workspace


class Database:
    """A workspace folder opened read-only, one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        Workspace.open(self.path, read_only=True).close()  # fail early with a clear message
        self._local = threading.local()

    @property
    def ws(self) -> Workspace:
        """This thread's read-only Workspace, for the stages' Python APIs."""
        ws = getattr(self._local, "ws", None)
        if ws is None:
            ws = Workspace.open(self.path, read_only=True)
            ws.conn.execute("PRAGMA query_only = ON")
            self._local.ws = ws
        return ws

    @property
    def conn(self) -> sqlite3.Connection:
        return self.ws.conn

    def tables(self) -> set[str]:
        """Tables present now: a stage that has not run yet has not created its tables."""
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {row[0] for row in rows}

    def has(self, *names: str) -> bool:
        return set(names) <= self.tables()

    def all(self, sql: str, args: tuple | list = ()) -> list[dict]:
        return [dict(row) for row in self.conn.execute(sql, args)]

    def one(self, sql: str, args: tuple | list = ()) -> dict | None:
        row = self.conn.execute(sql, args).fetchone()
        return dict(row) if row else None

    def scalar(self, sql: str, args: tuple | list = ()):
        row = self.conn.execute(sql, args).fetchone()
        return row[0] if row else None
