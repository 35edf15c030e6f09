"""`storytrace clean-preview`: see what cleaning keeps and drops on one page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace.clean.core import clean_page, line_labels
from storytrace.model import Page

console = Console()

_STYLE = {
    "content": "green",
    "title": "bold cyan",
    "date": "magenta",
    "byline": "yellow",
    "caption": "blue",
    "boilerplate": "dim red",
}


def register(app: typer.Typer) -> None:
    app.command("clean-preview")(clean_preview)


def clean_preview(
    path: Annotated[Path, typer.Argument(help="A .txt (crawled text) or .html file.")],
    url: Annotated[str | None, typer.Option(help="The page's URL (dates, outlet).")] = None,
    show_lines: Annotated[bool, typer.Option(help="Show the label of every line.")] = True,
) -> None:
    """Clean one file and show its title, date, outlet, language and line labels.

    Example: `storytrace clean-preview page.txt --url https://www.rt.com/news/481492-x/`
    """
    if not path.is_file():
        console.print(f"[red]error:[/] no such file: {path}. Pass a .txt or .html file.")
        raise typer.Exit(2)
    raw = path.read_text(encoding="utf-8", errors="replace")
    is_html = path.suffix.lower() in {".html", ".htm"} or raw.lstrip()[:1] == "<"
    page = Page(id=path.stem, url=url, raw=raw, raw_format="html" if is_html else "text")
    cleaned = clean_page(page)
    fields = Table(show_header=False, box=None)
    for name in ("title", "published", "author", "outlet", "site_name", "lang", "genre"):
        fields.add_row(f"[bold]{name}[/]", str(getattr(cleaned, name)))
    fields.add_row("[bold]credits[/]", ", ".join(cleaned.credits) or "-")
    console.print(fields)
    if show_lines and not is_html:
        table = Table("line", "label", "text", show_lines=False)
        for index, (label, text) in enumerate(zip(line_labels(page), raw.split("\n"), strict=True)):
            if label:
                style = _STYLE.get(label, "")
                table.add_row(str(index), f"[{style}]{label}[/]", text[:110])
        console.print(table)
    elif is_html:
        console.print(cleaned.text)
