"""Commands of the cluster stage: stories, story, narratives, outlets, timeline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace.cluster import api, network
from storytrace.cluster.timeline import timeline_png

console = Console()
err = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder.", envvar="STORYTRACE_WORKSPACE")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DEFAULT_WS = Path("storytrace-data")


def register(app: typer.Typer) -> None:
    app.command()(stories)
    app.command()(story)
    app.command()(narratives)
    app.command()(outlets)
    app.command()(timeline)


def _open(workspace: Path, read_only: bool = True):
    from storytrace.cli import open_workspace

    ws = open_workspace(workspace, read_only=read_only)
    if ws.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stories'").fetchone() is None:
        err.print(
            f"[red]error:[/red] {workspace} has no stories table: run "
            f"`storytrace analyze --workspace {workspace}` first."
        )
        raise typer.Exit(2)
    return ws


def stories(
    workspace: WorkspaceOpt = DEFAULT_WS,
    limit: Annotated[int, typer.Option(help="Show at most this many stories.")] = 30,
    narrative: Annotated[int | None, typer.Option(help="Only stories of this narrative.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List stories (events reported by several pages), biggest first.

    Example: `storytrace stories --workspace ws --limit 10`
    """
    rows = api.list_stories(_open(workspace), limit=limit, narrative=narrative)
    if as_json:
        console.print_json(json.dumps(rows))
        return
    if not rows:
        console.print("No stories yet: run `storytrace analyze` after ingesting pages.")
        return
    table = Table()
    table.add_column("id", no_wrap=True, min_width=2)
    table.add_column("headline", max_width=60, overflow="fold")
    for name in ("first", "last", "pages", "outlets", "langs", "narr."):
        table.add_column(name, no_wrap=True, min_width=len(name))
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["headline"] or "(no headline)",
            row["first_date"] or "",
            row["last_date"] or "",
            str(row["n_pages"]),
            str(row["n_outlets"]),
            str(row["n_langs"]),
            str(row["narrative"] or ""),
        )
    console.print(table)


def story(
    story_id: Annotated[int, typer.Argument(help="Story id, from `storytrace stories`.")],
    workspace: WorkspaceOpt = DEFAULT_WS,
    as_json: JsonOpt = False,
) -> None:
    """Show one story: origin, span, languages, families, pages and label coverage.

    Example: `storytrace story 3 --workspace ws`
    """
    found = api.story(_open(workspace), story_id)
    if found is None:
        err.print(f"[red]error:[/red] no story {story_id}; list ids with `storytrace stories`.")
        raise typer.Exit(1)
    if as_json:
        console.print_json(json.dumps(found))
        return
    console.print(f"[bold]{found['headline'] or '(no headline)'}[/bold]  story {story_id}")
    console.print(
        f"origin: {found['origin_page']} ({found['origin_outlet'] or '?'})  "
        f"span: {found['first_date'] or '?'} .. {found['last_date'] or '?'}  "
        f"narrative: {found['narrative'] or '-'}"
    )
    console.print(
        f"{found['n_pages']} pages, {found['n_outlets']} outlets, languages: "
        + ", ".join(f"{k} {v}" for k, v in found["languages"].items())
    )
    table = Table(caption="storytrace trace ORIGINAL shows a family's tree")
    table.add_column("pages", no_wrap=True, min_width=5)
    table.add_column("original (family root)", overflow="fold")
    table.add_column("title", max_width=60, overflow="fold")
    for fam in found["families"]:
        table.add_row(str(fam["n_pages"]), fam["root_page"], fam["title"] or "")
    console.print(table)
    for label, cover in found["coverage"].items():
        console.print(
            f"[bold]{label}[/bold]: carried by {cover['carried']}; first: "
            f"{', '.join(cover['first']) or '?'}; never: "
            f"{', '.join(cover['never']) or '-'}"
        )


def narratives(workspace: WorkspaceOpt = DEFAULT_WS, as_json: JsonOpt = False) -> None:
    """List narratives (long-running threads) with their stories in time order.

    Example: `storytrace narratives --workspace ws`
    """
    ws = _open(workspace)
    found = [api.narrative(ws, n["id"]) for n in api.list_narratives(ws)]
    if as_json:
        console.print_json(json.dumps(found))
        return
    if not found:
        console.print("No narratives: no two stories were close enough to form a thread.")
    for item in found:
        console.print(
            f"[bold]{item['id']}. {item['label']}[/bold]  ({item['n_stories']} "
            f"stories, {item['first_date'] or '?'} .. {item['last_date'] or '?'})"
        )
        for row in item["stories"]:
            headline = (row["headline"] or "")[:90]
            console.print(
                f"   {row['first_date'] or '????-??-??'}  [{row['id']}] "
                f"{headline} ({row['n_pages']} pages)",
                overflow="ellipsis",
                no_wrap=True,
            )


def outlets(
    workspace: WorkspaceOpt = DEFAULT_WS,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="CSV with an 'outlet' column plus any label columns (country, owner, ...)."
        ),
    ] = None,
    gexf: Annotated[Path | None, typer.Option(help="Write the network as GEXF (Gephi).")] = None,
    graphml: Annotated[Path | None, typer.Option(help="Write the network as GraphML.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the edges as CSV.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many outlets.")] = 30,
) -> None:
    """Outlet network: who carries whose texts, share of own texts, top source.

    An edge B -> A means A carried a text B published first.

    Example: `storytrace outlets --labels outlets.csv --gexf net.gexf --csv edges.csv`
    """
    ws = _open(workspace, read_only=labels is None)
    if labels is not None:
        if not labels.exists():
            err.print(f"[red]error:[/red] no such file: {labels}")
            raise typer.Exit(2)
        try:
            count = network.load_outlet_labels(ws, labels)
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        console.print(f"Labeled {count} outlets from {labels}.")
    for path, writer in (
        (gexf, network.write_gexf),
        (graphml, network.write_graphml),
        (csv, network.write_edges_csv),
    ):
        if path is not None:
            writer(ws, path)
            console.print(f"Wrote {path}")
    stats = network.outlet_stats(ws)[:limit]
    table = Table("outlet", "pages", "own texts", "own share", "copies most from")
    for row in stats:
        top = (
            f"{row['copies_most_from']} ({row['copies_from_top']})"
            if row["copies_most_from"]
            else ""
        )
        table.add_row(
            row["outlet"], str(row["pages"]), str(row["own_texts"]), f"{row['own_share']:.0%}", top
        )
    console.print(table)


def timeline(
    story_id: Annotated[int, typer.Argument(help="Story id, from `storytrace stories`.")],
    png: Annotated[Path, typer.Option("--png", help="PNG file to write.")],
    workspace: WorkspaceOpt = DEFAULT_WS,
) -> None:
    """Chart a story's pages per day, stacked by outlet (one series each), as a PNG.

    Example: `storytrace timeline 3 --png story3.png --workspace ws`
    """
    try:
        series = timeline_png(_open(workspace), story_id, png)
    except (ValueError, OSError) as exc:  # OSError: a folder that does not exist, no rights
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"Wrote {png} ({series} outlets).")
