"""The SQL behind every page and JSON endpoint of the explorer.

Every function returns plain dicts (JSON-ready) and every list is paginated with
`limit`/`offset`: a list fetches `limit + 1` rows to know whether there is a next page,
so no query ever counts a whole table. Tables of a stage that has not run yet are
absent; the functions then return empty results instead of failing.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict

from storytrace.engine.pipeline import optional_module
from storytrace.web.db import Database
from storytrace.web.diff import similarity, word_diff

MAX_LIMIT = 200
#: Most pages of one story loaded to draw its families; the rest are listed page by page.
FAMILY_PAGES = 1000
STORY_SORTS = {
    "size": "s.n_pages DESC, s.id",
    "recent": "s.last_date DESC, s.id",
    "oldest": "s.first_date, s.id",
}


def clamp(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


def paged(db: Database, sql: str, args: list, limit: int, offset: int) -> dict:
    """Run `sql` (without LIMIT) for one page of results."""
    limit, offset = clamp(limit, offset)
    return page_of(db.all(f"{sql} LIMIT ? OFFSET ?", [*args, limit + 1, offset]), limit, offset)


def page_of(rows: list[dict], limit: int, offset: int) -> dict:
    """One page of results from up to `limit + 1` rows (the extra one says "there is more")."""
    return {
        "items": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


def empty_page(limit: int, offset: int) -> dict:
    limit, offset = clamp(limit, offset)
    return {"items": [], "limit": limit, "offset": offset, "next_offset": None}


# Overview ------------------------------------------------------------------------------


def overview(db: Database) -> dict:
    """Counts for the home page; zero for tables of stages that have not run."""
    tables = db.tables()
    counts = {}
    for name in ("pages", "families", "stories", "narratives", "actors", "quotes"):
        counts[name] = db.scalar(f"SELECT count(*) FROM {name}") if name in tables else 0  # noqa: S608
    counts["outlets"] = db.scalar("SELECT count(DISTINCT outlet) FROM pages")
    counts["search_index"] = "pages_fts" in tables
    counts["embeddings"] = "embeddings" in tables
    return counts


def narratives(db: Database, limit: int = 50, offset: int = 0) -> dict:
    if not db.has("narratives", "stories"):
        return empty_page(limit, offset)
    sql = (
        "SELECT n.id, n.label, count(s.id) AS n_stories, coalesce(sum(s.n_pages), 0) AS n_pages,"
        " min(s.first_date) AS first_date, max(s.last_date) AS last_date"
        " FROM narratives n LEFT JOIN stories s ON s.narrative = n.id"
        " GROUP BY n.id ORDER BY n_pages DESC, n.id"
    )
    return paged(db, sql, [], limit, offset)


# Stories -------------------------------------------------------------------------------


def stories(
    db: Database,
    narrative: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    outlet: str | None = None,
    lang: str | None = None,
    actor: str | None = None,
    sort: str = "size",
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """Stories filtered by narrative, date range, outlet, language and actor."""
    if not db.has("stories", "story_pages"):
        return empty_page(limit, offset)
    where, args = [], []
    if narrative:
        where.append("s.narrative = ?")
        args.append(narrative)
    if date_from:
        where.append("s.last_date >= ?")
        args.append(date_from)
    if date_to:
        where.append("s.first_date <= ?")
        args.append(date_to)
    if outlet:
        where.append(
            "s.id IN (SELECT sp.story FROM pages p JOIN story_pages sp ON sp.page_id = p.id"
            " WHERE p.outlet = ?)"
        )
        args.append(outlet)
    if lang:
        where.append(
            "s.id IN (SELECT sp.story FROM pages p JOIN story_pages sp ON sp.page_id = p.id"
            " WHERE p.lang = ?)"
        )
        args.append(lang)
    if actor:
        actor_ids = resolve_actor(db, actor)
        if not actor_ids or not db.has("mentions"):
            return empty_page(limit, offset)
        where.append(
            "s.id IN (SELECT sp.story FROM mentions m JOIN story_pages sp"
            f" ON sp.page_id = m.page_id WHERE m.actor_id IN ({','.join('?' * len(actor_ids))}))"
        )
        args.extend(actor_ids)
    labelled = db.has("narratives")
    narrative_label = "nr.label" if labelled else "NULL"
    narrative_join = "LEFT JOIN narratives nr ON nr.id = s.narrative" if labelled else ""
    sql = (
        "SELECT s.id, s.headline, s.origin_page, s.first_date, s.last_date, s.n_pages,"
        f" s.n_outlets, s.n_langs, s.narrative, {narrative_label} AS narrative_label"
        f" FROM stories s {narrative_join}"
        f" {'WHERE ' + ' AND '.join(where) if where else ''}"
        f" ORDER BY {STORY_SORTS.get(sort, STORY_SORTS['size'])}"
    )
    return paged(db, sql, args, limit, offset)


def resolve_actor(db: Database, actor: str) -> list:
    """An actor filter given as an id or as a name (any spelling) -> actor ids."""
    if not db.has("actors"):
        return []
    if db.scalar("SELECT 1 FROM actors WHERE id = ?", [actor]):
        return [actor]
    return [row["id"] for row in matching_actors(db, actor, limit=20)]


def narrative(db: Database, narrative_id: str) -> dict | None:
    if not db.has("narratives"):
        return None
    return db.one("SELECT * FROM narratives WHERE id = ?", [narrative_id])


def story(db: Database, story_id: str) -> dict | None:
    """One story with everything its page shows (pages are listed by `story_pages`)."""
    if not db.has("stories", "story_pages"):
        return None
    row = db.one("SELECT * FROM stories WHERE id = ?", [story_id])
    if row is None:
        return None
    if row.get("narrative") and db.has("narratives"):
        row["narrative_label"] = db.scalar(
            "SELECT label FROM narratives WHERE id = ?", [row["narrative"]]
        )
    row["origin"] = page_summary(db, row["origin_page"]) if row.get("origin_page") else None
    row["outlets"] = db.all(
        "SELECT p.outlet, count(*) AS n FROM story_pages sp JOIN pages p ON p.id = sp.page_id"
        " WHERE sp.story = ? GROUP BY p.outlet ORDER BY n DESC, p.outlet LIMIT 100",
        [story_id],
    )
    row["langs"] = db.all(
        "SELECT p.lang, count(*) AS n FROM story_pages sp JOIN pages p ON p.id = sp.page_id"
        " WHERE sp.story = ? GROUP BY p.lang ORDER BY n DESC",
        [story_id],
    )
    row["timeline"] = story_timeline(db, story_id)
    row["coverage"] = story_coverage(db, story_id)
    row["families"] = story_families(db, story_id)
    row["actors"] = story_actors(db, story_id)
    row["quotes"] = story_quotes(db, story_id)
    return row


def story_pages(db: Database, story_id: str, limit: int = 100, offset: int = 0) -> dict:
    if not db.has("story_pages"):
        return empty_page(limit, offset)
    family = "f.family, f.relation, f.derived_from" if db.has("families") else (
        "NULL AS family, NULL AS relation, NULL AS derived_from"
    )
    family_join = "LEFT JOIN families f ON f.page_id = p.id" if db.has("families") else ""
    sql = (
        f"SELECT p.id, p.title, p.outlet, p.lang, p.published, {family}"
        f" FROM story_pages sp JOIN pages p ON p.id = sp.page_id {family_join}"
        " WHERE sp.story = ? ORDER BY p.published, p.seq"
    )
    return paged(db, sql, [story_id], limit, offset)


def story_timeline(db: Database, story_id: str) -> list[dict]:
    """Pages per day and outlet (the cluster stage's `timeline`) as [{day, outlet, n}]."""
    try:
        from storytrace.cluster.api import timeline
    except ImportError:
        return db.all(
            "SELECT p.published AS day, coalesce(p.outlet, '?') AS outlet, count(*) AS n"
            " FROM story_pages sp JOIN pages p ON p.id = sp.page_id"
            " WHERE sp.story = ? AND p.published IS NOT NULL"
            " GROUP BY p.published, p.outlet ORDER BY p.published",
            [story_id],
        )
    series = timeline(db.ws, story_id)
    rows = [{"day": day, "outlet": outlet, "n": n}
            for outlet, days in series.items() for day, n in days.items()]
    return sorted(rows, key=lambda r: (r["day"], r["outlet"]))


def story_coverage(db: Database, story_id: str) -> dict:
    """Per user outlet label (e.g. country): groups that carried the story, first, never."""
    if not db.has("outlet_labels") or not db.scalar("SELECT 1 FROM outlet_labels LIMIT 1"):
        return {}
    try:
        from storytrace.cluster.api import label_coverage
    except ImportError:
        return {}
    return label_coverage(db.ws, story_id)


def story_families(db: Database, story_id: str) -> list[dict]:
    """The story's article families as trees (children hang under `derived_from`)."""
    if not db.has("families"):
        return []
    members = db.all(
        "SELECT p.id, p.title, p.outlet, p.lang, p.published, f.family, f.relation,"
        " f.derived_from FROM story_pages sp JOIN pages p ON p.id = sp.page_id"
        " JOIN families f ON f.page_id = p.id WHERE sp.story = ?"
        " ORDER BY p.published, p.seq LIMIT ?",
        [story_id, FAMILY_PAGES],
    )
    _explain_links(db, members)
    by_family: dict[str, list[dict]] = defaultdict(list)
    for member in members:
        by_family[member["family"]].append(member)
    families = [
        {"family": family, "size": len(rows), "roots": family_tree(rows)}
        for family, rows in by_family.items()
    ]
    return sorted(families, key=lambda f: (-f["size"], f["family"]))


def _explain_links(db: Database, members: list[dict]) -> None:
    """Set each member's `why`: the evidence of its link to its parent, in words."""
    explain = optional_module("storytrace.match.explain")
    if explain is None or not db.has("pairs"):
        return
    links = explain.family_links(db.ws, [m["id"] for m in members])
    for member in members:
        parent = member["derived_from"]
        link = links.get(explain.pair_key(member["id"], parent)) if parent else None
        member["why"] = explain.explain(link)


def family_tree(members: list[dict]) -> list[dict]:
    """Nest members under their parent; a member whose parent is absent becomes a root."""
    nodes = {m["id"]: {**m, "children": []} for m in members}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node["derived_from"] or "")
        if parent is not None and parent is not node and not _is_ancestor(node, parent, nodes):
            parent["children"].append(node)
        else:
            roots.append(node)
    return roots


