"""Schema migrations of the cluster stage (see docs/architecture.md).

`stories`, `story_pages` and `narratives` are the contract other stages and the explorer
read. `story_families` keeps which families a story holds, so an incremental run knows
where a new page of a known family belongs. `outlet_labels` holds user-supplied outlet
attributes in long form (outlet, label, value), because users bring any columns.
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "cluster-001-stories",
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            headline TEXT,
            origin_page TEXT,
            first_date TEXT,
            last_date TEXT,
            n_pages INTEGER NOT NULL DEFAULT 0,
            n_outlets INTEGER NOT NULL DEFAULT 0,
            n_langs INTEGER NOT NULL DEFAULT 0,
            narrative INTEGER
        );
        CREATE INDEX stories_narrative ON stories(narrative);
        CREATE TABLE story_pages (
            page_id TEXT PRIMARY KEY,
            story INTEGER NOT NULL
        );
        CREATE INDEX story_pages_story ON story_pages(story);
        CREATE TABLE story_families (
            family TEXT PRIMARY KEY,
            story INTEGER NOT NULL
        );
        CREATE INDEX story_families_story ON story_families(story);
        CREATE TABLE narratives (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            terms TEXT NOT NULL DEFAULT '[]',
            n_stories INTEGER NOT NULL DEFAULT 0,
            first_date TEXT,
            last_date TEXT
        );
        CREATE TABLE outlet_labels (
            outlet TEXT NOT NULL,
            label TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (outlet, label)
        );
        """,
    ),
]
