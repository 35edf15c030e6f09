"""Why two pages were, or were not, linked as one text: the evidence in words.

The classifier's decisions are few and readable (see `classify.py`), so each link can be
explained to a user: what aligned, in what order, how much was shared or changed, and for a
pair that was not linked, which check it failed. Used by `storytrace trace`, `storytrace
compare`, the explorer and the `links` export table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from storytrace.match.classify import UNRELATED, checks, classify
from storytrace.match.evidence import SENTENCES_EMBEDDED, pair_evidence
from storytrace.match.families import SECOND_LOOK
from storytrace.match.stage import rows_for, text_unit


def link_rows(ws) -> Iterator[dict]:
    """Export rows of the accepted page links: the evidence behind every family.

    A link the family builder refused (the hub guard) is kept with `in_family` false, so
    a researcher sees every pair the classifier accepted and which ones shaped a family.
    """
    family = dict(ws.conn.execute("SELECT page_id, family FROM families"))
    for a, b, relation, score, evidence in ws.conn.execute(
        "SELECT a, b, relation, score, evidence FROM pairs ORDER BY a, b"
    ):
        ev = json.loads(evidence)
        yield {
            "a": a,
            "b": b,
            "relation": relation,
            "score": score,
            "in_family": family.get(a) is not None and family.get(a) == family.get(b),
            "cross_language": ev.get("cross_language"),
            "aligned_sentences": len(ev.get("aligned_pairs", [])),
            "aligned_share": ev.get("aligned"),
            "in_order": ev.get("in_order"),
            "shared_words": ev.get("same_words"),
            "reworded": ev.get("reworded"),
            "why": explain({"relation": relation, "score": score, "evidence": ev}),
        }


def family_links(ws, page_ids: list[str]) -> dict[tuple[str, str], dict]:
    """Every accepted link between the given pages: (a, b) sorted -> relation, score,
    evidence."""
    wanted = set(page_ids)
    rows = rows_for(
        ws, "SELECT a, b, relation, score, evidence FROM pairs WHERE a IN ({})", page_ids
    )
    return {
        pair_key(a, b): {
            "a": a,
            "b": b,
            "relation": relation,
            "score": score,
            "evidence": json.loads(evidence),
        }
        for a, b, relation, score, evidence in rows
        if b in wanted
    }


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def explain(link: dict | None) -> str | None:
    """One line saying why two pages were linked, from the stored pair evidence."""
    if link is None:
        return None
    ev = link["evidence"]
    n_short = min(ev.get("sentences") or [0]) or 1
    aligned = len(ev.get("aligned_pairs", []))
    if ev.get("cross_language"):
        merged = ev.get("aligned_to_merged", 0)
        partner = f" ({merged} matching two merged sentences)" if merged else ""
        parts = [
            f"{aligned} of {min(n_short, SENTENCES_EMBEDDED)} sentences have a clear "
            f"translated partner{partner}",
            f"{ev.get('in_order', 0):.0%} in order",
        ]
    else:
        parts = [
            f"{aligned} of {n_short} sentences aligned",
            f"{ev.get('in_order', 0):.0%} in order",
            f"{ev.get('same_words', 0):.0%} of word 3-grams shared",
            f"{ev.get('reworded', 0):.0%} of aligned words changed",
        ]
        if ev.get("copied_sentences"):
            parts.append(_count(ev["copied_sentences"], "long sentence") + " copied word for word")
        if ev.get("shared_quotes"):
            parts.append(_count(len(ev["shared_quotes"]), "quote") + " shared")
        if ev.get("same_headline"):
            parts.append("the same long headline or URL slug")
    if ev.get("shared_numbers"):
        parts.append(f"numbers shared: {', '.join(ev['shared_numbers'][:5])}")
    if ev.get(SECOND_LOOK):
        parts.append(
            f"found by body vector for {', '.join(ev[SECOND_LOOK])}, which had no other link"
        )
    verdict = "not linked" if link["relation"] == UNRELATED else f"linked as {link['relation']}"
    return f"{verdict} (score {link['score']:.2f}): " + "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def compare_pages(ws, a: str, b: str) -> dict:
    """The classifier's verdict on any two pages, linked or not, with every check it made.

    Answers "why are these two not one family?" as well as "why are they?".
    """
    from storytrace.match.embed import page_vectors
    from storytrace.match.trace import attach_sentence_vectors  # trace imports this module

    texts = {page.id: text_unit(page) for page in ws.pages([a, b])}
    missing = [pid for pid in (a, b) if pid not in texts]
    if missing:
        raise KeyError(f"No page {missing[0]!r} in the workspace")
    vectors = page_vectors(ws, [a, b])
    for page in texts.values():
        page.vector = vectors.get(page.id)
    if texts[a].lang and texts[b].lang and texts[a].lang != texts[b].lang:
        for page in texts.values():
            attach_sentence_vectors(ws, page)
    evidence = pair_evidence(texts[a], texts[b])
    relation, score = classify(evidence)
    family = dict(
        ws.conn.execute("SELECT page_id, family FROM families WHERE page_id IN (?, ?)", (a, b))
    )
    return {
        "a": a,
        "b": b,
        "relation": relation,
        "score": round(score, 4),
        "why": explain({"relation": relation, "score": score, "evidence": evidence}),
        "checks": checks(evidence),
        "same_family": family.get(a) is not None and family.get(a) == family.get(b),
        "families": [family.get(a), family.get(b)],
        "evidence": evidence,
    }
