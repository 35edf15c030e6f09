"""The `storytrace` command line: core commands here, stage commands in `<stage>/cli.py`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace.engine.pipeline import optional_module, run_stages
from storytrace.ingest import DEFAULT_MAX_PAGE_BYTES, FORMATS, ingest_paths
from storytrace.progress import make_progress
from storytrace.store import DEFAULT_WORKSPACE, Workspace, WorkspaceError
from storytrace.store.export import (
    EXPORT_FORMATS,
    page_rows,
    page_schema,
    side_path,
    side_tables,
    write_rows,
)

app = typer.Typer(
    help="Trace how news stories spread: copies, rewrites, translations, stories, narratives, "
    "actors and quotes.\n\nExample: storytrace ingest crawl/ && storytrace export -o pages.jsonl",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
console = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder.", envvar="STORYTRACE_WORKSPACE")
]


ENGINE_HELP = typer.Option(
    help="Where per-page work runs: local, process (a process pool) or spark "
    "(pip install 'storytrace[spark]'; STORYTRACE_SPARK_MASTER picks the cluster).",
)


def use_engine(engine: str | None) -> None:
    """The engine travels to the stages through STORYTRACE_ENGINE, like any setting."""
    if engine is None:
        return
    if engine not in ("local", "process", "spark"):
        err.print(f"[red]error:[/red] unknown --engine {engine!r}; use local, process or spark")
        raise typer.Exit(2)
    os.environ["STORYTRACE_ENGINE"] = engine


def open_workspace(path: Path, read_only: bool = False) -> Workspace:
    """Open a workspace or exit with a message saying what to do."""
    try:
        return Workspace.open(path, read_only=read_only)
    except WorkspaceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    workspace: WorkspaceOpt = Path(DEFAULT_WORKSPACE),
    fmt: Annotated[
        str | None, typer.Option("--format", help=f"Force a reader: {', '.join(FORMATS)}.")
    ] = None,
    max_page_bytes: Annotated[
        int, typer.Option(help="Reject pages larger than this many bytes.")
    ] = DEFAULT_MAX_PAGE_BYTES,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Run the analysis stages after.")
    ] = True,
    engine: Annotated[str | None, ENGINE_HELP] = None,
) -> None:
    """Read a crawl (txt folders, HTML, JSONL, CSV, Parquet, WARC; .gz too) into a workspace.

    Re-running the same command is safe: records already stored are skipped.

    Example: `storytrace ingest ../shared/corpus/seeds/ --workspace ws`
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]error:[/red] no such file or folder: {', '.join(missing)}")
        raise typer.Exit(2)
    if fmt and fmt not in FORMATS:
        err.print(f"[red]error:[/red] unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    use_engine(engine)
    ws = open_workspace(workspace)
    with make_progress() as progress:
        task = progress.add_task("Reading", total=None)
        summary = ingest_paths(
            ws, paths, fmt, max_page_bytes, on_record=lambda: progress.advance(task)
        )
        stages = run_stages(ws, progress=progress) if analyze else {}
    print_summary(summary.as_dict(), stages, ws)


def print_summary(summary: dict, stages: dict, ws: Workspace) -> None:
    table = Table(title=f"Ingest into {ws.path}", show_header=False)
    for key in ("read", "ingested", "already_present", "kept_apart"):
        table.add_row(key.replace("_", " "), f"{summary[key]:,}")
    rejected = summary["rejected"]
    table.add_row("rejected", f"{sum(rejected.values()):,}")
    for reason, count in sorted(rejected.items()):
        table.add_row(f"  {reason}", f"{count:,}")
    for stage, result in stages.items():
        table.add_row(stage, ", ".join(f"{k} {v}" for k, v in result.items()))
    console.print(table)
    if rejected:
        console.print("See why: [bold]storytrace rejects[/bold]")


@app.command()
def analyze(
    workspace: WorkspaceOpt = Path(DEFAULT_WORKSPACE),
    engine: Annotated[str | None, ENGINE_HELP] = None,
) -> None:
    """Re-run every analysis stage from scratch over the whole workspace.

    Example: `storytrace analyze --workspace ws --engine spark`
    """
    use_engine(engine)
    ws = open_workspace(workspace)
    with make_progress() as progress:
        results = run_stages(ws, from_scratch=True, progress=progress)
    for stage, result in results.items():
        console.print(f"[bold]{stage}[/bold]: {json.dumps(result)}")


@app.command()
def export(
    workspace: WorkspaceOpt = Path(DEFAULT_WORKSPACE),
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
) -> None:
    """Export one row per page (the public contract in docs/export.md).

    With -o, entities and quotes go to `NAME.entities.EXT` and `NAME.quotes.EXT`.

    Example: `storytrace export --format parquet -o pages.parquet`
    """
    if fmt not in EXPORT_FORMATS:
        err.print(f"[red]error:[/red] unknown format {fmt!r}; use one of {EXPORT_FORMATS}")
        raise typer.Exit(2)
    if fmt == "parquet" and output is None:
        err.print("[red]error:[/red] parquet is binary: pass -o FILE.parquet")
        raise typer.Exit(2)
    ws = open_workspace(workspace, read_only=True)
    try:
        count = write_rows(page_rows(ws), fmt, output, page_schema() if fmt == "parquet" else None)
        if output is None:
            return
        err.print(f"Wrote {count:,} pages to {output}")
        for table, rows in side_tables(ws).items():
            path = side_path(output, table)
            err.print(f"Wrote {write_rows(rows, fmt, path):,} {table} to {path}")
    except OSError as exc:  # a folder that does not exist, no rights, a full disk
        err.print(f"[red]error:[/red] could not write the export: {exc}")
        raise typer.Exit(1) from None


@app.command()
def rejects(
    workspace: WorkspaceOpt = Path(DEFAULT_WORKSPACE),
    reason: Annotated[str | None, typer.Option(help="Only this reason code.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """List the records that were not ingested as given, and why.

    Example: `storytrace rejects --reason bad_json`
    """
    ws = open_workspace(workspace, read_only=True)
    sql = "SELECT source, record_id, reason, detail, kept_as FROM rejects"
    args: tuple = ()
    if reason:
        sql, args = sql + " WHERE reason = ?", (reason,)
    rows = ws.conn.execute(sql + " ORDER BY rowid LIMIT ?", (*args, limit)).fetchall()
    if as_json:
        for row in rows:
            console.print_json(json.dumps(dict(row)))
        return
    table = Table("reason", "source", "record", "what to do")
    for row in rows:
        table.add_row(row["reason"], row["source"], row["record_id"] or "", row["detail"])
    console.print(table)
    total = ws.count("rejects")
    console.print(f"{total:,} rejected record(s) in {ws.path}")


@app.command()
def info(workspace: WorkspaceOpt = Path(DEFAULT_WORKSPACE)) -> None:
    """Counts of what the workspace holds.

    Example: `storytrace info --workspace ws`
    """
    ws = open_workspace(workspace, read_only=True)
    table = Table("table", "rows")
    for (name,) in ws.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%fts%' ORDER BY name"
    ):
        table.add_row(name, f"{ws.count(name):,}")
    console.print(table)


def _register_stage_commands() -> None:
    """Each stage adds its own commands; a stage not built yet adds none."""
    for stage in ("clean", "match", "cluster", "actors", "eval", "demo", "web"):
        module = optional_module(f"storytrace.{stage}.cli")
        if module is not None:
            module.register(app)


_register_stage_commands()


def main() -> None:
    app()
