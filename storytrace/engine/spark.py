"""Spark engine: run a stage's batch function inside Spark's `mapPartitions`.

The workspace stays the source of truth (one SQLite file), so Spark is used for the
embarrassingly parallel per-page work (parsing and cleaning), with results streamed
back to the driver and written in batches. `pip install 'storytrace[spark]'` (and a
Java runtime) enables it; point `STORYTRACE_SPARK_MASTER` at a cluster, or leave it at
`local[*]`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from storytrace.engine.parallel import map_spark

T = TypeVar("T")
R = TypeVar("R")


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing; the message says how to install them."""


def spark_session():
    """A SparkSession bound to loopback unless a cluster master is configured."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "The Spark engine needs pyspark: pip install 'storytrace[spark]' (and Java 17+)."
        ) from None
    master = os.environ.get("STORYTRACE_SPARK_MASTER", "local[*]")
    builder = SparkSession.builder.master(master).appName("storytrace")
    builder = builder.config("spark.ui.enabled", "false")
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    return builder.getOrCreate()


def spark_map(
    fn: Callable[[list[T]], list[R]],
    items: Iterable[T],
    batch_size: int = 200,
    partitions: int | None = None,
) -> Iterator[R]:
    """`fn` over `items` in Spark partitions; results stream back in input order."""
    spark = spark_session()
    data = list(items)
    if not data:
        return iter(())
    slices = partitions or max(1, spark.sparkContext.defaultParallelism)
    rdd = spark.sparkContext.parallelize(data, slices)
    return map_spark(fn, rdd, batch_size).toLocalIterator()
