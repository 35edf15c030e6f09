"""`storytrace actors`, `storytrace actor NAME`, `storytrace quotes`: browse who said what."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from storytrace.actors import api

console = Console()

_WORKSPACE = typer.Option(Path("storytrace-data"), "--workspace", "-w",
                          help="Workspace folder.", envvar="STORYTRACE_WORKSPACE")


def register(app: typer.Typer) -> None:
    app.command("actors")(actors)
    app.command("actor")(actor)
    app.command("quotes")(quotes)


def _open(workspace: Path):
    from storytrace.cli import open_workspace

    ws = open_workspace(workspace, read_only=True)
    if ws.conn.execute("SELECT count(*) FROM actors").fetchone()[0] == 0:
        console.print(f"[yellow]No actors in {workspace} yet:[/] run "
                      f"`storytrace analyze --workspace {workspace}` first.")
        raise typer.Exit(1)
    return ws


def _story_known(ws, story: str | None, workspace: Path) -> None:
    if story is not None and not api.has_stories(ws):
        console.print(f"[yellow]No stories in {workspace}:[/] the cluster stage has not run; "
                      "run `storytrace analyze` or drop --story.")
        raise typer.Exit(1)


def actors(
    workspace: Path = _WORKSPACE,
    story: str = typer.Option(None, "--story", help="Only actors mentioned in this story."),
    limit: int = typer.Option(30, "--limit", "-n", help="How many actors to list (0: all)."),
    type: str = typer.Option(None, "--type", help="person, org, group or place."),
) -> None:
    """List the actors (people, organisations, groups, places) by pages mentioning them.

    Example: `storytrace actors --story 2020-02-bashagha-us-base --limit 10 -w ws`
    """
    ws = _open(workspace)
    _story_known(ws, story, workspace)
    table = Table("id", "name", "type", "pages", "mentions", "spellings")
    for a in api.list_actors(ws, story=story, limit=limit or None, type=type):
        table.add_row(str(a["id"]), a["name"], a["type"], str(a["pages"]), str(a["mentions"]),
                      ", ".join(a["spellings"][:6]))
    console.print(table)


def actor(
    name: str = typer.Argument(
        ..., help="A name in any spelling or script, e.g. Shoygu, or an actor id."
    ),
    workspace: Path = _WORKSPACE,
) -> None:
    """Show an actor: every spelling seen, its stories and its quotes.

    Example: `storytrace actor Shoigu -w ws`  (also finds Shoygu, Choïgou, Шойгу)
    """
    ws = _open(workspace)
    found = api.find_actors(ws, name)
    if not found and name.isdigit() and api.actor_detail(ws, int(name)):
        found = [{"id": int(name)}]  # the id column `storytrace actors` lists
    if not found:
        console.print(f"[red]No actor matches {name!r}.[/] List them with `storytrace actors`.")
        raise typer.Exit(1)
    for match in found[:3]:
        detail = api.actor_detail(ws, match["id"])
        console.rule(f"[bold]{detail['name']}[/] ({detail['type']}, id {detail['id']})")
        counts = ", ".join(f"{s} ×{n}" for s, n in detail["spelling_counts"].items())
        console.print(f"spellings: {counts}")
        console.print(f"pages: {len(detail['pages'])}   stories: "
                      f"{', '.join(detail['stories']) or '(no stories yet)'}")
        _print_quotes(detail["quotes"])
    if len(found) > 3:
        console.print(f"[dim]{len(found) - 3} more actors match; use a fuller name.[/]")


def quotes(
    workspace: Path = _WORKSPACE,
    speaker: str = typer.Option(None, "--speaker", help="Only quotes by this actor."),
    story: str = typer.Option(None, "--story", help="Only quotes appearing in this story."),
    limit: int = typer.Option(20, "--limit", "-n", help="How many quotes (0: all)."),
) -> None:
    """List quotes with their speaker, first appearance and how they travelled.

    Example: `storytrace quotes --speaker Bashagha -w ws`
    """
    ws = _open(workspace)
    _story_known(ws, story, workspace)
    _print_quotes(api.list_quotes(ws, speaker=speaker, story=story, limit=limit or None))


def _print_quotes(items: list[dict]) -> None:
    if not items:
        console.print("[dim]no quotes[/]")
    for q in items:
        console.print(f"\n[bold]“{q['text']}”[/] — {q['speaker'] or '[dim]unnamed source[/]'}")
        for i, app in enumerate(q["appearances"]):
            mark = "first" if i == 0 else ("translated" if app["translated"] else "repeated")
            via = f" via {app['channel']}" if app["channel"] else ""
            console.print(f"  {mark:<10} {app['page_id']}  {app['outlet'] or '?'}  "
                          f"{app['published'] or 'no date'}  [{app['lang'] or '?'}]{via}")
            for change in app["diff"][:5]:
                console.print(f"             [red]-{change['from']}[/] [green]+{change['to']}[/]")
