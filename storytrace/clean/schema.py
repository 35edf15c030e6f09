"""Schema migrations of the clean stage (see docs/architecture.md).

The cleaned fields live in the core `pages` table. The clean stage owns the per-outlet
boilerplate statistics: which distinct articles it has counted per outlet, and in how
many of them each (hashed, digit-masked) line occurs.
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "clean-001-outlet-profiles",
        """
        CREATE TABLE clean_outlet_docs (
            outlet TEXT NOT NULL,
            doc_key TEXT NOT NULL,
            PRIMARY KEY (outlet, doc_key)
        );
        CREATE TABLE clean_outlet_lines (
            outlet TEXT NOT NULL,
            line_hash TEXT NOT NULL,
            n_docs INTEGER NOT NULL,
            PRIMARY KEY (outlet, line_hash)
        );
        """,
    ),
]
