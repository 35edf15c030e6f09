"""Schema migrations of the match stage (see docs/architecture.md)."""

MIGRATIONS: list[tuple[str, str]] = []
