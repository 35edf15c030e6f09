"""Scores of the actors stage against tests/data/actors_labels.jsonl.

The labels (format in docs/decisions/actors.md) list, per page, each actor once with the
spellings used on that page and a canonical name shared across pages, plus the page's
quotes with their speaker. Metrics:

- entities: precision/recall/F1 of page-level actors (a system actor matches a labeled
  one when they share a spelling; typed: same type, organisation and group counted alike);
- actor merge: over pairs of matched page-level actors, did the system put them in one
  actor exactly when the labels share a canonical name (precision and recall of pairs);
- quotes: precision/recall/F1 (a system quote matches a labeled one when 60% of the
  shorter's words are in the other) and speaker accuracy over matched quotes.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from storytrace.actors.keys import ascii_fold, name_skeletons

LABELS = Path(__file__).resolve().parents[2] / "tests" / "data" / "actors_labels.jsonl"
_SAME_KIND = {"group": "org"}


def load_labels(path: Path = LABELS) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {row["id"]: row for row in rows}


def gold_items(row: dict) -> list[dict]:
    """Labeled page-level actors: type, folded spellings, canonical name."""
    items = []
    for kind, spec in row["entities"]:
        names, _, canonical = spec.partition("=")
        spellings = names.split("|")
        items.append({"type": kind, "names": {_fold(n) for n in spellings},
                      "canonical": canonical or spellings[0]})
    return items


def _fold(name: str) -> str:
    return re.sub(r"['’]s$", "", ascii_fold(name)).replace(".", "").replace("-", " ").strip()


def system_from_workspace(ws, ids: Iterable[str]) -> dict[str, dict]:
    """The stage's output for `ids`, read from the workspace tables."""
    out: dict[str, dict] = {}
    for page_id in ids:
        by_actor: dict[int, dict] = defaultdict(lambda: {"names": set(), "types": Counter()})
        for row in ws.conn.execute(
                "SELECT m.actor_id, m.text, a.type FROM mentions m JOIN actors a "
                "ON a.id = m.actor_id WHERE m.page_id = ?", (page_id,)):
            by_actor[row["actor_id"]]["names"].add(_fold(row["text"]))
            by_actor[row["actor_id"]]["types"][row["type"]] += 1
        quotes = [{"text": r["text"], "actor": r["actor_id"]} for r in ws.conn.execute(
            "SELECT text, actor_id FROM quote_appearances WHERE page_id = ?", (page_id,))]
        out[page_id] = {"items": _items(by_actor), "quotes": quotes}
    return out


def _items(by_actor: dict) -> list[dict]:
    return [{"actor": a, "names": v["names"], "type": v["types"].most_common(1)[0][0]}
            for a, v in by_actor.items()]


def score(gold: dict[str, dict], ws) -> dict:
    """`storytrace eval` entry point: score the labeled pages present in the workspace."""
    labels = load_labels()
    present = set(ws.page_ids())
    ids = [i for i in labels if i in present]
    if not ids:
        return {"actors_pages": 0}
    return score_system(labels, system_from_workspace(ws, ids))


def score_system(labels: dict[str, dict], system: dict[str, dict]) -> dict:
    """Entity, actor-merge and quote metrics of `system` on the labeled pages it covers."""
    ent = Counter()
    matched_pairs: list[tuple[str, int]] = []  # (gold canonical, system actor)
    quo = Counter()
    for page_id, sys_page in system.items():
        gold = labels[page_id]
        items = gold_items(gold)
        pairs = _match_entities(items, sys_page["items"])
        typed = [(g, s) for g, s in pairs if _kind(g["type"]) == _kind(s["type"])]
        ent.update(tp=len(typed), tp_untyped=len(pairs), gold=len(items),
                   system=len(sys_page["items"]))
        matched_pairs.extend((g["canonical"], s["actor"]) for g, s in pairs)
        _score_quotes(gold, items, pairs, sys_page["quotes"], quo)
    result = {"actors_pages": len(system)}
    result.update(_prf("entity", ent["tp"], ent["system"], ent["gold"]))
    result.update(_prf("entity_untyped", ent["tp_untyped"], ent["system"], ent["gold"]))
    result.update(_merge_scores(matched_pairs))
    result.update(_prf("quote", quo["tp"], quo["system"], quo["gold"]))
    result["quote_speaker_accuracy"] = round(quo["speaker_ok"] / quo["tp"], 4) if quo["tp"] else 0
    return result


def _kind(kind: str) -> str:
    return _SAME_KIND.get(kind, kind)


def _match_entities(gold: list[dict], system: list[dict]) -> list[tuple[dict, dict]]:
    pairs, used = [], set()
    for g in gold:
        best, best_rank = None, (0, 0)
        for i, s in enumerate(system):
            shared = len(g["names"] & s["names"])
            rank = (int(_kind(s["type"]) == _kind(g["type"])), shared)
            if i not in used and shared and rank > best_rank:
                best, best_rank = i, rank
        if best is not None:
            used.add(best)
            pairs.append((g, system[best]))
    return pairs


def _merge_scores(matched: list[tuple[str, int]]) -> dict:
    same_gold = same_sys = both = 0
    for (ga, sa), (gb, sb) in combinations(matched, 2):
        g, s = ga == gb, sa == sb
        same_gold += g
        same_sys += s
        both += g and s
    return {
        "merge_precision": round(both / same_sys, 4) if same_sys else 1.0,
        "merge_recall": round(both / same_gold, 4) if same_gold else 1.0,
        "merge_pairs_gold": same_gold, "merge_pairs_system": same_sys,
    }


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", ascii_fold(text)))


def _score_quotes(gold: dict, items, pairs, system_quotes: list[dict], tally: Counter) -> None:
    actor_of = {g["canonical"]: s["actor"] for g, s in pairs}
    used: set[int] = set()
    tally.update(gold=len(gold["quotes"]), system=len(system_quotes))
    for q in gold["quotes"]:
        words = _words(q["text"])
        best, best_overlap = None, 0.0
        for i, s in enumerate(system_quotes):
            if i in used:
                continue
            other = _words(s["text"])
            shared = len(words & other) / max(1, min(len(words), len(other)))
            if shared >= 0.6 and shared > best_overlap:
                best, best_overlap = i, shared
        if best is None:
            continue
        used.add(best)
        tally["tp"] += 1
        tally["speaker_ok"] += _speaker_ok(q["speaker"], system_quotes[best]["actor"],
                                           actor_of, items)
    return None


def _speaker_ok(gold_speaker: str | None, system_actor: int | None, actor_of: dict,
                items: list[dict]) -> bool:
    if gold_speaker is None:
        return system_actor is None
    if system_actor is None:
        return False
    if actor_of.get(gold_speaker) == system_actor:
        return True
    skel = name_skeletons(gold_speaker)[-1:]
    return any(actor_of.get(g["canonical"]) == system_actor
               and name_skeletons(g["canonical"])[-1:] == skel for g in items)


def _prf(name: str, tp: int, system: int, gold: int) -> dict:
    p = tp / system if system else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {f"{name}_precision": round(p, 4), f"{name}_recall": round(r, 4),
            f"{name}_f1": round(f, 4)}
