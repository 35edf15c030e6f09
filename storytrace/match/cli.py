"""`storytrace trace PAGE_ID`: a page's family as a tree, and what each copy changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from storytrace.match.trace import family_tree, list_families, page_diff

console = Console()


def register(app: typer.Typer) -> None:
    app.command()(trace)
    app.command()(families)
    app.command()(compare)


PageIdArg = Annotated[str, typer.Argument(help="Id of a page in the workspace.")]
WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Workspace folder.", envvar="STORYTRACE_WORKSPACE"),
]
DiffsOpt = Annotated[bool, typer.Option(help="Show each copy's changes against its parent.")]


def trace(
    page_id: PageIdArg,
    workspace: WorkspaceOpt = Path("storytrace-data"),
    diffs: DiffsOpt = True,
) -> None:
    """Show the article family of PAGE_ID: original, copies, rewrites, translations.

    Example: `storytrace trace 000_860aa38227ee2f93 --workspace ws`
    """
    from storytrace.cli import open_workspace

    ws = open_workspace(workspace, read_only=True)
    if ws.page(page_id) is None:
        console.print(
            f"[red]No page {page_id!r} in {workspace}.[/] "
            "List ids with `storytrace export` or check --workspace."
        )
        raise typer.Exit(1)
    tree = family_tree(ws, page_id)
    if tree is None:
        console.print(
            f"[yellow]Page {page_id} has no family yet:[/] run "
            f"`storytrace analyze --workspace {workspace}` first."
        )
        raise typer.Exit(1)
    console.print(render_tree(tree))
    if diffs:
        for node in _walk(tree["root"]):
            if node["derived_from"]:
                diff = page_diff(ws, node["id"])
                if diff:
                    console.print(render_diff(diff))


def families(
    workspace: WorkspaceOpt = Path("storytrace-data"),
    story: Annotated[int | None, typer.Option(help="Only the families of this story.")] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Only families with a page from this outlet.")
    ] = None,
    min_size: Annotated[int, typer.Option(help="Smallest family shown (pages).")] = 2,
    limit: Annotated[int, typer.Option(help="Show at most this many families.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List article families (one text and its copies), biggest first.

    Example: `storytrace families --workspace ws --outlet rt.com`
    """
    from storytrace.cli import open_workspace

    ws = open_workspace(workspace, read_only=True)
    rows = list_families(ws, story=story, outlet=outlet, min_size=min_size, limit=limit)
    if as_json:
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        console.print(
            f"No family of {min_size}+ pages matches: run `storytrace analyze` after "
            "ingesting pages, or lower --min-size."
        )
        return
    table = Table()
    for name in ("pages", "original", "copies", "langs"):
        table.add_column(name, no_wrap=True, min_width=len(name))
    table.add_column("title", max_width=50, overflow="fold")
    for row in rows:
        copies = [f"{row[k]} {k}" for k in ("verbatim", "rewrite", "translation") if row[k]]
        table.add_row(
            str(row["size"]),
            f"{row['original'] or '?'}\n{row['original_outlet'] or '?'}"
            f" {row['original_published'] or 'undated'}",
            "\n".join(copies),
            ",".join(row["langs"]),
            row["title"] or "",
        )
    console.print(table)
    console.print("Show one with `storytrace trace PAGE_ID`.", style="dim")


def compare(
    page_a: PageIdArg,
    page_b: PageIdArg,
    workspace: WorkspaceOpt = Path("storytrace-data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, evidence included.")] = False,
) -> None:
    """Say whether two pages are one text, and which checks decided it, linked or not.

    Example: `storytrace compare libya-base-rt libya-base-sott --workspace ws`
    """
    from storytrace.cli import open_workspace
    from storytrace.match.explain import compare_pages

    ws = open_workspace(workspace, read_only=True)
    try:
        result = compare_pages(ws, page_a, page_b)
    except KeyError as exc:
        console.print(f"[red]{exc.args[0]}.[/] List ids with `storytrace export`.")
        raise typer.Exit(1) from None
    if as_json:
        console.print_json(json.dumps(result, ensure_ascii=False))
        return
    console.print(Text(result["why"], style="bold"))
    for check in result["checks"]:
        style = "green" if check.startswith("pass") else "red" if check.startswith("fail") else ""
        console.print(Text(f"  {check}", style=style))
    same = "the same family" if result["same_family"] else "different families"
    console.print(f"In the workspace they are in {same}.", style="dim")


def _walk(node: dict):
    yield node
    for child in node["children"]:
        yield from _walk(child)


def _label(node: dict) -> Text:
    style = {
        "original": "bold green",
        "verbatim": "cyan",
        "rewrite": "yellow",
        "translation": "magenta",
    }.get(node["relation"], "white")
    label = Text()
    label.append(f"{node['relation']:<11}", style=style)
    label.append(
        f" {node['id']}  {node['outlet'] or '?'}  {node['published'] or 'no date'}"
        f"  [{node['lang'] or '?'}]"
    )
    return label


def render_tree(tree: dict) -> Tree:
    root = Tree(f"family {tree['family']} ({tree['size']} pages)")

    def add(parent: Tree, node: dict) -> None:
        label = _label(node)
        if node.get("why"):
            label.append(f"\n{node['why']}", style="dim")
        branch = parent.add(label)
        for child in node["children"]:
            add(branch, child)

    add(root, tree["root"])
    return root


def render_diff(diff: dict):
    title = f"{diff['page']} vs its parent {diff['parent']} ({diff['relation']})"
    if diff["kind"] == "translation":
        table = Table(title=title, show_lines=True)
        table.add_column(f"source [{diff['langs'][0]}]")
        table.add_column(f"translation [{diff['langs'][1]}]")
        for pair in diff["pairs"]:
            table.add_row(pair["source"], pair["translation"])
        return table
    text = Text(f"\n{title}: {diff['aligned_sentences']} sentences aligned\n", style="bold")
    for edit in diff["edits"]:
        text.append(f"  …{edit['context']} ")
        if edit["before"]:
            text.append(f"-[{edit['before']}]", style="red strike")
        if edit["after"]:
            text.append(f" +[{edit['after']}]", style="green")
        text.append("\n")
    for sentence in diff["removed_sentences"]:
        text.append(f"  - sentence removed: {sentence[:160]}\n", style="red")
    for sentence in diff["added_sentences"]:
        text.append(f"  + sentence added: {sentence[:160]}\n", style="green")
    return text
