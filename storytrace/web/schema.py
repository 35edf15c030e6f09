"""Schema migrations of the web explorer: the full-text search index.

`pages_fts` is an FTS5 *external-content* table over `pages(title, text)`: it stores only
the inverted index (the text stays in `pages`), and triggers keep it in step with every
insert, clean-stage update and delete, so search never needs a rebuild step. The
`unicode61` tokenizer with diacritics removed matches "Shoigu" and "Shoígu", and splits
Cyrillic and Arabic words as well as Latin ones.
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "web-001-pages-fts",
        """
        CREATE VIRTUAL TABLE pages_fts USING fts5(
            title, text,
            content='pages', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER pages_fts_insert AFTER INSERT ON pages BEGIN
            INSERT INTO pages_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages BEGIN
            INSERT INTO pages_fts(pages_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
        END;
        CREATE TRIGGER pages_fts_update AFTER UPDATE OF title, text ON pages BEGIN
            INSERT INTO pages_fts(pages_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO pages_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        INSERT INTO pages_fts(pages_fts) VALUES ('rebuild');
        """,
    ),
    (
        "web-002-pages-lang-index",
        """
        CREATE INDEX IF NOT EXISTS pages_lang ON pages(lang);
        """,
    ),
]
