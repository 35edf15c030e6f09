"""The engines run the same batch function with the same result, in input order."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from storytrace.engine.parallel import map_items
from storytrace.engine.pipeline import run_stages


def square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


@pytest.mark.parametrize("engine", ["local", "process"])
def test_local_and_process_pool_agree(engine):
    assert list(map_items(square_all, range(1000), engine, batch_size=7)) == [
        x * x for x in range(1000)
    ]


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="use local, process or spark"):
        list(map_items(square_all, [1], "gpu"))


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="pyspark or Java not installed (pip install 'storytrace[spark]')",
)
def test_spark_map_partitions_agrees():
    # Spark's Python workers import the function by name, so it must live in an installed
    # module: the stage's own cleaning function.
    from storytrace.ingest.decode import repair_batch, repair_text

    texts = [f"Le ministre a d\u00c3\u00a9clar\u00c3\u00a9 {i}" for i in range(50)]
    expected = [repair_text(t)[0] for t in texts]
    assert list(map_items(repair_batch, texts, "spark", batch_size=9)) == expected


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="pyspark or Java not installed (pip install 'storytrace[spark]')",
)
def test_clean_stage_on_spark_equals_in_process(tmp_path, corpus, monkeypatch):
    from storytrace.store import Workspace

    results = []
    for engine in ("local", "spark"):
        monkeypatch.setenv("STORYTRACE_ENGINE", engine)
        with Workspace.open(tmp_path / engine) as ws:
            ws.ingest(corpus / "seeds", analyze=False)
            run_stages(ws, stages=("clean",))
            results.append([(p.id, p.title, p.published, p.text) for p in ws.pages()])
    assert results[0] == results[1]
    assert all(text for *_, text in results[1])
