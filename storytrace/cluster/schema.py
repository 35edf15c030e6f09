"""Schema migrations of the cluster stage (see docs/architecture.md)."""

MIGRATIONS: list[tuple[str, str]] = []