def _is_ancestor(node: dict, candidate: dict, nodes: dict) -> bool:
    """True when `node` is already above `candidate` (a cycle would hide both)."""
    seen = set()
    current = candidate
    while current is not None and current["id"] not in seen:
        if current["id"] == node["id"]:
            return True
        seen.add(current["id"])
        current = nodes.get(current["derived_from"] or "")
    return False


def story_actors(db: Database, story_id: str, limit: int = 15) -> list[dict]:
    if not db.has("mentions", "actors"):
        return []
    return db.all(
        "SELECT a.id, a.name, a.type, count(DISTINCT m.page_id) AS n_pages"
        " FROM story_pages sp JOIN mentions m ON m.page_id = sp.page_id"
        " JOIN actors a ON a.id = m.actor_id WHERE sp.story = ?"
        " GROUP BY a.id ORDER BY n_pages DESC, a.name LIMIT ?",
        [story_id, limit],
    )


def story_quotes(db: Database, story_id: str, limit: int = 20) -> list[dict]:
    if not db.has("quotes", "quote_appearances"):
        return []
    actor = "a.name AS actor_name" if db.has("actors") else "NULL AS actor_name"
    actor_join = "LEFT JOIN actors a ON a.id = q.actor_id" if db.has("actors") else ""
    return db.all(
        f"SELECT q.id, q.text, q.actor_id, {actor}, q.first_page,"
        " count(DISTINCT qa.page_id) AS n_pages"
        " FROM story_pages sp JOIN quote_appearances qa ON qa.page_id = sp.page_id"
        f" JOIN quotes q ON q.id = qa.quote_id {actor_join} WHERE sp.story = ?"
        " GROUP BY q.id ORDER BY n_pages DESC, q.id LIMIT ?",
        [story_id, limit],
    )


