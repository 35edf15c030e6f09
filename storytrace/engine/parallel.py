"""Run a batch function in-process, in a process pool, or in Spark partitions.

Stage functions are pure functions over a list of records (`fn(batch) -> list`), with
everything they need passed in, so the same function runs unchanged in any of the
three engines.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def default_workers() -> int:
    """Worker processes: STORYTRACE_WORKERS, else the number of usable cores."""
    env = os.environ.get("STORYTRACE_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def map_batches(
    fn: Callable[[list[T]], list[R]],
    items: Iterable[T],
    batch_size: int = 200,
    workers: int | None = None,
    start_method: str | None = None,
) -> Iterator[list[R]]:
    """Apply `fn` to batches of `items`, in order; in a process pool when workers > 1.

    `start_method` ("fork", "forkserver", "spawn") overrides the platform default; see
    `storytrace.match.lexical` for why MinHash workers start from a fork server.
    """
    workers = default_workers() if workers is None else workers
    batches = batched(items, batch_size)
    if workers <= 1:
        for batch in batches:
            yield fn(batch)
        return
    context = multiprocessing.get_context(start_method) if start_method else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = []
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            if len(pending) >= workers * 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def choose_engine(n_items: int, parallel_min: int = 2000) -> str:
    """STORYTRACE_ENGINE when set; else a process pool for large jobs, in-process below
    `parallel_min` items, where starting workers costs more than it saves."""
    return os.environ.get("STORYTRACE_ENGINE") or (
        "process" if n_items >= parallel_min else "local"
    )


def map_items(
    fn: Callable[[list[T]], list[R]],
    items: Iterable[T],
    engine: str | None = None,
    batch_size: int = 200,
) -> Iterator[R]:
    """`fn` over `items` with the chosen engine: "local", "process" (default) or "spark".

    The engine comes from the argument, else STORYTRACE_ENGINE; results come back in
    input order whichever engine runs them.
    """
    engine = engine or os.environ.get("STORYTRACE_ENGINE", "process")
    if engine == "spark":
        from storytrace.engine.spark import spark_map

        yield from spark_map(fn, items, batch_size)
        return
    if engine not in ("local", "process"):
        raise ValueError(f"unknown engine {engine!r}: use local, process or spark")
    workers = 1 if engine == "local" else None
    for batch in map_batches(fn, items, batch_size, workers):
        yield from batch


def map_spark(fn: Callable[[list[T]], list[R]], rdd, batch_size: int = 200):
    """The same batch function over a Spark RDD, one call per chunk of each partition."""

    def run_partition(rows: Iterable[T]) -> Iterator[R]:
        for batch in batched(rows, batch_size):
            yield from fn(batch)

    return rdd.mapPartitions(run_partition)
