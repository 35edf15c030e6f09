"""Ingest + clean throughput on generated plain-text pages with boilerplate.

Prints pages/s and peak RSS beside the target (1,000 pages/s on 2 cores) and beside a
baseline that only stores the raw records (no decoding checks, no cleaning), so the
cost of each part is visible.

    python benchmarks/bench_ingest.py --n 100000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from storytrace.engine.pipeline import run_stages
from storytrace.ingest import ingest_paths
from storytrace.store import Workspace

WORDS = (
    "government minister said talks ceasefire army capital forces agreement report "
    "officials country military week president council election security border water "
    "prices economy spokesman statement region meeting support opposition"
).split()
BOILERPLATE = [
    "Home » World » Africa",
    "Share this story! Facebook Twitter WhatsApp",
    "Related Articles",
    "Back to top button",
    "Leave a Reply",
    "Subscribe to our newsletter",
]


def make_page(rng: random.Random, i: int) -> dict:
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))).capitalize() + "."
        for _ in range(rng.randint(4, 9))
    ]
    title = " ".join(rng.choice(WORDS) for _ in range(8)).title()
    lines = [rng.choice(BOILERPLATE), title, f"{rng.randint(1, 28)} Mar, 2024 05:06", title,
             *paragraphs, *rng.sample(BOILERPLATE, 2)]
    return {"id": f"p{i}", "url": f"https://outlet{i % 50}.example/2024/03/{i}",
            "text": "\n\n".join(lines)}


def write_corpus(path: Path, n: int) -> None:
    rng = random.Random(7)
    with path.open("w") as handle:
        for i in range(n):
            handle.write(json.dumps(make_page(rng, i)) + "\n")


def baseline_raw_store(corpus: Path, db: Path) -> float:
    """Plain json.loads + executemany into SQLite: the floor any ingest pays."""
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE pages (id TEXT PRIMARY KEY, url TEXT, raw TEXT)")
    with corpus.open() as handle:
        rows = ((r["id"], r["url"], r["text"]) for r in map(json.loads, handle))
        conn.executemany("INSERT INTO pages VALUES (?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "crawl.jsonl"
        write_corpus(corpus, args.n)
        base = baseline_raw_store(corpus, Path(tmp) / "base.db")
        ws = Workspace.open(Path(tmp) / "ws")
        start = time.perf_counter()
        summary = ingest_paths(ws, [corpus])
        ingest_s = time.perf_counter() - start
        start = time.perf_counter()
        run_stages(ws, stages=("clean",))
        clean_s = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n = summary.ingested
    print(f"pages: {n:,}")
    print(f"{'step':<28}{'seconds':>10}{'pages/s':>12}")
    print(f"{'baseline: raw SQLite insert':<28}{base:>10.1f}{n / base:>12,.0f}")
    print(f"{'storytrace ingest':<28}{ingest_s:>10.1f}{n / ingest_s:>12,.0f}")
    print(f"{'storytrace clean':<28}{clean_s:>10.1f}{n / clean_s:>12,.0f}")
    total = ingest_s + clean_s
    print(f"{'storytrace ingest + clean':<28}{total:>10.1f}{n / total:>12,.0f}   target 1,000")
    print(f"peak RSS: {rss_mb:,.0f} MB (worker processes: {children_mb:,.0f} MB)")


if __name__ == "__main__":
    main()
