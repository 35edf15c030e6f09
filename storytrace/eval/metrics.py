"""Clustering metrics shared by the stage evaluators: pairwise P/R/F1, BCubed, ARI.

All take two mappings item -> cluster label over the same items (items missing from
`predicted` count as singletons, which is what an unlinked page is).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from math import comb


def _clusters(labels: Mapping[str, str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return groups


def _aligned(gold: Mapping[str, str], predicted: Mapping[str, str | None]) -> dict[str, str]:
    """Predicted labels for gold items; unassigned items become their own singleton."""
    return {item: (predicted.get(item) or f"__single__{item}") for item in gold}


def pairwise_prf(gold: Mapping[str, str], predicted: Mapping[str, str | None]) -> dict[str, float]:
    """Precision/recall/F1 over pairs of items placed in the same cluster."""
    pred = _aligned(gold, predicted)
    pairs = Counter(zip(gold.values(), pred.values(), strict=True))
    together_both = sum(comb(n, 2) for n in pairs.values())
    together_pred = sum(comb(n, 2) for n in Counter(pred.values()).values())
    together_gold = sum(comb(n, 2) for n in Counter(gold.values()).values())
    precision = together_both / together_pred if together_pred else 1.0
    recall = together_both / together_gold if together_gold else 1.0
    return _prf(precision, recall)


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str | None]) -> dict[str, float]:
    """BCubed precision/recall/F1 (Bagga & Baldwin): per-item overlap, averaged."""
    pred = _aligned(gold, predicted)
    gold_groups, pred_groups = _clusters(gold), _clusters(pred)
    precision = recall = 0.0
    for item in gold:
        mine_gold, mine_pred = gold_groups[gold[item]], pred_groups[pred[item]]
        overlap = len(mine_gold & mine_pred)
        precision += overlap / len(mine_pred)
        recall += overlap / len(mine_gold)
    n = len(gold) or 1
    return _prf(precision / n, recall / n)


def adjusted_rand_index(gold: Mapping[str, str], predicted: Mapping[str, str | None]) -> float:
    """ARI (Hubert & Arabie): pair agreement corrected for chance."""
    pred = _aligned(gold, predicted)
    n = len(gold)
    if n < 2:
        return 1.0
    joint = Counter(zip(gold.values(), pred.values(), strict=True))
    index = sum(comb(c, 2) for c in joint.values())
    sum_gold = sum(comb(c, 2) for c in Counter(gold.values()).values())
    sum_pred = sum(comb(c, 2) for c in Counter(pred.values()).values())
    expected = sum_gold * sum_pred / comb(n, 2)
    maximum = (sum_gold + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _prf(precision: float, recall: float) -> dict[str, float]:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
