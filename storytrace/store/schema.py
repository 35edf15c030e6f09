"""Core schema of the workspace and the registry of stage schemas.

Migrations are (name, SQL) pairs applied once each, in order, and recorded in
`migrations`. Stages own their tables in `<stage>/schema.py` so that a stage can change
its schema without touching the store.
"""

from __future__ import annotations

import importlib

CORE_MIGRATIONS: list[tuple[str, str]] = [
    (
        "core-001-pages",
        """
        CREATE TABLE pages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            url TEXT,
            source TEXT NOT NULL,
            raw_format TEXT NOT NULL,
            raw TEXT NOT NULL,
            raw_sha TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            given_title TEXT,
            given_published TEXT,
            given_outlet TEXT,
            given_lang TEXT,
            ingested_at TEXT NOT NULL,
            cleaned INTEGER NOT NULL DEFAULT 0,
            text TEXT,
            title TEXT,
            published TEXT,
            author TEXT,
            outlet TEXT,
            lang TEXT,
            genre TEXT,
            credits TEXT NOT NULL DEFAULT '[]',
            site_name TEXT
        );
        CREATE INDEX pages_url ON pages(url);
        CREATE INDEX pages_raw_sha ON pages(raw_sha);
        CREATE INDEX pages_outlet ON pages(outlet);
        CREATE INDEX pages_published ON pages(published);
        CREATE INDEX pages_cleaned ON pages(cleaned);
        CREATE TABLE rejects (
            rowid INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            record_id TEXT,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            sample TEXT,
            kept_as TEXT,
            at TEXT NOT NULL,
            UNIQUE (source, record_id, reason)
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
    (
        "core-002-stage-state",
        """
        CREATE TABLE stage_state (
            stage TEXT NOT NULL,
            page_id TEXT NOT NULL,
            PRIMARY KEY (stage, page_id)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "core-003-published-month",
        "ALTER TABLE pages ADD COLUMN published_month TEXT;",
    ),
]

#: Stage packages whose `schema.MIGRATIONS` the store applies, in pipeline order.
STAGE_PACKAGES = ("clean", "match", "actors", "cluster", "web")


def all_migrations() -> list[tuple[str, str]]:
    """Core migrations first, then each stage's, in pipeline order."""
    migrations = list(CORE_MIGRATIONS)
    for stage in STAGE_PACKAGES:
        try:
            module = importlib.import_module(f"storytrace.{stage}.schema")
        except ModuleNotFoundError:
            continue
        migrations.extend(module.MIGRATIONS)
    return migrations
