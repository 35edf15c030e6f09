"""Schema migrations of the match stage (see docs/architecture.md).

`families`, `pairs` and `embeddings` are read by other stages and the explorer. The
`match_*` tables hold the per-page keys that let new pages find their candidates
without recomputing the old ones.
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "match-001-families",
        """
        CREATE TABLE families (
            page_id TEXT PRIMARY KEY,
            family TEXT NOT NULL,
            relation TEXT NOT NULL,
            derived_from TEXT
        );
        CREATE INDEX families_family ON families(family);
        CREATE TABLE pairs (
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            relation TEXT NOT NULL,
            score REAL NOT NULL,
            evidence TEXT NOT NULL,
            PRIMARY KEY (a, b)
        );
        CREATE INDEX pairs_b ON pairs(b);
        CREATE TABLE embeddings (
            page_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vec BLOB NOT NULL
        );
        CREATE TABLE match_pages (
            page_id TEXT PRIMARY KEY,
            text_hash TEXT NOT NULL,
            lang TEXT,
            n_sentences INTEGER NOT NULL
        );
        CREATE INDEX match_pages_hash ON match_pages(text_hash);
        CREATE TABLE match_keys (
            key INTEGER NOT NULL,
            page_id TEXT NOT NULL
        );
        CREATE INDEX match_keys_key ON match_keys(key);
        CREATE INDEX match_keys_page ON match_keys(page_id);
        CREATE TABLE match_sentence_vecs (
            page_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            n INTEGER NOT NULL,
            dim INTEGER NOT NULL,
            vecs BLOB NOT NULL
        );
        """,
    ),
    (
        "match-002-body-vecs",
        """
        CREATE TABLE match_body_vecs (
            page_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            vec BLOB NOT NULL
        );
        """,
    ),
    (
        "match-003-headline-keys",
        """
        CREATE TABLE match_backfill (task TEXT PRIMARY KEY);
        INSERT INTO match_backfill SELECT 'headline-keys' WHERE EXISTS (SELECT 1 FROM match_pages);
        """,
    ),
]
