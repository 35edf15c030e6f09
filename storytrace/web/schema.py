"""Schema migrations of the web explorer (full-text search index)."""

MIGRATIONS: list[tuple[str, str]] = []
