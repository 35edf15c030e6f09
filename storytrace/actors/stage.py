"""The actors stage: entities, actors, quotes and quote travel for a batch of pages.

`run(ws, None)` clears this stage's tables and processes every page; `run(ws, ids)` adds
pages to the existing actors and quotes through the stored key and shingle indexes, so a
new batch costs time proportional to the batch, not to the workspace.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
from rich.progress import Progress

from storytrace.actors import arabic
from storytrace.actors.entities import extract_entities
from storytrace.actors.quotes import Quote, extract_quotes
from storytrace.actors.resolve import ActorIndex, GlobalActor, group_page
from storytrace.actors.travel import best_match, embed, order_key, shingles
from storytrace.model import Page
from storytrace.store import Workspace

BATCH = 100
_TABLES = ("actors", "actor_keys", "mentions", "quotes", "quote_appearances", "quote_shingles")


def page_text(page: Page) -> str:
    """The cleaned text, or the raw text of a page that cleaning has not filled. A page
    cleaning found empty (a menu dump) stays empty: its raw lines gave junk actors."""
    if page.text is not None:
        return page.text
    return page.raw if page.raw_format == "text" else ""


def run(ws: Workspace, new_ids: list[str] | None, progress: Progress | None = None) -> dict:
    """Find entities, actors and quotes in `new_ids` (all pages when None)."""
    if new_ids is None:
        with ws.transaction() as conn:
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        new_ids = ws.page_ids()
    else:
        with ws.transaction() as conn:  # re-running pages replaces their rows
            _forget_pages(conn, new_ids)
    index = load_index(ws)
    task = progress.add_task("actors", total=len(new_ids)) if progress else None
    totals: Counter = Counter()
    for start in range(0, len(new_ids), BATCH):
        batch = sorted(ws.pages(new_ids[start:start + BATCH]), key=_caseless_last)
        known = None
        with ws.transaction() as conn:
            for page in batch:
                if known is None and _caseless_last(page):
                    known = known_names(index)
                totals.update(_process_page(conn, index, page, known))
            _save_actors(conn, index)
        if progress is not None:
            progress.advance(task, len(batch))
    totals["actors"] = ws.count("actors")
    return dict(totals)


def load_index(ws: Workspace) -> ActorIndex:
    """The actor key index as stored, ready to resolve new pages."""
    index = ActorIndex()
    for row in ws.conn.execute("SELECT id, name, type, spellings, given, types FROM actors"):
        spellings = Counter(dict(json.loads(row["spellings"])))
        index.add_actor(GlobalActor(row["id"], row["name"], row["type"], spellings,
                                    row["given"], Counter(json.loads(row["types"]))))
    for key, actor_id in ws.conn.execute("SELECT key, actor_id FROM actor_keys"):
        index.add_key(key, actor_id, new=False)
    return index


def _forget_pages(conn, ids: list[str]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM mentions WHERE page_id IN ({marks})", chunk)  # noqa: S608
        conn.execute(f"DELETE FROM quote_appearances WHERE page_id IN ({marks})", chunk)  # noqa: S608
    orphans = "SELECT id FROM quotes WHERE id NOT IN (SELECT quote_id FROM quote_appearances)"
    conn.execute(f"DELETE FROM quote_shingles WHERE quote_id IN ({orphans})")  # noqa: S608
    conn.execute(f"DELETE FROM quotes WHERE id IN ({orphans})")  # noqa: S608


def _caseless_last(page: Page) -> bool:
    """Arabic pages sort after the others of their batch, so names the batch's other pages
    found can be looked for in them (Arabic writes names without capitals)."""
    return page.lang == "ar"


def known_names(index: ActorIndex) -> arabic.Lexicon:
    """People, organisations and groups the workspace knows, as Arabic-script lookups."""
    return arabic.lexicon_of([
        (spelling, actor.type)
        for actor in index.actors.values() if actor.type != "place"
        for spelling in actor.spellings
    ])


def _process_page(
    conn, index: ActorIndex, page: Page, known: arabic.Lexicon | None = None
) -> Counter:
    text = page_text(page)
    entities = extract_entities(text, page.lang, known)
    actor_of: dict[tuple[int, int], int] = {}
    for local in group_page(entities, text):
        actor = index.resolve(local)
        for m in local.mentions:
            actor_of[(m.start, m.end)] = actor.id
            conn.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
                         (page.id, actor.id, m.text, m.start, m.end, m.type))
    quotes = extract_quotes(text, entities)
    _store_quotes(conn, page, quotes, actor_of)
    return Counter(pages=1, mentions=len(entities), quotes=len(quotes))


def _store_quotes(conn, page: Page, quotes: list[Quote], actor_of: dict) -> None:
    if not quotes:
        return
    seq, derived = _page_order(conn, page.id)
    for quote in quotes:
        actor_id = actor_of.get((quote.speaker.start, quote.speaker.end)) if quote.speaker \
            else None
        sh = shingles(quote.text)
        candidates = list(_candidates(conn, sh, actor_id, page.lang))
        vec = _vector_if_needed(conn, quote.text, candidates)
        quote_id = best_match(candidates, sh, actor_id, vec)
        if quote_id is None:
            quote_id = conn.execute(
                "INSERT INTO quotes (actor_id, text, first_page, lang, vec) VALUES (?,?,?,?,?)",
                (actor_id, quote.text, page.id, page.lang,
                 vec.astype(np.float32).tobytes() if vec is not None else None),
            ).lastrowid
        conn.executemany("INSERT OR IGNORE INTO quote_shingles VALUES (?, ?)",
                         [(s, quote_id) for s in sh])
        conn.execute(
            "INSERT INTO quote_appearances VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (quote_id, page.id, quote.text, quote.channel, quote.kind, actor_id,
             quote.speaker_text, quote.start, quote.end, page.lang, page.published,
             int(derived), seq),
        )
        _refresh_first(conn, quote_id)


def _vector_if_needed(conn, text: str, candidates: list) -> np.ndarray | None:
    """Embed only when the same actor has quotes in another language to compare with
    (embedding is the slow part); those quotes get their vectors stored on the way."""
    pending = [i for i, c in enumerate(candidates) if c[4]]
    if not pending:
        return None
    missing = [i for i in pending if candidates[i][3] is None]
    texts = [text] + [conn.execute("SELECT text FROM quotes WHERE id = ?",
                                   (candidates[i][0],)).fetchone()[0] for i in missing]
    vectors = embed(texts)
    if vectors is None:
        return None
    for i, vec in zip(missing, vectors[1:], strict=True):
        conn.execute("UPDATE quotes SET vec = ? WHERE id = ?",
                     (vec.astype(np.float32).tobytes(), candidates[i][0]))
        candidates[i] = (*candidates[i][:3], vec, True)
    return vectors[0]


def _page_order(conn, page_id: str) -> tuple[int, bool]:
    """Ingest position and whether match marked the page as derived from another."""
    seq = conn.execute("SELECT seq FROM pages WHERE id = ?", (page_id,)).fetchone()
    derived = False
    if has_table(conn, "families"):  # the match stage may not be installed
        row = conn.execute("SELECT derived_from FROM families WHERE page_id = ?",
                           (page_id,)).fetchone()
        derived = bool(row and row[0])
    return (seq[0] if seq else 0), derived


def has_table(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def _candidates(conn, sh: set[int], actor_id: int | None, lang: str | None):
    """Quotes sharing a shingle, plus the same actor's quotes in other languages."""
    ids: set[int] = set()
    sh_list = list(sh)
    for start in range(0, len(sh_list), 500):
        chunk = sh_list[start:start + 500]
        marks = ",".join("?" * len(chunk))
        ids.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT quote_id FROM quote_shingles WHERE shingle IN ({marks})", chunk))  # noqa: S608
    if actor_id is not None:
        ids.update(r[0] for r in conn.execute(
            "SELECT id FROM quotes WHERE actor_id = ? AND coalesce(lang, '') != ?",
            (actor_id, lang or "")))
    for quote_id in ids:
        row = conn.execute("SELECT actor_id, vec, lang FROM quotes WHERE id = ?",
                           (quote_id,)).fetchone()
        other_sh = {r[0] for r in conn.execute(
            "SELECT shingle FROM quote_shingles WHERE quote_id = ?", (quote_id,))}
        cross = actor_id is not None and row["actor_id"] == actor_id and (
            (row["lang"] or "") != (lang or ""))
        vec = np.frombuffer(row["vec"], dtype=np.float32) if row["vec"] and cross else None
        yield quote_id, other_sh, row["actor_id"], vec, cross


