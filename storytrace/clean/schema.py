"""Schema migrations of the clean stage (see docs/architecture.md)."""

MIGRATIONS: list[tuple[str, str]] = []
