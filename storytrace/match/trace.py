"""What a family looks like and what each copy changed: data for `trace`, web and export.

`family_tree` gives the tree of pages under their original; `page_diff` explains one
page against its parent: for a same-language copy, sentence-aligned word-level edits
(removed, added, reworded) with whole dropped or added sentences listed apart, so that
dropped boilerplate does not drown the real edits; for a translation, the aligned
sentence pairs side by side.
"""

from __future__ import annotations

import difflib

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from storytrace.match import text as T
from storytrace.match.embed import get_embedder
from storytrace.match.evidence import (
    SAME_SENTENCE_RATIO,
    PageText,
    align_cross_language,
    embeddable_sentences,
)
from storytrace.match.explain import explain, family_links, pair_key
from storytrace.match.stage import page_lang, page_text, stored_sentence_vectors, text_unit


def _family_rows(ws, page_id: str) -> list:
    row = ws.conn.execute("SELECT family FROM families WHERE page_id = ?", (page_id,)).fetchone()
    if row is None:
        return []
    return ws.conn.execute(
        "SELECT page_id, relation, derived_from FROM families WHERE family = ? ORDER BY page_id",
        (row[0],),
    ).fetchall()


def family_tree(ws, page_id: str) -> dict | None:
    """The family of `page_id` as a tree rooted at its original (None if unknown).

    Each node carries `why`: the evidence of the link to its parent in words, so a user
    can check every link the matcher made.
    """
    rows = _family_rows(ws, page_id)
    if not rows:
        return None
    pages = {p.id: p for p in ws.pages([r[0] for r in rows])}
    links = family_links(ws, [r[0] for r in rows])
    nodes = {
        r[0]: {
            "id": r[0],
            "relation": r[1],
            "derived_from": r[2],
            "outlet": pages[r[0]].outlet,
            "published": pages[r[0]].published,
            "lang": page_lang(pages[r[0]], page_text(pages[r[0]])),
            "title": pages[r[0]].title,
            "url": pages[r[0]].url,
            "why": explain(links[pair_key(r[0], r[2])]) if r[2] else None,
            "children": [],
        }
        for r in rows
    }
    root = None
    for node in nodes.values():
        parent = node["derived_from"]
        if parent and parent in nodes:
            nodes[parent]["children"].append(node)
        else:
            root = node if node["relation"] == "original" or root is None else root
    family = ws.conn.execute(
        "SELECT family FROM families WHERE page_id = ?", (page_id,)
    ).fetchone()[0]
    return {"family": family, "page": page_id, "size": len(nodes), "root": root}


def list_families(
    ws,
    story: int | None = None,
    outlet: str | None = None,
    min_size: int = 2,
    limit: int = 50,
    offset: int = 0,
) -> list[dict]:
    """Families, biggest first: their original and how many copies of each kind.

    `story` keeps the families of one story (needs the cluster stage), `outlet` the
    families with at least one page from that outlet.
    """
    where, params = ["1 = 1"], []
    if story is not None:
        where.append("f.family IN (SELECT family FROM story_families WHERE story = ?)")
        params.append(story)
    if outlet:
        where.append(
            "f.family IN (SELECT f2.family FROM families f2 JOIN pages p2 ON p2.id = f2.page_id"
            " WHERE p2.outlet = ?)"
        )
        params.append(outlet)
    sql = f"""
        SELECT f.family,
               count(*) AS size,
               max(CASE WHEN f.relation = 'original' THEN f.page_id END) AS original,
               sum(f.relation = 'verbatim') AS verbatim,
               sum(f.relation = 'rewrite') AS rewrite,
               sum(f.relation = 'translation') AS translation,
               count(DISTINCT p.outlet) AS n_outlets,
               group_concat(DISTINCT p.lang) AS langs,
               min(p.published) AS first_date,
               max(p.published) AS last_date
        FROM families f JOIN pages p ON p.id = f.page_id
        WHERE {" AND ".join(where)}
        GROUP BY f.family HAVING count(*) >= ?
        ORDER BY size DESC, first_date, f.family
        LIMIT ? OFFSET ?"""  # noqa: S608 - only fixed clauses are formatted in
    rows = ws.conn.execute(sql, [*params, min_size, limit, offset]).fetchall()
    originals = {p.id: p for p in ws.pages([r[2] for r in rows if r[2]])}
    result = []
    for row in rows:
        original = originals.get(row[2])
        result.append(
            {
                "family": row[0],
                "size": row[1],
                "original": row[2],
                "original_outlet": original.outlet if original else None,
                "original_published": original.published if original else None,
                "title": original.title if original else None,
                "verbatim": row[3],
                "rewrite": row[4],
                "translation": row[5],
                "n_outlets": row[6],
                "langs": sorted((row[7] or "").split(",")) if row[7] else [],
                "first_date": row[8],
                "last_date": row[9],
            }
        )
    return result