# Pages ---------------------------------------------------------------------------------


def page_summary(db: Database, page_id: str) -> dict | None:
    return db.one(
        "SELECT id, title, outlet, lang, published FROM pages WHERE id = ?", [page_id]
    )


def page(db: Database, page_id: str, with_raw: bool = False) -> dict | None:
    """One page: clean text, metadata, and where it sits (family, story, actors, quotes)."""
    raw = ", raw" if with_raw else ""
    month = db.ws.page_column("published_month")
    row = db.one(
        f"SELECT id, url, source, raw_format, title, published, {month},"
        " author, outlet, lang, genre,"
        f" credits, site_name, text, meta, cleaned{raw} FROM pages WHERE id = ?",
        [page_id],
    )
    if row is None:
        return None
    row["credits"] = json.loads(row["credits"] or "[]")
    row["meta"] = json.loads(row["meta"] or "{}")
    row["family"] = page_family(db, page_id)
    row["story"] = page_story(db, page_id)
    row["actors"] = page_actors(db, page_id)
    row["quotes"] = page_quotes(db, page_id)
    return row


def page_family(db: Database, page_id: str) -> dict | None:
    """The page's family as a tree under its original (the match stage's `family_tree`)."""
    if not db.has("families"):
        return None
    own = db.one("SELECT family, relation, derived_from FROM families WHERE page_id = ?", [page_id])
    if own is None:
        return None
    parent = page_summary(db, own["derived_from"]) if own["derived_from"] else None
    trace = optional_module("storytrace.match.trace")
    if trace is not None:
        tree = trace.family_tree(db.ws, page_id) or {}
        roots = [tree["root"]] if tree.get("root") else []
        return {**own, "parent": parent, "size": tree.get("size", 1), "roots": roots}
    members = db.all(
        "SELECT p.id, p.title, p.outlet, p.lang, p.published, f.family, f.relation,"
        " f.derived_from FROM families f JOIN pages p ON p.id = f.page_id"
        " WHERE f.family = ? ORDER BY p.published, p.seq LIMIT ?",
        [own["family"], FAMILY_PAGES],
    )
    return {**own, "parent": parent, "size": len(members), "roots": family_tree(members)}