def _refresh_first(conn, quote_id: int) -> None:
    """Point the quote at its earliest appearance and take that wording as its text."""
    rows = conn.execute(
        "SELECT page_id, text, published, derived, seq, actor_id FROM quote_appearances "
        "WHERE quote_id = ?", (quote_id,)).fetchall()
    first = min(rows, key=lambda r: order_key(r["published"], bool(r["derived"]), r["seq"]))
    actors = Counter(r["actor_id"] for r in rows if r["actor_id"] is not None)
    actor_id = actors.most_common(1)[0][0] if actors else None
    conn.execute("UPDATE quotes SET first_page = ?, text = ?, actor_id = ? WHERE id = ?",
                 (first["page_id"], first["text"], actor_id, quote_id))


def _save_actors(conn, index: ActorIndex) -> None:
    conn.executemany(
        "INSERT INTO actors (id, name, type, spellings, given, types) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, "
        "spellings = excluded.spellings, given = excluded.given, types = excluded.types",
        [(a.id, a.name, a.type, json.dumps(a.spellings.most_common(), ensure_ascii=False),
          a.given, json.dumps(a.types)) for a in (index.actors[i] for i in sorted(index.dirty))],
    )
    index.dirty.clear()
    conn.executemany("INSERT OR IGNORE INTO actor_keys VALUES (?, ?)", index.new_keys)
    index.new_keys.clear()