def page_diff(ws, page_id: str) -> dict | None:
    """How `page_id` differs from the page it was derived from (None for an original)."""
    row = ws.conn.execute(
        "SELECT relation, derived_from FROM families WHERE page_id = ?", (page_id,)
    ).fetchone()
    if row is None or not row[1]:
        return None
    relation, parent_id = row
    page, parent = ws.page(page_id), ws.page(parent_id)
    mine, theirs = text_unit(page), text_unit(parent)
    result = {
        "page": page_id,
        "parent": parent_id,
        "relation": relation,
        "langs": [theirs.lang, mine.lang],
    }
    if theirs.lang and mine.lang and theirs.lang != mine.lang:
        result["kind"] = "translation"
        result["pairs"] = translation_pairs(ws, theirs, mine)
    else:
        result["kind"] = "edits"
        result.update(sentence_edits(theirs.sentences, mine.sentences))
    return result


def attach_sentence_vectors(ws, page: PageText) -> None:
    """The page's sentence vectors: the stored ones when the same model wrote them, else
    encoded now (pages with no cross-language candidate were never encoded)."""
    embedder = get_embedder()
    stored = stored_sentence_vectors(ws, [page.id], embedder.name)
    if page.id in stored:
        page.sentence_vecs = stored[page.id]
    elif page.sentences:
        page.sentence_vecs = embedder.encode(embeddable_sentences(page))


def align_in_order(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Monotone sentence alignment: similar sentences, never crossing."""
    if not a or not b:
        return []
    scores = cdist(
        [T.normalise(s) for s in a], [T.normalise(s) for s in b], scorer=fuzz.ratio, workers=1
    )
    pairs, last_j = [], -1
    for i in range(len(a)):
        allowed = scores[i, last_j + 1 :]
        if not len(allowed):
            break
        j = int(allowed.argmax()) + last_j + 1
        if scores[i, j] >= SAME_SENTENCE_RATIO:
            pairs.append((i, j))
            last_j = j
    return pairs


def sentence_edits(parent: list[str], page: list[str]) -> dict:
    """Word-level edits inside aligned sentences, plus whole sentences dropped or added."""
    pairs = align_in_order(parent, page)
    matched_parent = {i for i, _ in pairs}
    matched_page = {j for _, j in pairs}
    edits = []
    for i, j in pairs:
        edits += word_edits(parent[i], page[j])
    return {
        "edits": edits,
        "removed_sentences": [s for i, s in enumerate(parent) if i not in matched_parent],
        "added_sentences": [s for j, s in enumerate(page) if j not in matched_page],
        "aligned_sentences": len(pairs),
    }


def word_edits(before: str, after: str) -> list[dict]:
    """Removed / added / reworded word spans between two versions of a sentence.

    Case and punctuation differences are ignored, and edits separated by a single
    unchanged word are merged, so "back to the Stone Age" -> "into stone ages" reads as
    one rewording rather than three fragments.
    """
    a, b = T.display_words(before), T.display_words(after)
    matcher = difflib.SequenceMatcher(
        None, [_word_key(w) for w in a], [_word_key(w) for w in b], autojunk=False
    )
    spans: list[list[int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if spans and i1 - spans[-1][1] <= 1 and j1 - spans[-1][3] <= 1:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    edits = []
    for i1, i2, j1, j2 in spans:
        if not any(ch.isalnum() for ch in "".join(a[i1:i2] + b[j1:j2])):
            continue  # punctuation only: formatting, not an edit
        kind = "reworded" if i2 > i1 and j2 > j1 else ("removed" if i2 > i1 else "added")
        edits.append(
            {
                "op": kind,
                "before": T.join_words(a[i1:i2]),
                "after": T.join_words(b[j1:j2]),
                "context": T.join_words(a[max(0, i1 - 4) : i1]),
            }
        )
    return edits


def _word_key(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch.isalnum()) or word


def translation_pairs(ws, source: PageText, translated: PageText) -> list[dict]:
    """Aligned sentence pairs (source, translation) with their cosine."""
    for page in (source, translated):
        attach_sentence_vectors(ws, page)
    if source.sentence_vecs is None or translated.sentence_vecs is None:
        return []
    found = align_cross_language(source.sentence_vecs, translated.sentence_vecs)
    return [
        {
            "source": source.sentences[i],
            "translation": " ".join(translated.sentences[j : j + (2 if merged else 1)]),
            "cosine": float(np.round(score, 3)),
        }
        for i, j, score, merged in found
    ]
