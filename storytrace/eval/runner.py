"""`storytrace eval`: run the whole pipeline on a labeled file and score every stage.

The labeled pages are ingested with their labels removed: a stage sees only `id`,
`url` and the page text (or HTML), exactly as it would see an unlabeled crawl.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

from storytrace.engine.pipeline import optional_module, run_stages
from storytrace.ingest import ingest_paths
from storytrace.store import Workspace

#: Fields a stage may see; everything else in a labeled row is a label.
INPUT_FIELDS = ("id", "url", "text", "html")
#: Evaluators in pipeline order: storytrace.eval.<name>.score(gold, ws).
EVALUATORS = ("clean", "families", "stories", "actors")


def load_labels(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {row["id"]: row for row in rows}


def load_line_labels(path: Path) -> dict[str, dict[int, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {row["id"]: {int(k): v for k, v in row["labels"].items()} for row in rows}


def unlabeled(row: dict) -> dict:
    """A labeled row reduced to what a stage may see."""
    return {k: row[k] for k in INPUT_FIELDS if row.get(k) is not None}


def unlabeled_rows(labels: Path, ids: Iterable[str]) -> list[dict]:
    """The rows of `labels` with these ids, labels removed, in the order of `ids`."""
    gold = load_labels(labels)
    return [unlabeled(gold[page_id]) for page_id in ids]


def write_unlabeled(gold: dict[str, dict], folder: Path) -> Path:
    """The labeled pages with every label field removed, as JSONL."""
    path = folder / "unlabeled.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in gold.values():
            handle.write(json.dumps(unlabeled(row), ensure_ascii=False) + "\n")
    return path


def evaluate(
    labels: Path,
    workspace: Path | None = None,
    line_labels: Path | None = None,
    progress=None,
) -> dict:
    """Ingest `labels` (labels hidden), run all stages, and return metrics per stage."""
    gold = load_labels(labels)
    with tempfile.TemporaryDirectory(prefix="storytrace-eval-") as tmp:
        ws = Workspace.open(workspace or Path(tmp) / "ws")
        try:
            summary = ingest_paths(ws, [write_unlabeled(gold, Path(tmp))])
            run_stages(ws, from_scratch=True, progress=progress)
            results: dict = {"ingest": summary.as_dict(), "pages": len(gold)}
            lines = load_line_labels(line_labels) if line_labels else None
            for name in EVALUATORS:
                module = _evaluator(name)
                if module is None:
                    continue
                scores = module.score(gold, ws)
                if name == "clean" and lines is not None and hasattr(module, "score_lines"):
                    pages = {p.id: p for p in ws.pages(list(lines))}
                    scores.update(module.score_lines(lines, pages))
                results[name] = scores
        finally:
            ws.close()
    return results


def _evaluator(name: str):
    return optional_module(f"storytrace.eval.{name}")