def page_story(db: Database, page_id: str) -> dict | None:
    if not db.has("story_pages", "stories"):
        return None
    return db.one(
        "SELECT s.id, s.headline, s.narrative FROM story_pages sp"
        " JOIN stories s ON s.id = sp.story WHERE sp.page_id = ?",
        [page_id],
    )


def page_actors(db: Database, page_id: str) -> list[dict]:
    if not db.has("mentions", "actors"):
        return []
    return db.all(
        "SELECT a.id, a.name, a.type, count(*) AS n FROM mentions m"
        " JOIN actors a ON a.id = m.actor_id WHERE m.page_id = ?"
        " GROUP BY a.id ORDER BY n DESC, a.name LIMIT 50",
        [page_id],
    )


def page_quotes(db: Database, page_id: str) -> list[dict]:
    if not db.has("quotes", "quote_appearances"):
        return []
    actor = "a.name AS actor_name" if db.has("actors") else "NULL AS actor_name"
    actor_join = "LEFT JOIN actors a ON a.id = q.actor_id" if db.has("actors") else ""
    return db.all(
        f"SELECT q.id, qa.text, qa.channel, q.actor_id, {actor}, q.first_page"
        f" FROM quote_appearances qa JOIN quotes q ON q.id = qa.quote_id {actor_join}"
        " WHERE qa.page_id = ? LIMIT 50",
        [page_id],
    )


