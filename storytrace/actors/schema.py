"""Schema migrations of the actors stage (see docs/architecture.md)."""

MIGRATIONS: list[tuple[str, str]] = []
