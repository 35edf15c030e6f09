"""Ingesting in parts against one run: do families and stories come out the same?

A crawl arrives over days, so a workspace is usually built by many `storytrace ingest`
runs. Each run analyses only the new pages (with whatever they change), so the result
could depend on the order pages arrived in. This benchmark ingests a labeled file once in
one run and again in N shuffled parts, with every stage run after each part as `ingest`
does, and prints how far the two results agree (BCubed F1 of one partition against the
other: 1.000 is the same partition), the labeled quality of each, and the time each took.

    python benchmarks/bench_incremental.py ../shared/corpus/dev.jsonl --parts 4 20

Labels are hidden from the stages as in `storytrace eval`.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from storytrace.engine.pipeline import run_stages
from storytrace.eval.metrics import bcubed
from storytrace.eval.runner import load_labels, unlabeled
from storytrace.ingest import ingest_paths
from storytrace.match.embed import get_embedder
from storytrace.store import Workspace


def build(folder: Path, parts: list[list[dict]]) -> tuple[Workspace, float]:
    """A workspace made by one ingest (and analysis) per part; seconds taken. Each part
    starts with a fresh embedder, as a separate `storytrace ingest` process would (its
    cache of recent encodings would otherwise serve the second build)."""
    ws = Workspace.open(folder / "ws")
    started = time.perf_counter()
    for number, rows in enumerate(parts):
        get_embedder.cache_clear()
        path = folder / f"part{number:03d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        ingest_paths(ws, [path])
        run_stages(ws)
    return ws, time.perf_counter() - started


def partitions(ws: Workspace) -> dict[str, dict[str, str]]:
    sql = {
        "family": "SELECT page_id, family FROM families",
        "story": "SELECT page_id, story FROM story_pages",
    }
    return {kind: {r[0]: str(r[1]) for r in ws.conn.execute(q)} for kind, q in sql.items()}


def compare(labels: Path, n_parts: int, seed: int) -> dict:
    gold = load_labels(labels)
    rows = [unlabeled(row) for row in gold.values()]
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    size = -(-len(rows) // n_parts)
    chunks = [shuffled[i : i + size] for i in range(0, len(shuffled), size)]
    with tempfile.TemporaryDirectory(prefix="storytrace-bench-") as tmp:
        one, one_s = build(Path(tmp) / "one", [rows])
        many, many_s = build(Path(tmp) / "parts", chunks)
        single, parted = partitions(one), partitions(many)
        one.close()
        many.close()
    result = {"parts": len(chunks), "seed": seed, "one_run_s": one_s, "parts_s": many_s}
    for kind in ("family", "story"):
        result[f"{kind}_agreement"] = bcubed(single[kind], parted[kind])["f1"]
        truth = {p: row[kind] for p, row in gold.items() if row.get(kind)}
        for name, found in (("one_run", single[kind]), ("parts", parted[kind])):
            result[f"{kind}_f1_{name}"] = bcubed(truth, {p: found.get(p) for p in truth})["f1"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path, help="labeled JSONL (format of dev.jsonl)")
    parser.add_argument("--parts", type=int, nargs="+", default=[4], help="numbers of parts")
    parser.add_argument("--seed", type=int, default=7, help="shuffle seed")
    args = parser.parse_args()
    header = (
        "parts  family agreement  story agreement  family F1 one/parts  "
        "story F1 one/parts  seconds one/parts"
    )
    print(header)
    for n_parts in args.parts:
        r = compare(args.labels, n_parts, args.seed)
        print(
            f"{r['parts']:>5}  {r['family_agreement']:>16.3f}  {r['story_agreement']:>15.3f}  "
            f"{r['family_f1_one_run']:.3f} / {r['family_f1_parts']:.3f}        "
            f"{r['story_f1_one_run']:.3f} / {r['story_f1_parts']:.3f}      "
            f"{r['one_run_s']:.0f} / {r['parts_s']:.0f}"
        )


if __name__ == "__main__":
    main()
