"""Benchmark story clustering on generated pages: time and peak memory as the corpus grows.

Pages are generated, not crawled: each story gets a direction in the 384-d space of the
default embedder, near the direction of its narrative; its families are noisy copies of it
(their pages share one vector, as after the match stage); dates fall within a few days of
the story's day, and names come from a small per-story vocabulary. This measures the
cost of the algorithm (nearest-neighbour lookups, scoring, merges, narratives), not the
embedder and not SQLite.

    nice -n 10 python benchmarks/bench_stories.py --pages 10000 100000 1000000

Each size runs in a fresh process so the peak RSS printed is that size's own; the growth
of time and memory from one size to the next is printed after them. A size that does not
finish within `--limit-s` seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time

import numpy as np

DIM = 384
PAGES_PER_FAMILY = 1.5  # mean; the dev corpus has 220 pages in 155 families
FAMILIES_PER_STORY = 4
STORIES_PER_NARRATIVE = 40


def generate_units(n_pages: int, seed: int = 0):
    """Story units (families) whose pages add up to about `n_pages`."""
    from storytrace.cluster.features import Unit

    rng = np.random.default_rng(seed)
    n_families = int(n_pages / PAGES_PER_FAMILY)
    n_stories = max(1, n_families // FAMILIES_PER_STORY)
    threads = rng.standard_normal((max(1, n_stories // STORIES_PER_NARRATIVE), DIM))
    centres = threads[rng.integers(0, len(threads), n_stories)] * 0.05
    centres = (centres + rng.standard_normal((n_stories, DIM)) * 0.035).astype(np.float32)
    story_of = rng.integers(0, n_stories, n_families)
    noise = rng.standard_normal((n_families, DIM)).astype(np.float32) * 0.012
    vectors = centres[story_of] / np.linalg.norm(centres[story_of], axis=1, keepdims=True)
    vectors = vectors + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    story_days = rng.integers(730_000, 739_000, n_stories)
    sizes = rng.poisson(PAGES_PER_FAMILY - 1, n_families) + 1
    units = []
    for i in range(n_families):
        story = int(story_of[i])
        day = int(story_days[story] + rng.integers(0, 4)) if rng.random() < 0.5 else None
        names = frozenset(f"n{story}_{k}" for k in rng.integers(0, 6, 3))
        pages = [f"p{i}_{j}" for j in range(int(sizes[i]))]
        units.append(Unit(f"f{i}", vectors[i], day, names, pages=pages))
    return units


def run_one(n_pages: int) -> None:
    from storytrace.cluster.features import mean_vector
    from storytrace.cluster.narratives import StoryPoint, cluster_narratives
    from storytrace.cluster.stories import StoryClusterer

    units = generate_units(n_pages)
    pages = sum(len(u.pages) for u in units)
    start = time.perf_counter()
    clusterer = StoryClusterer(DIM)
    clusterer.add(units)
    stories_done = time.perf_counter()
    names = {u.id: u.names for u in units}
    points = [
        StoryPoint(
            s.id, mean_vector([s.centroid()]), frozenset().union(*(names[f] for f in s.units))
        )
        for s in clusterer.stories.values()
    ]
    narratives = cluster_narratives(points)
    end = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"pages={pages:>9,} families={len(units):>8,} stories={len(clusterer.stories):>8,} "
        f"narratives={len(narratives):>6,} stories_s={stories_done - start:8.1f} "
        f"narratives_s={end - stories_done:7.1f} total_s={end - start:8.1f} "
        f"peak_rss_mib={peak_mib:8.0f}",
        flush=True,
    )
    print(json.dumps({"pages": pages, "total_s": end - start, "peak_rss_mib": peak_mib}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--limit-s", type=float, default=1800, help="stop a size after this")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one)
        return
    results = []
    for n in args.pages:
        command = [sys.executable, __file__, "--one", str(n)]
        try:
            done = subprocess.run(
                command, check=True, capture_output=True, text=True, timeout=args.limit_s
            )
        except subprocess.TimeoutExpired:
            print(f"pages={n:>9,} not finished within {args.limit_s:.0f} s", flush=True)
            break
        summary, result = done.stdout.strip().splitlines()
        print(summary, flush=True)
        results.append(json.loads(result))
    for before, after in itertools.pairwise(results):
        print(
            f"{before['pages']:,} -> {after['pages']:,} pages "
            f"(x{after['pages'] / before['pages']:.1f}): "
            f"time x{after['total_s'] / before['total_s']:.1f}, "
            f"peak RSS x{after['peak_rss_mib'] / before['peak_rss_mib']:.1f}"
        )


if __name__ == "__main__":
    main()
