"""Schema migrations of the actors stage (see docs/architecture.md).

`actors`, `mentions`, `quotes` and `quote_appearances` are read by other stages and the
explorer. `actor_keys` and `quote_shingles` are this stage's indexes: they let a new
batch of pages join existing actors and quotes without recomputing everything.
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "actors-001-tables",
        """
        CREATE TABLE actors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            spellings TEXT NOT NULL DEFAULT '[]',
            given TEXT NOT NULL DEFAULT '',
            types TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX actors_name ON actors(name);
        CREATE TABLE actor_keys (
            key TEXT NOT NULL,
            actor_id INTEGER NOT NULL,
            PRIMARY KEY (key, actor_id)
        ) WITHOUT ROWID;
        CREATE TABLE mentions (
            page_id TEXT NOT NULL,
            actor_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            type TEXT NOT NULL
        );
        CREATE INDEX mentions_page ON mentions(page_id);
        CREATE INDEX mentions_actor ON mentions(actor_id);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER,
            text TEXT NOT NULL,
            first_page TEXT NOT NULL,
            lang TEXT,
            vec BLOB
        );
        CREATE INDEX quotes_actor ON quotes(actor_id);
        CREATE TABLE quote_appearances (
            quote_id INTEGER NOT NULL,
            page_id TEXT NOT NULL,
            text TEXT NOT NULL,
            channel TEXT,
            kind TEXT NOT NULL,
            actor_id INTEGER,
            speaker_text TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            lang TEXT,
            published TEXT,
            derived INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX quote_appearances_quote ON quote_appearances(quote_id);
        CREATE INDEX quote_appearances_page ON quote_appearances(page_id);
        CREATE TABLE quote_shingles (
            shingle INTEGER NOT NULL,
            quote_id INTEGER NOT NULL,
            PRIMARY KEY (shingle, quote_id)
        ) WITHOUT ROWID;
        """,
    ),
]
