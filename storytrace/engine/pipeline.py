"""Run the analysis stages over a workspace, in order, resumably.

Each stage records which pages it has processed in `stage_state`, so after an ingest
only the new pages go through it. A stage that was interrupted (its `running:` marker
is still set) is recomputed from scratch on the next run, which makes a `kill -9` at
any point recoverable by re-running the same command.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

from rich.progress import Progress

from storytrace.store import Workspace

STAGES = ("clean", "match", "actors", "cluster")


def optional_module(name: str) -> ModuleType | None:
    """Import `name`, or None when that module does not exist.

    Stages, evaluators and stage commands are optional parts; an ImportError raised
    *inside* an existing module is a real bug and propagates.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def stage_module(name: str) -> ModuleType | None:
    """The stage's `stage` module, or None while that stage is not built."""
    return optional_module(f"storytrace.{name}.stage")


def pending_ids(ws: Workspace, stage: str) -> list[str]:
    rows = ws.conn.execute(
        "SELECT id FROM pages WHERE id NOT IN (SELECT page_id FROM stage_state WHERE stage = ?) "
        "ORDER BY seq",
        (stage,),
    )
    return [row[0] for row in rows]


def run_stages(
    ws: Workspace,
    from_scratch: bool = False,
    stages: Iterable[str] = STAGES,
    progress: Progress | None = None,
) -> dict[str, dict]:
    """Run every built stage on the pages it has not seen (or on all, from scratch)."""
    results: dict[str, dict] = {}
    for name in stages:
        module = stage_module(name)
        if module is None:
            continue
        interrupted = ws.get_meta(f"running:{name}") is not None
        scratch = from_scratch or interrupted
        ids = ws.page_ids() if scratch else pending_ids(ws, name)
        if not ids and not scratch:
            continue
        ws.set_meta(f"running:{name}", "1")
        results[name] = module.run(ws, None if scratch else ids, progress) or {}
        with ws.transaction() as conn:
            if scratch:
                conn.execute("DELETE FROM stage_state WHERE stage = ?", (name,))
            conn.executemany(
                "INSERT OR IGNORE INTO stage_state VALUES (?, ?)", [(name, i) for i in ids]
            )
            conn.execute("DELETE FROM meta WHERE key = ?", (f"running:{name}",))
        if scratch:
            # A stage recomputed from scratch invalidates the incremental state of the
            # stages after it, so they recompute too.
            from_scratch = True
    return results