def page_text(db: Database, page_id: str) -> dict | None:
    return db.one("SELECT id, lang, title, text FROM pages WHERE id = ?", [page_id])


# Actors --------------------------------------------------------------------------------


def actors(db: Database, limit: int = 50, offset: int = 0) -> dict:
    if not db.has("actors"):
        return empty_page(limit, offset)
    page = paged(db, "SELECT id, name, type, spellings FROM actors ORDER BY name", [],
                 limit, offset)
    for row in page["items"]:
        row["spellings"] = spellings(row["spellings"])
    return page


def actor(db: Database, actor_id: str) -> dict | None:
    """One actor: every spelling seen, the stories that mention it, its quotes."""
    if not db.has("actors"):
        return None
    row = db.one("SELECT id, name, type, spellings FROM actors WHERE id = ?", [actor_id])
    if row is None:
        return None
    row["spellings"] = spellings(row["spellings"])
    row["stories"], row["quotes"] = [], []
    if db.has("mentions"):
        row["n_pages"] = db.scalar(
            "SELECT count(DISTINCT page_id) FROM mentions WHERE actor_id = ?", [actor_id]
        )
        if db.has("story_pages", "stories"):
            row["stories"] = db.all(
                "SELECT s.id, s.headline, s.first_date, s.last_date, s.n_pages,"
                " count(DISTINCT m.page_id) AS n_mentioning"
                " FROM mentions m JOIN story_pages sp ON sp.page_id = m.page_id"
                " JOIN stories s ON s.id = sp.story WHERE m.actor_id = ?"
                " GROUP BY s.id ORDER BY s.first_date DESC LIMIT 100",
                [actor_id],
            )
    if db.has("quotes"):
        appearances = (
            "(SELECT count(*) FROM quote_appearances qa WHERE qa.quote_id = q.id)"
            if db.has("quote_appearances") else "NULL"
        )
        row["quotes"] = db.all(
            f"SELECT q.id, q.text, q.first_page, {appearances} AS n_appearances"
            " FROM quotes q WHERE q.actor_id = ? LIMIT 100",
            [actor_id],
        )
    return row


def actor_pages(db: Database, actor_id: str, limit: int = 50, offset: int = 0) -> dict:
    if not db.has("mentions"):
        return empty_page(limit, offset)
    sql = (
        "SELECT p.id, p.title, p.outlet, p.lang, p.published, group_concat(DISTINCT m.text)"
        " AS spelled FROM mentions m JOIN pages p ON p.id = m.page_id"
        " WHERE m.actor_id = ? GROUP BY p.id ORDER BY p.published DESC, p.seq"
    )
    page = paged(db, sql, [actor_id], limit, offset)
    for row in page["items"]:
        row["spelled"] = sorted(set((row["spelled"] or "").split(",")) - {""})
    return page


def spellings(value: str | None) -> list[str]:
    """The `spellings` column as plain strings (stored as names or [name, count] pairs)."""
    try:
        parsed = json.loads(value or "[]")
    except json.JSONDecodeError:
        return []
    if not isinstance(parsed, list):
        return []
    return [str(item[0] if isinstance(item, list) and item else item) for item in parsed]


def quote(db: Database, quote_id: str) -> dict | None:
    """One quote and how it travelled: every appearance in order, with word diffs against
    the first wording (the actors stage's `quote_detail`)."""
    if not db.has("quotes", "quote_appearances"):
        return None
    exists = db.scalar(
        "SELECT 1 FROM quotes q JOIN quote_appearances qa ON qa.quote_id = q.id"
        " WHERE q.id = ? LIMIT 1", [quote_id]
    )
    if not exists:
        return None
    from storytrace.actors.api import quote_detail

    return quote_detail(db.ws, int(quote_id)) if str(quote_id).isdigit() else None


# Outlets -------------------------------------------------------------------------------

#: Seconds the outlet summaries and network are reused before being recomputed (they
#: read every page or family).
NETWORK_TTL = 30.0


