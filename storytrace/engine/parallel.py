"""Run a batch function in-process, in a process pool, or in Spark partitions.

Stage functions are pure functions over a list of records (`fn(batch) -> list`), with
everything they need passed in, so the same function runs unchanged in any of the
three engines.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
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
) -> Iterator[list[R]]:
    """Apply `fn` to batches of `items`, in order; in a process pool when workers > 1.

    A stage whose parent process runs a native thread pool (rensa's MinHash) must not
    fork: it uses `map_batches_with_caller`, whose workers start from a fork server.
    """
    workers = default_workers() if workers is None else workers
    batches = batched(items, batch_size)
    if workers <= 1:
        for batch in batches:
            yield fn(batch)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = []
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            if len(pending) >= workers * 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def map_batches_with_caller(
    fn: Callable[[list[T]], R],
    items: list[T],
    batch_size: int,
    workers: int | None = None,
    preload: list[str] | None = None,
) -> list[R]:
    """`fn` over batches of `items`, in order, on `workers` processes, this one included.

    Batches are handed out from both ends (`_BothEnds`): child processes take them from
    the front, the calling process from the back, until they meet. The caller is busy
    from the first millisecond instead of waiting ~1 s for children to start, and two
    processes need one child, not two; the last batches go to whoever is free. Children
    start from a fork server that has imported the `preload` modules once.
    """
    workers = default_workers() if workers is None else workers
    batches = list(batched(items, batch_size))
    if workers <= 1 or len(batches) <= 1:
        return [fn(batch) for batch in batches]
    ends = _BothEnds(len(batches))
    results = {}
    with ThreadPoolExecutor(1) as thread:
        feeding = thread.submit(_feed_children, fn, batches, ends, workers - 1, preload or [])
        try:
            while (i := ends.take(front=False)) is not None:
                results[i] = fn(batches[i])
        finally:
            ends.close()
        results.update(feeding.result())
    return [results[i] for i in range(len(batches))]


def _feed_children(
    fn: Callable, batches: list, ends: _BothEnds, children: int, preload: list[str]
) -> dict:
    """Results of the batches that `children` processes took from the front of `ends`.

    Children start from a fork server: rensa (MinHash) runs a Rust thread pool, and a
    process forked after its parent used rensa inherits the pool's state without its
    threads and hangs at its first MinHash. The fork server imports the `preload`
    modules once (`set_forkserver_preload`), so a child starts in ~30 ms instead of
    importing numpy and rapidfuzz on its own (0.8-1 s per child and per pass, measured
    under load). At most two batches per child are queued: enough that a child never
    waits for work, few enough that the caller is never left waiting on a backlog at the
    end.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    futures: dict[int, Future] = {}
    queued: set[Future] = set()
    with ProcessPoolExecutor(children, mp_context=context) as pool:
        while (i := ends.take(front=True)) is not None:
            futures[i] = pool.submit(fn, batches[i])
            queued.add(futures[i])
            if len(queued) >= 2 * children:
                queued = wait(queued, return_when=FIRST_COMPLETED).not_done
    return {i: future.result() for i, future in futures.items()}


class _BothEnds:
    """Batch numbers 0..n-1 handed out once each, from the front or from the back."""

    def __init__(self, n: int) -> None:
        self.front, self.back, self.lock = 0, n, threading.Lock()

    def take(self, front: bool) -> int | None:
        with self.lock:
            if self.front >= self.back:
                return None
            if front:
                self.front += 1
                return self.front - 1
            self.back -= 1
            return self.back

    def close(self) -> None:
        """Hand out nothing more (the caller failed: children stop taking batches)."""
        with self.lock:
            self.back = self.front


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
