"""Throughput of the actors stage's pure functions on dev.jsonl, on 2 worker processes.

Usage: python benchmarks/bench_actors.py [--corpus ../shared/corpus] [--repeat 3]
Prints pages/s for entity extraction and for quote extraction (entities included, since
quotes need them), using the spaCy model when it is installed.
"""

from __future__ import annotations

import argparse
import json
import time
from multiprocessing import Pool
from pathlib import Path

from storytrace.actors.entities import extract_entities, spacy_model
from storytrace.actors.gazetteer import place_key
from storytrace.actors.quotes import extract_quotes


def _load(corpus: Path, repeat: int) -> list[tuple[str, str]]:
    with (corpus / "dev.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [(r["text"], r["lang"]) for r in rows] * repeat


def _entities(page: tuple[str, str]) -> int:
    return len(extract_entities(*page))


def _quotes(page: tuple[str, str]) -> int:
    text, lang = page
    return len(extract_quotes(text, extract_entities(text, lang)))


def _warm(_: int) -> None:
    spacy_model("en")
    place_key("Libya")  # loads the gazetteer once per worker, as the stage does


def _rate(pool: Pool, fn, pages: list[tuple[str, str]]) -> tuple[float, int]:
    start = time.perf_counter()
    found = sum(pool.map(fn, pages, chunksize=8))
    return len(pages) / (time.perf_counter() - start), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=3, help="Pass over dev.jsonl N times.")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = _load(args.corpus, args.repeat)
    backend = "spaCy en_core_web_sm + rules" if spacy_model("en") else "rules only"
    with Pool(args.workers) as pool:
        pool.map(_warm, range(args.workers))
        ent_rate, n_ent = _rate(pool, _entities, pages)
        quote_rate, n_quotes = _rate(pool, _quotes, pages)
    print(f"backend: {backend}; {len(pages)} pages; {args.workers} workers")
    print(f"entities: {ent_rate:,.1f} pages/s ({n_ent} mentions)")
    print(f"entities+quotes: {quote_rate:,.1f} pages/s ({n_quotes} quotes)")


if __name__ == "__main__":
    main()