_outlets_cache: dict[str, tuple[float, list[dict]]] = {}


def outlets(db: Database, limit: int = 100, offset: int = 0) -> dict:
    """Outlets, most pages first. The summary reads every page (~0.3 s at 100k pages), so
    it is computed once per `NETWORK_TTL` and paginated from memory."""
    cached = _outlets_cache.get(str(db.path))
    if cached is None or time.monotonic() - cached[0] >= NETWORK_TTL:
        rows = db.all(
            "SELECT outlet, count(*) AS n_pages, group_concat(DISTINCT lang) AS langs,"
            " min(published) AS first_date, max(published) AS last_date"
            " FROM pages WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n_pages DESC, outlet"
        )
        cached = (time.monotonic(), rows)
        _outlets_cache[str(db.path)] = cached
    limit, offset = clamp(limit, offset)
    rows = cached[1]
    return {
        "items": rows[offset : offset + limit], "limit": limit, "offset": offset,
        "next_offset": offset + limit if len(rows) > offset + limit else None,
    }


def outlet(db: Database, name: str) -> dict | None:
    """One outlet: what it copies and from whom (with the median lag), and who copies it."""
    row = db.one(
        "SELECT outlet, count(*) AS n_pages, min(published) AS first_date,"
        " max(published) AS last_date FROM pages WHERE outlet = ? GROUP BY outlet",
        [name],
    )
    if row is None:
        return None
    row["langs"] = db.all(
        "SELECT lang, count(*) AS n FROM pages WHERE outlet = ? GROUP BY lang ORDER BY n DESC",
        [name],
    )
    edges = copy_edges(db)
    row["copies_from"] = [e for e in edges if e["target"] == name][:100]
    row["copied_by"] = [e for e in edges if e["source"] == name][:100]
    row["relations"] = db.all(
        "SELECT f.relation, count(*) AS n FROM pages p JOIN families f ON f.page_id = p.id"
        " WHERE p.outlet = ? GROUP BY f.relation ORDER BY n DESC",
        [name],
    ) if db.has("families") else []
    return row


def outlet_pages(db: Database, name: str, limit: int = 50, offset: int = 0) -> dict:
    relation = "f.relation" if db.has("families") else "NULL AS relation"
    family_join = "LEFT JOIN families f ON f.page_id = p.id" if db.has("families") else ""
    sql = (
        f"SELECT p.id, p.title, p.lang, p.published, {relation} FROM pages p {family_join}"
        " WHERE p.outlet = ? ORDER BY p.published DESC, p.seq DESC"
    )
    return paged(db, sql, [name], limit, offset)


_edges_cache: dict[str, tuple[float, list[dict]]] = {}


def copy_edges(db: Database) -> list[dict]:
    """Copy edges between outlets (source published first, target carried it), heaviest
    first, from the cluster stage's network; cached for `NETWORK_TTL` seconds."""
    if not db.has("families"):
        return []
    cached = _edges_cache.get(str(db.path))
    if cached and time.monotonic() - cached[0] < NETWORK_TTL:
        return cached[1]
    from storytrace.cluster.network import outlet_edges

    edges = [
        {"source": e.source, "target": e.target, "n": e.weight,
         "median_lag_days": e.median_lag_days}
        for e in outlet_edges(db)
    ]
    _edges_cache[str(db.path)] = (time.monotonic(), edges)
    return edges


