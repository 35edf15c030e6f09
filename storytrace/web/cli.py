"""`storytrace serve`: open the explorer on a workspace (read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from storytrace.store import DEFAULT_WORKSPACE, WorkspaceError

err = Console(stderr=True)


def serve(
    workspace: Annotated[
        Path,
        typer.Option("--workspace", "-w", help="Workspace folder.",
                     envvar="STORYTRACE_WORKSPACE"),
    ] = Path(DEFAULT_WORKSPACE),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to bind; the default serves this machine only.")
    ] = "127.0.0.1",
) -> None:
    """Browse stories, families, actors and outlets in a web browser (read-only).

    The JSON API is under /api and documented at /openapi.json.

    Example: `storytrace serve --workspace ws --port 8000`, then open http://127.0.0.1:8000
    """
    import uvicorn

    from storytrace.web.app import create_app

    try:
        app = create_app(workspace)
    except WorkspaceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/yellow] serving on {host}: other machines can read "
                  "this workspace.")
    err.print(f"Serving {workspace} on http://{host}:{port} (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command()(serve)
