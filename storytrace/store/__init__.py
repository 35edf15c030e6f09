"""The workspace: SQLite storage, migrations and export."""

from storytrace.store.workspace import DEFAULT_WORKSPACE, Workspace, WorkspaceError

__all__ = ["DEFAULT_WORKSPACE", "Workspace", "WorkspaceError"]
