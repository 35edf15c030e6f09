"""Read-side Python API of the actors stage: what the CLI, the explorer and export call.

Every function takes an open Workspace and returns plain dicts and lists (JSON-ready).
Story membership comes from the cluster stage's `story_pages`; when that table is missing
or empty, story filters match nothing and stories are reported as empty lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from storytrace.actors.keys import ascii_fold, name_skeletons
from storytrace.actors.stage import has_table
from storytrace.actors.travel import order_key, word_diff
from storytrace.store import Workspace


def has_stories(ws: Workspace) -> bool:
    """True when the cluster stage has written story memberships."""
    if not has_table(ws.conn, "story_pages"):
        return False
    return ws.conn.execute("SELECT 1 FROM story_pages LIMIT 1").fetchone() is not None


def _story_filter(ws: Workspace, story: str | None, column: str) -> tuple[str, list]:
    if story is None:
        return "", []
    if not has_stories(ws):
        return " AND 0", []
    return f" AND {column} IN (SELECT page_id FROM story_pages WHERE story = ?)", [story]


def list_actors(ws: Workspace, story: str | None = None, limit: int | None = 50,
                type: str | None = None) -> list[dict]:
    """Actors by number of pages mentioning them (within one story if given)."""
    where, args = _story_filter(ws, story, "m.page_id")
    if type:
        where += " AND a.type = ?"
        args.append(type)
    sql = ("SELECT a.id, a.name, a.type, a.spellings, count(DISTINCT m.page_id) AS pages, "
           "count(*) AS mentions FROM actors a JOIN mentions m ON m.actor_id = a.id "
           f"WHERE 1{where} GROUP BY a.id ORDER BY pages DESC, mentions DESC, a.name")
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_actor_dict(row) | {"pages": row["pages"], "mentions": row["mentions"]}
            for row in ws.conn.execute(sql, args)]


def _actor_dict(row) -> dict:
    return {"id": row["id"], "name": row["name"], "type": row["type"],
            "spellings": [s for s, _ in json.loads(row["spellings"])]}


def find_actors(ws: Workspace, name: str) -> list[dict]:
    """Actors whose name or any spelling matches `name` (any script or transliteration)."""
    wanted = ascii_fold(name)
    skel = name_skeletons(name)
    out = []
    for row in ws.conn.execute("SELECT id, name, type, spellings FROM actors"):
        spellings = [s for s, _ in json.loads(row["spellings"])] + [row["name"]]
        folded = [ascii_fold(s) for s in spellings]
        exact = any(f == wanted for f in folded)
        partial = any(wanted in f.split() or wanted == f for f in folded) or (
            skel and any(name_skeletons(s)[-1:] == skel[-1:] and len(skel) == 1
                         for s in spellings if name_skeletons(s))
        )
        if exact or partial:
            out.append((not exact, _actor_dict(row)))
    return [a for _, a in sorted(out, key=lambda t: (t[0], t[1]["name"]))]


def actor_detail(ws: Workspace, actor_id: int) -> dict | None:
    """One actor: spellings with counts, pages, stories, and quotes."""
    row = ws.conn.execute("SELECT id, name, type, spellings FROM actors WHERE id = ?",
                          (actor_id,)).fetchone()
    if row is None:
        return None
    detail = _actor_dict(row)
    detail["spelling_counts"] = dict(json.loads(row["spellings"]))
    pages = [r[0] for r in ws.conn.execute(
        "SELECT DISTINCT page_id FROM mentions WHERE actor_id = ? ORDER BY page_id",
        (actor_id,))]
    detail["pages"] = pages
    detail["stories"] = _stories_of(ws, pages)
    detail["quotes"] = list_quotes(ws, actor_id=actor_id, limit=None)
    return detail


def _stories_of(ws: Workspace, pages: list[str]) -> list[str]:
    if not pages or not has_stories(ws):
        return []
    marks = ",".join("?" * len(pages))
    return [str(r[0]) for r in ws.conn.execute(
        f"SELECT story, count(*) AS n FROM story_pages WHERE page_id IN ({marks}) "  # noqa: S608
        "GROUP BY story ORDER BY n DESC", pages)]


def list_quotes(ws: Workspace, speaker: str | None = None, story: str | None = None,
                actor_id: int | None = None, limit: int | None = 50) -> list[dict]:
    """Quotes with their speaker, first appearance and every appearance."""
    args: list = []
    where = ""
    if actor_id is not None:
        where += " AND q.actor_id = ?"
        args.append(actor_id)
    if speaker:
        ids = [a["id"] for a in find_actors(ws, speaker)]
        if not ids:
            return []
        where += f" AND q.actor_id IN ({','.join('?' * len(ids))})"
        args.extend(ids)
    story_where, story_args = _story_filter(ws, story, "qa.page_id")
    if story_where:
        where += (" AND q.id IN (SELECT qa.quote_id FROM quote_appearances qa WHERE 1"
                  f"{story_where})")
        args.extend(story_args)
    sql = ("SELECT q.id, q.text, q.first_page, q.actor_id, a.name AS speaker, "
           "(SELECT count(*) FROM quote_appearances x WHERE x.quote_id = q.id) AS n "
           f"FROM quotes q LEFT JOIN actors a ON a.id = q.actor_id WHERE 1{where} "
           "AND q.id IN (SELECT quote_id FROM quote_appearances) ORDER BY n DESC, q.id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [quote_detail(ws, row["id"]) for row in ws.conn.execute(sql, args)]


def quote_detail(ws: Workspace, quote_id: int) -> dict:
    """A quote with its appearances in travel order and each later wording's word diff."""
    q = ws.conn.execute(
        "SELECT q.id, q.text, q.first_page, q.actor_id, a.name AS speaker FROM quotes q "
        "LEFT JOIN actors a ON a.id = q.actor_id WHERE q.id = ?", (quote_id,)).fetchone()
    rows = ws.conn.execute(
        "SELECT qa.*, p.outlet FROM quote_appearances qa LEFT JOIN pages p ON p.id = qa.page_id "
        "WHERE qa.quote_id = ?", (quote_id,)).fetchall()
    rows = sorted(rows, key=lambda r: order_key(r["published"], bool(r["derived"]), r["seq"]))
    first = rows[0]
    appearances = []
    for r in rows:
        changed = r["text"] != first["text"] and r["lang"] == first["lang"]
        appearances.append({
            "page_id": r["page_id"], "outlet": r["outlet"], "published": r["published"],
            "lang": r["lang"], "text": r["text"], "channel": r["channel"], "kind": r["kind"],
            "speaker_text": r["speaker_text"], "start": r["start"], "end": r["end"],
            "diff": word_diff(first["text"], r["text"]) if changed else [],
            "translated": r["lang"] != first["lang"],
        })
    return {"id": q["id"], "text": q["text"], "speaker": q["speaker"],
            "actor_id": q["actor_id"], "first_page": first["page_id"],
            "first_outlet": first["outlet"], "first_published": first["published"],
            "appearances": appearances}


