"""The `storytrace eval` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storytrace.eval.runner import evaluate
from storytrace.progress import make_progress

#: Targets from the issues, shown beside the measured value.
TARGETS = {
    ("clean", "date_accuracy"): 0.95,
    ("clean", "title_accuracy"): 0.90,
    ("families", "family_ari"): 0.93,
    ("families", "family_pairwise_f1"): 0.95,
    ("families", "link_recall_verbatim"): 0.98,
    ("families", "link_recall_rewrite"): 0.90,
    ("families", "link_recall_translation"): 0.90,
    ("families", "relation_accuracy"): 0.85,
    ("families", "origin_accuracy"): 0.85,
    ("stories", "story_bcubed_f1"): 0.93,
    ("stories", "narrative_bcubed_f1"): 0.85,
    ("actors", "entity_f1"): 0.85,
    ("actors", "merge_precision"): 0.95,
    ("actors", "quote_f1"): 0.85,
    ("actors", "quote_speaker_accuracy"): 0.90,
}


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        labels: Annotated[Path, typer.Argument(help="Labeled JSONL (see LABELING.md).")],
        lines: Annotated[
            Path | None,
            typer.Option(help="Per-line labels; default: dev-lines.jsonl beside LABELS if any."),
        ] = None,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="Keep the scratch workspace here.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    ) -> None:
        """Run the pipeline on labeled pages (labels hidden from every stage) and score it.

        Example: `storytrace eval ../shared/corpus/dev.jsonl --json`
        """
        if not labels.exists():
            Console(stderr=True).print(f"[red]error:[/red] no such file: {labels}")
            raise typer.Exit(2)
        if lines is None and (labels.parent / "dev-lines.jsonl").exists():
            lines = labels.parent / "dev-lines.jsonl"
        with make_progress() as progress:
            results = evaluate(labels, workspace, lines, progress)
        if as_json:
            print(json.dumps(results, indent=2, default=str))
            return
        print_results(results)


def print_results(results: dict) -> None:
    table = Table("stage", "metric", "value", "target")
    for stage, scores in results.items():
        if not isinstance(scores, dict) or stage == "ingest":
            continue
        for metric, value in scores.items():
            if not isinstance(value, int | float):
                continue
            target = TARGETS.get((stage, metric))
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            mark = "" if target is None else ("✓ " if value >= target else "✗ ") + f"{target}"
            table.add_row(stage, metric, shown, mark)
    Console().print(table)
    for stage, scores in results.items():
        for name, extra in (scores.get("tables", {}) if isinstance(scores, dict) else {}).items():
            Console().print(f"[bold]{stage}: {name}[/bold]")
            Console().print(extra if isinstance(extra, str) else json.dumps(extra, indent=1))