def outlet_network(
    db: Database, max_edges: int = 400, max_nodes: int = 150, outlet: str | None = None
) -> dict:
    """Outlets as nodes, copy links (source outlet -> copying outlet) as weighted edges.

    The heaviest edges are kept while they add at most `max_nodes` outlets, so the
    browser's force layout stays quick; with `outlet`, only its neighbourhood is drawn.
    """
    edges = copy_edges(db)
    if outlet is not None:
        near = {outlet} | {e["source"] for e in edges if e["target"] == outlet} | {
            e["target"] for e in edges if e["source"] == outlet}
        edges = [e for e in edges if e["source"] in near and e["target"] in near]
    kept, names = [], set()
    for edge in edges:
        if len(kept) >= max_edges:
            break
        grown = names | {edge["source"], edge["target"]}
        if len(grown) > max_nodes:
            continue
        kept.append(edge)
        names = grown
    weight: Counter = Counter()
    for edge in kept:
        weight[edge["source"]] += edge["n"]
        weight[edge["target"]] += edge["n"]
    nodes = [{"id": name, "weight": n} for name, n in weight.most_common()]
    return {"nodes": nodes, "edges": kept}


# Search --------------------------------------------------------------------------------

HIT_START, HIT_END = "\x02", "\x03"
#: Matches ranked per query: the most recently ingested ones. Ranking every match of a
#: word found on most pages costs ~200 ms at 100k pages; a window keeps search fast.
SEARCH_WINDOW = 5000
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_phrase(text: str) -> str | None:
    """A user string as one FTS5 phrase of its words: no operator can be injected."""
    words = _WORD.findall(text)
    return '"' + " ".join(words) + '"' if words else None


#: Seconds the actor spelling index is reused before being rebuilt.
ACTOR_INDEX_TTL = 60.0
_actor_index: dict[str, tuple[float, dict[str, set]]] = {}


def actor_index(db: Database) -> dict[str, set]:
    """Folded spelling, and each word of it, -> actor ids; built once per TTL.

    Folding (the actors stage's `ascii_fold`) makes "Shoigu", "Shoygu" and "Шойгу" meet,
    and the dict makes a name lookup O(1) however many actors there are.
    """
    cached = _actor_index.get(str(db.path))
    if cached and time.monotonic() - cached[0] < ACTOR_INDEX_TTL:
        return cached[1]
    from storytrace.actors.keys import ascii_fold

    index: dict[str, set] = defaultdict(set)
    for row in db.conn.execute("SELECT id, name, spellings FROM actors"):
        for spelling in {row["name"], *spellings(row["spellings"])}:
            folded = ascii_fold(spelling)
            index[folded].add(row["id"])
            for word in folded.split():
                index[word].add(row["id"])
    _actor_index[str(db.path)] = (time.monotonic(), index)
    return index


def matching_actors(db: Database, q: str, limit: int = 10) -> list[dict]:
    """Actors with the query as a spelling or a word of one, in any script."""
    if not db.has("actors") or not q.strip():
        return []
    from storytrace.actors.keys import ascii_fold

    ids = actor_index(db).get(ascii_fold(q.strip()), set())
    if not ids:
        return []
    wanted = sorted(ids)[:500]
    rows = db.all(
        f"SELECT id, name, type, spellings FROM actors WHERE id IN ({','.join('?' * len(wanted))})"
        " ORDER BY length(spellings) DESC LIMIT ?",
        [*wanted, limit],
    )
    for row in rows:
        row["spellings"] = spellings(row["spellings"])
    return rows


def search(db: Database, q: str, limit: int = 20, offset: int = 0) -> dict:
    """Full-text search over clean text; an actor's name also finds its other spellings."""
    result = empty_page(limit, offset) | {"q": q, "actors": [], "expanded": []}
    if not q.strip() or not db.has("pages_fts"):
        return result
    found_actors = matching_actors(db, q)
    phrases = [p for p in [fts_phrase(q)] if p]
    for actor_row in found_actors:
        for spelling in [actor_row["name"], *actor_row["spellings"]]:
            phrase = fts_phrase(str(spelling))
            if phrase and phrase not in phrases:
                phrases.append(phrase)
    if not phrases:
        return result
    match = " OR ".join(phrases)
    limit, offset = clamp(limit, offset)
    ranked = db.all(
        "SELECT seq FROM (SELECT rowid AS seq, rank FROM pages_fts WHERE pages_fts MATCH ?"
        " ORDER BY rowid DESC LIMIT ?) ORDER BY rank LIMIT ? OFFSET ?",
        [match, SEARCH_WINDOW, limit + 1, offset],
    )
    seqs = [row["seq"] for row in ranked[:limit]]
    items = _search_hits(db, match, seqs)
    return {
        "items": items, "limit": limit, "offset": offset,
        "next_offset": offset + limit if len(ranked) > limit else None,
        "q": q, "actors": found_actors, "expanded": phrases,
    }


