"""storytrace: trace how news stories spread.

>>> import storytrace
>>> ws = storytrace.open("storytrace-data")
"""

from __future__ import annotations

from pathlib import Path

from storytrace.model import Page, Reject
from storytrace.store import Workspace

__version__ = "0.1.0"
__all__ = ["Page", "Reject", "Workspace", "open"]


def open(path: str | Path = "storytrace-data", read_only: bool = False) -> Workspace:  # noqa: A001
    """Open (or create) the workspace at `path`."""
    return Workspace.open(path, read_only=read_only)