def entity_rows(ws: Workspace) -> Iterator[dict]:
    """Export rows of the `entities` table: one per mention, with its actor."""
    sql = ("SELECT m.page_id, m.actor_id, a.name AS actor, a.type AS actor_type, m.text, "
           "m.type, m.start, m.\"end\" FROM mentions m JOIN actors a ON a.id = m.actor_id "
           "JOIN pages p ON p.id = m.page_id ORDER BY p.seq, m.start")
    for row in ws.conn.execute(sql):
        yield dict(row)


def quote_rows(ws: Workspace) -> Iterator[dict]:
    """Export rows of the `quotes` table: one per appearance, with the quote it belongs to."""
    ids = [r[0] for r in ws.conn.execute(
        "SELECT id FROM quotes WHERE id IN (SELECT quote_id FROM quote_appearances) ORDER BY id")]
    for quote_id in ids:
        q = quote_detail(ws, quote_id)
        for position, app in enumerate(q["appearances"]):
            yield {
                "quote_id": q["id"], "speaker": q["speaker"], "actor_id": q["actor_id"],
                "quote": q["text"], "first_page": q["first_page"], "position": position,
                "page_id": app["page_id"], "outlet": app["outlet"],
                "published": app["published"], "lang": app["lang"], "text": app["text"],
                "channel": app["channel"], "kind": app["kind"],
                "speaker_text": app["speaker_text"], "start": app["start"], "end": app["end"],
                "diff": json.dumps(app["diff"], ensure_ascii=False),
            }
