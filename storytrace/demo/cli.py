"""The `storytrace demo` command: ingest the bundled corpus and show what was found."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace.demo import demo_inputs
from storytrace.engine.pipeline import run_stages
from storytrace.ingest import ingest_paths
from storytrace.progress import make_progress
from storytrace.store import Workspace
from storytrace.store.export import page_rows

console = Console()


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        workspace: Annotated[
            Path, typer.Option("--workspace", "-w", help="Where to build the demo workspace.")
        ] = Path("storytrace-demo"),
    ) -> None:
        """Ingest the bundled demo corpus (fictional outlets, every input format, a few bad
        records), run every stage and print a tour of the result.

        Example: `storytrace demo && storytrace serve -w storytrace-demo`
        """
        from storytrace.cli import print_summary

        ws = Workspace.open(workspace)
        with make_progress() as progress:
            task = progress.add_task("Reading demo corpus", total=None)
            summary = ingest_paths(ws, demo_inputs(), on_record=lambda: progress.advance(task))
            stages = run_stages(ws, progress=progress)
        print_summary(summary.as_dict(), stages, ws)
        print_families(ws)
        console.print(
            f"\nNext: [bold]storytrace rejects -w {workspace}[/bold] (why records were "
            f"refused), [bold]storytrace trace PAGE_ID -w {workspace}[/bold] (a family with "
            f"diffs), [bold]storytrace serve -w {workspace}[/bold] (the explorer)."
        )


def print_families(ws: Workspace) -> None:
    """Families with more than one page, grouped by story: the heart of the result."""
    rows = list(page_rows(ws))
    by_family: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["family"]:
            by_family[row["family"]].append(row)
    table = Table("story", "pages", "copies of the original", "languages", "original (outlet)")
    for members in sorted(by_family.values(), key=lambda m: (-len(m), m[0]["id"])):
        if len(members) < 2:
            continue
        original = next((m for m in members if m["relation"] == "original"), members[0])
        copies = Counter(m["relation"] for m in members if m is not original)
        table.add_row(
            original["story"] or "", str(len(members)),
            ", ".join(f"{n} {kind}" for kind, n in sorted(copies.items())),
            " ".join(sorted({m["lang"] or "?" for m in members})),
            original["outlet"] or original["id"],
        )
    if table.row_count:
        console.print(table)
