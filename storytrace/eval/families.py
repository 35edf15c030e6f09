"""Scores of the match stage against labeled families, next to a MinHash-only baseline.

Metrics (all over the labeled pages):

* family pairwise precision/recall/F1, BCubed F1 and ARI;
* link recall per relation: a verbatim copy, rewrite or translation counts as found
  when it lands in the same predicted family as its labeled original;
* relation accuracy on the copies that were found, with a confusion table;
* origin accuracy: for each labeled family of two or more pages, its original is
  predicted `original` and shares a predicted family with at least one of its copies.

The baseline is text-dedup-style near-duplicate detection: MinHash LSH over word
5-grams at Jaccard 0.3, connected components. It is computed in the same run on the
same page texts, so the two columns are directly comparable.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from storytrace.eval.metrics import adjusted_rand_index, bcubed, pairwise_prf

COPIES = ("verbatim", "rewrite", "translation")


def score(gold: dict[str, dict], ws) -> dict:
    """Metrics of the stored families, plus the same metrics for the MinHash baseline."""
    rows = ws.conn.execute("SELECT page_id, family, relation FROM families").fetchall()
    family = {r[0]: r[1] for r in rows}
    relation = {r[0]: r[2] for r in rows}
    result = family_metrics(gold, family, relation)
    baseline = family_metrics(gold, minhash_baseline(ws, list(gold)), None)
    result.update({f"baseline_minhash_{k}": v for k, v in baseline.items() if k != "tables"})
    return result


def family_metrics(
    gold: dict[str, dict], family: dict[str, str], relation: dict[str, str] | None
) -> dict:
    gold_family = {pid: row["family"] for pid, row in gold.items() if row.get("family")}
    predicted = {pid: family.get(pid) for pid in gold_family}
    pair = pairwise_prf(gold_family, predicted)
    metrics: dict = {
        "family_pairwise_precision": pair["precision"],
        "family_pairwise_recall": pair["recall"],
        "family_pairwise_f1": pair["f1"],
        "family_bcubed_f1": bcubed(gold_family, predicted)["f1"],
        "family_ari": adjusted_rand_index(gold_family, predicted),
    }
    originals = {
        row["family"]: pid for pid, row in gold.items() if row.get("relation") == "original"
    }

    def same_family(a: str, b: str) -> bool:
        return family.get(a) is not None and family.get(a) == family.get(b)

    found: dict[str, list[bool]] = defaultdict(list)
    confusion: Counter = Counter()
    for pid, row in gold.items():
        rel = row.get("relation")
        if rel not in COPIES or row["family"] not in originals:
            continue
        linked = same_family(pid, originals[row["family"]])
        found[rel].append(linked)
        if relation is not None:
            confusion[(rel, relation.get(pid, "missing") if linked else "not linked")] += 1
    for rel in COPIES:
        hits = found.get(rel, [])
        metrics[f"link_recall_{rel}"] = sum(hits) / len(hits) if hits else 1.0
    if relation is not None:
        linked_copies = {k: n for k, n in confusion.items() if k[1] != "not linked"}
        right = sum(n for (g, p), n in linked_copies.items() if g == p)
        metrics["relation_accuracy"] = right / max(1, sum(linked_copies.values()))
        metrics["origin_accuracy"] = _origin_accuracy(gold, family, relation, originals)
        metrics["tables"] = {
            "relation_confusion": {f"{g} -> {p}": n for (g, p), n in sorted(confusion.items())}
        }
    return metrics


def _origin_accuracy(gold, family, relation, originals) -> float:
    members: dict[str, list[str]] = defaultdict(list)
    for pid, row in gold.items():
        members[row["family"]].append(pid)
    scored = [f for f, pids in members.items() if len(pids) > 1 and f in originals]
    right = 0
    for fam in scored:
        original = originals[fam]
        copies = [p for p in members[fam] if p != original]
        if relation.get(original) == "original" and any(
            family.get(c) is not None and family.get(c) == family.get(original) for c in copies
        ):
            right += 1
    return right / len(scored) if scored else 1.0


def minhash_baseline(ws, ids: list[str], threshold: float = 0.3) -> dict[str, str]:
    """text-dedup-style families: MinHash LSH on word 5-grams, connected components."""
    from storytrace.match.stage import page_text

    return minhash_families({page.id: page_text(page) for page in ws.pages(ids)}, threshold, 5)


def minhash_families(
    texts: dict[str, str], threshold: float = 0.3, shingle_size: int = 5
) -> dict[str, str]:
    """datasketch MinHash LSH over word n-grams, then connected components of the pairs
    whose estimated Jaccard reaches `threshold`: the baseline every benchmark compares to."""
    from datasketch import MinHash, MinHashLSH

    from storytrace.match.text import shingles, words

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {}
    for pid, text in texts.items():
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch([g.encode() for g in shingles(words(text), size=shingle_size)])
        hashes[pid] = minhash
        lsh.insert(pid, minhash)
    parent = {pid: pid for pid in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pid, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != pid and hashes[other].jaccard(minhash) >= threshold:
                parent[find(pid)] = find(other)
    return {pid: find(pid) for pid in hashes}
