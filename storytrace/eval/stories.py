"""Story and narrative quality against labeled pages, beside a simple baseline.

The baseline is what one would write first: single-pass threshold clustering of page
vectors (a page joins the most similar existing cluster centroid above a cosine
threshold, else opens one), no families, names or dates. Reporting it in the same run
shows what the stage's extra evidence buys.
"""

from __future__ import annotations

import numpy as np

from storytrace.eval.metrics import bcubed, pairwise_prf

#: Cosine threshold of the baseline, the best single value on dev (see decisions/cluster.md).
BASELINE_THRESHOLD = 0.92


def score(gold: dict[str, dict], ws) -> dict:
    """BCubed and pairwise scores of stories and narratives, and of the baseline."""
    stories = {
        row[0]: str(row[1]) for row in ws.conn.execute("SELECT page_id, story FROM story_pages")
    }
    narratives = {
        row[0]: f"n{row[1]}" if row[1] is not None else f"s{row[2]}"
        for row in ws.conn.execute(
            "SELECT sp.page_id, s.narrative, s.id FROM story_pages sp "
            "JOIN stories s ON s.id = sp.story"
        )
    }
    gold_story = {pid: row["story"] for pid, row in gold.items() if row.get("story")}
    gold_narrative = {pid: row["narrative"] for pid, row in gold.items() if row.get("narrative")}
    result: dict = {}
    result.update(_scores("story", gold_story, stories))
    result.update(_scores("narrative", gold_narrative, narratives))
    result.update(_scores("baseline_story", gold_story, baseline_stories(ws, list(gold))))
    result["stories_predicted"] = len(set(stories.values()))
    result["stories_gold"] = len(set(gold_story.values()))
    return result


def baseline_stories(ws, page_ids: list[str], threshold: float = BASELINE_THRESHOLD) -> dict:
    """Single-pass threshold clustering of the stored page vectors, in ingest order."""
    from storytrace.match.embed import page_vectors

    vectors = page_vectors(ws, page_ids)
    sums: list[np.ndarray] = []
    assigned: dict[str, str] = {}
    for pid in page_ids:
        if pid not in vectors:
            continue
        vec = vectors[pid]
        if sums:
            centroids = np.stack(sums)
            centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
            sims = centroids @ vec
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                sums[best] = sums[best] + vec
                assigned[pid] = str(best)
                continue
        sums.append(vec.astype(np.float32).copy())
        assigned[pid] = str(len(sums) - 1)
    return assigned


def _scores(prefix: str, gold: dict[str, str], predicted: dict[str, str]) -> dict:
    b3 = bcubed(gold, predicted)
    pairs = pairwise_prf(gold, predicted)
    return {
        f"{prefix}_bcubed_precision": round(b3["precision"], 4),
        f"{prefix}_bcubed_recall": round(b3["recall"], 4),
        f"{prefix}_bcubed_f1": round(b3["f1"], 4),
        f"{prefix}_pairwise_f1": round(pairs["f1"], 4),
    }