def _search_hits(db: Database, match: str, seqs: list[int]) -> list[dict]:
    """Page summaries and highlighted snippets for ranked rowids, in rank order."""
    if not seqs:
        return []
    marks = ",".join("?" * len(seqs))
    rows = db.all(
        "SELECT p.seq, p.id, p.title, p.outlet, p.lang, p.published,"
        f" snippet(pages_fts, 1, '{HIT_START}', '{HIT_END}', '…', 24) AS snippet"
        " FROM pages_fts JOIN pages p ON p.seq = pages_fts.rowid"
        f" WHERE pages_fts MATCH ? AND pages_fts.rowid IN ({marks})",
        [match, *seqs],
    )
    by_seq = {row.pop("seq"): row for row in rows}
    hits = [by_seq[seq] for seq in seqs if seq in by_seq]
    for hit in hits:
        hit["snippet"] = snippet_parts(hit["snippet"] or "")
    return hits


def snippet_parts(snippet: str) -> list[dict]:
    """An FTS5 snippet as [{text, hit}] parts, so templates escape every part."""
    parts = []
    for i, chunk in enumerate(re.split(f"{HIT_START}|{HIT_END}", snippet)):
        if chunk:
            parts.append({"text": chunk, "hit": i % 2 == 1})
    return parts


# Family comparison ---------------------------------------------------------------------


def parent_comparison(db: Database, page_id: str) -> dict | None:
    """The page against the page it derives from.

    Same language: an inline word diff of the whole texts (what a reader scans) plus the
    match stage's sentence-aligned edits (`trace`). Translation: the match stage's
    aligned sentence pairs side by side, or both whole texts when none align.
    """
    if not db.has("families"):
        return None
    own = db.one("SELECT relation, derived_from FROM families WHERE page_id = ?", [page_id])
    if own is None or not own["derived_from"] or own["derived_from"] == page_id:
        return None
    child, parent = page_text(db, page_id), page_text(db, own["derived_from"])
    if child is None or parent is None:
        return None
    module = optional_module("storytrace.match.trace")
    trace = (module.page_diff(db.ws, page_id) if module else None) or {}
    result = {"page": child, "parent": parent, "relation": own["relation"], "trace": trace}
    translated = trace.get("kind") == "translation" or (
        not trace and child["lang"] and parent["lang"] and child["lang"] != parent["lang"]
    )
    if translated:
        return result | {"mode": "side_by_side", "pairs": trace.get("pairs", [])}
    parts = word_diff(parent["text"] or "", child["text"] or "")
    return result | {"mode": "diff", "parts": parts, "similarity": round(similarity(parts), 3)}


def compare(db: Database, a: str, b: str) -> dict | None:
    """The match classifier's verdict on two pages, with its checks (None if a page is
    unknown or the match stage is absent)."""
    explain = optional_module("storytrace.match.explain")
    if explain is None or not a or not b:
        return None
    try:
        result = explain.compare_pages(db.ws, a, b)
    except KeyError:
        return None
    result["pages"] = [page_summary(db, a), page_summary(db, b)]
    return result


def families(
    db: Database, outlet: str | None = None, min_size: int = 2, limit: int = 50, offset: int = 0
) -> dict:
    """Article families, biggest first, with their original and copies by kind."""
    trace = optional_module("storytrace.match.trace")
    limit, offset = clamp(limit, offset)
    if trace is None or not db.has("families"):
        return empty_page(limit, offset)
    rows = trace.list_families(
        db.ws, outlet=outlet or None, min_size=min_size, limit=limit + 1, offset=offset
    )
    return page_of(rows, limit, offset)
