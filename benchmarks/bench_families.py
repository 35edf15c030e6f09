"""Near-duplicate families at scale: storytrace's lexical matcher vs MinHash LSH baselines.

Run: `python benchmarks/bench_families.py --sizes 10000 100000`

A corpus with known families is generated from the words of the dev corpus (so token
statistics look like news): base articles, plus verbatim copies (boilerplate added,
truncated), light rewrites (15% of words replaced, a sentence dropped) and copies
embedded in longer pages. Every system sees the same page texts:

* storytrace: `storytrace.match.lexical` - band keys (rensa MinHash) + sentence keys ->
  candidate pairs -> pair evidence -> classifier -> families with the hub guard (the
  match stage's code in memory, without SQLite and embeddings), on 2 processes (this
  one and a child) and on 1;
* datasketch MinHash LSH over the same word 3-grams, Jaccard 0.3 (estimated Jaccard
  checked), connected components, one process;
* text-dedup's MinHash mode (word 3-grams, Jaccard 0.3), when STORYTRACE_TEXT_DEDUP_PATH
  names a folder it was installed into (see `run_text_dedup`).

The machine is shared, so each row also prints the 1-minute load average when it started
and its CPU seconds (less swayed by other jobs than wall time), except for storytrace on
several processes, whose child starts from a fork server and is not this process's child.
The semantic side is measured in `bench_semantic.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np

from storytrace.eval.families import minhash_families
from storytrace.eval.metrics import adjusted_rand_index
from storytrace.match.lexical import families_of

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def vocabulary() -> tuple[list[str], np.ndarray]:
    counts: Counter = Counter()
    with (CORPUS / "dev.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            counts.update(json.loads(line)["text"].split())
    words = [w for w, _ in counts.most_common()]
    # Flatter than Zipf: unrelated synthetic pages then share as few word 3-grams as
    # unrelated dev pages do (median containment 0.01).
    weights = 1.0 / np.arange(1, len(words) + 1) ** 0.5
    return words, weights / weights.sum()


def generate(n_pages: int, seed: int = 0) -> tuple[dict[str, str], dict[str, str]]:
    """(page id -> text, page id -> family) with about 40% of pages in families."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    words, weights = vocabulary()
    draws = iter(nrng.choice(len(words), size=n_pages * 260, p=weights))

    def sentence() -> str:
        return " ".join(words[next(draws)] for _ in range(rng.randint(8, 22))) + "."

    boilerplate = [sentence() for _ in range(max(50, n_pages // 5))]  # left over by cleaning
    texts, family = {}, {}
    while len(texts) < n_pages:
        base_id = f"p{len(texts)}"
        base = [sentence() for _ in range(rng.randint(6, 10))]
        texts[base_id], family[base_id] = "\n\n".join(base), base_id
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            copy_id = f"p{len(texts)}"
            kind = rng.choice(["verbatim", "rewrite", "embedded"])
            texts[copy_id] = _copy(base, kind, rng, boilerplate, sentence)
            family[copy_id] = base_id
    return dict(list(texts.items())[:n_pages]), {k: family[k] for k in list(texts)[:n_pages]}


def _copy(base, kind, rng, boilerplate, sentence) -> str:
    if kind == "verbatim":
        kept = base[: max(3, int(len(base) * rng.uniform(0.6, 1.0)))]
        return "\n\n".join(rng.sample(boilerplate, 2) + kept + rng.sample(boilerplate, 2))
    if kind == "rewrite":
        out = []
        for s in base[:-1]:
            tokens = s.split()
            for i in rng.sample(range(len(tokens)), k=max(1, len(tokens) * 15 // 100)):
                tokens[i] = rng.choice(base).split()[0]
            out.append(" ".join(tokens))
        return "\n\n".join(out)
    return "\n\n".join([sentence() for _ in range(8)] + base)


def run_storytrace(texts: dict[str, str], workers: int) -> tuple[dict[str, str], float]:
    """storytrace's lexical match path (`storytrace.match.lexical`) on `workers` processes."""
    start = time.perf_counter()
    families = families_of([(pid, "en", text) for pid, text in texts.items()], workers)
    return families, time.perf_counter() - start


def run_datasketch(texts: dict[str, str]) -> tuple[dict[str, str], float]:
    """datasketch MinHash LSH with storytrace's own shingles (word 3-grams), J >= 0.3."""
    start = time.perf_counter()
    families = minhash_families(texts, threshold=0.3, shingle_size=3)
    return families, time.perf_counter() - start


_TEXT_DEDUP_SCRIPT = """
import json, sys, time
from text_dedup import minhash as M
from text_dedup.utils.args import IOArgs, MetaArgs, MinHashArgs
data, out, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
M.main.callback(  # the click command's function
    io_args=IOArgs(path="json", data_files=data, split="train", output=out + ".ds",
                   cache_dir=out + ".cache", num_proc=workers),
    meta_args=MetaArgs(column="text"),
    minhash_args=MinHashArgs(ngram=3, min_length=0, num_perm=128, threshold=0.3),
)
n = sum(1 for _ in open(data))
labels = [M.uf.find(i) for i in range(n)]
json.dump({"seconds": time.perf_counter() - start, "labels": labels}, open(out, "w"))
"""


def run_text_dedup(texts: dict[str, str], workers: int) -> tuple[dict[str, str], float] | None:
    """text-dedup's MinHash mode (word 3-grams, Jaccard 0.3), if it can be imported.

    text-dedup pins old versions of rich and urllib3 that the storytrace environment
    cannot take, so it is run from its own folder: `pip install --target DIR text-dedup`,
    then `STORYTRACE_TEXT_DEDUP_PATH=DIR`. Its time includes loading the pages as a
    Hugging Face dataset, which is how the package works.
    """
    path = os.environ.get("STORYTRACE_TEXT_DEDUP_PATH")
    if not path:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "pages.jsonl", Path(tmp) / "result.json"
        with data.open("w", encoding="utf-8") as handle:
            for text in texts.values():
                handle.write(json.dumps({"text": text}) + "\n")
        env = {**os.environ, "PYTHONPATH": path, "HF_DATASETS_OFFLINE": "1"}
        command = [sys.executable, "-c", _TEXT_DEDUP_SCRIPT, str(data), str(out), str(workers)]
        subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
        result = json.loads(out.read_text())
    ids = list(texts)
    return {pid: ids[label] for pid, label in zip(ids, result["labels"], strict=True)}, result[
        "seconds"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--no-baselines", action="store_true", help="storytrace only (1M)")
    args = parser.parse_args()
    print(
        f"{'pages':>8} {'system':<22} {'ARI':>6} {'seconds':>8} {'pages/s':>8} "
        f"{'CPU s':>8} {'load':>5}"
    )
    for n in args.sizes:
        texts, gold = generate(n)
        runs = [(f"storytrace {w} proc", partial(run_storytrace, workers=w)) for w in args.workers]
        if not args.no_baselines:
            runs += [
                ("datasketch 1 proc", run_datasketch),
                ("text-dedup 2 proc", partial(run_text_dedup, workers=2)),
            ]
        for name, runner in runs:
            load, cpu = os.getloadavg()[0], _cpu_seconds()
            result = runner(texts)
            if result is None:
                print(f"{n:>8} {name:<22} (not installed: see run_text_dedup)")
                continue
            predicted, seconds = result
            # Workers started by a fork server are not this process's children.
            forked = name.startswith("storytrace") and " 1 proc" not in name
            cpu_column = "-" if forked else f"{_cpu_seconds() - cpu:.1f}"
            ari = adjusted_rand_index(gold, predicted)
            print(
                f"{n:>8} {name:<22} {ari:>6.3f} {seconds:>8.1f} {n / seconds:>8.0f} "
                f"{cpu_column:>8} {load:>5.1f}"
            )


def _cpu_seconds() -> float:
    """CPU time of this process and its finished child processes."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
