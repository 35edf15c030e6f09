"""Read-only Python API over stories and narratives (the explorer and CLI use these).

Every function takes an open `Workspace` and returns plain dicts and lists, ready to be
printed or served as JSON.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict

UNKNOWN_OUTLET = "(unknown outlet)"  # pages whose outlet could not be told (no URL, no site)
STORY_COLUMNS = (
    "id, headline, origin_page, first_date, last_date, n_pages, n_outlets, n_langs, narrative"
)


def list_stories(ws, limit: int | None = None, narrative: int | None = None) -> list[dict]:
    """Stories, biggest first (pages, then outlets), optionally of one narrative."""
    where, args = ("WHERE narrative = ?", [narrative]) if narrative is not None else ("", [])
    sql = (
        f"SELECT {STORY_COLUMNS} FROM stories {where} "  # noqa: S608
        "ORDER BY n_pages DESC, n_outlets DESC, id"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [dict(row) for row in ws.conn.execute(sql, args)]


def story(ws, story_id: int) -> dict | None:
    """One story in full: summary row, origin outlet, families, pages, label coverage."""
    row = ws.conn.execute(
        f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?",
        (story_id,),  # noqa: S608
    ).fetchone()
    if row is None:
        return None
    result = dict(row)
    pages = story_pages(ws, story_id)
    origin = next((p for p in pages if p["id"] == result["origin_page"]), None)
    result["origin_outlet"] = origin["outlet"] if origin else None
    result["languages"] = dict(Counter(p["lang"] for p in pages if p["lang"]).most_common())
    result["outlets"] = dict(Counter(p["outlet"] for p in pages if p["outlet"]).most_common())
    result["families"] = story_families(ws, story_id)
    result["pages"] = pages
    result["coverage"] = label_coverage(ws, story_id, pages)
    return result


def story_pages(ws, story_id: int) -> list[dict]:
    """Pages of a story, earliest first; undated pages last, in ingest order."""
    sql = (
        "SELECT p.id, p.url, p.title, p.published, p.outlet, p.lang, f.family, f.relation "
        "FROM story_pages s JOIN pages p ON p.id = s.page_id "
        "LEFT JOIN families f ON f.page_id = p.id WHERE s.story = ? "
        "ORDER BY p.published IS NULL, p.published, p.seq"
    )
    rows = [dict(row) for row in ws.conn.execute(sql, (story_id,))]
    for row in rows:
        row["family"] = row["family"] or row["id"]
    return rows


def story_families(ws, story_id: int) -> list[dict]:
    """Families of a story with their size and root page, biggest first."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in story_pages(ws, story_id):
        groups[page["family"]].append(page)
    families = []
    for family, pages in groups.items():
        root = next((p for p in pages if p["relation"] == "original"), pages[0])
        families.append(
            {
                "family": family,
                "n_pages": len(pages),
                "root_page": root["id"],
                "title": root["title"],
                "outlets": sorted({p["outlet"] for p in pages if p["outlet"]}),
            }
        )
    return sorted(families, key=lambda f: (-f["n_pages"], f["family"]))


def timeline(ws, story_id: int) -> dict[str, dict[str, int]]:
    """Pages per day per outlet: {outlet: {YYYY-MM-DD: count}}; undated pages left out."""
    series: dict[str, Counter] = defaultdict(Counter)
    for page in story_pages(ws, story_id):
        if page["published"]:
            series[page["outlet"] or UNKNOWN_OUTLET][page["published"][:10]] += 1
    return {outlet: dict(sorted(days.items())) for outlet, days in sorted(series.items())}


def list_narratives(ws) -> list[dict]:
    """Narratives, the ones with most stories first."""
    sql = (
        "SELECT id, label, terms, n_stories, first_date, last_date FROM narratives "
        "ORDER BY n_stories DESC, id"
    )
    rows = [dict(row) for row in ws.conn.execute(sql)]
    for row in rows:
        row["terms"] = json.loads(row["terms"])
    return rows


def narrative(ws, narrative_id: int) -> dict | None:
    """One narrative with its stories in time order (undated stories last)."""
    found = [n for n in list_narratives(ws) if n["id"] == narrative_id]
    if not found:
        return None
    stories = list_stories(ws, narrative=narrative_id)
    stories.sort(key=lambda s: (s["first_date"] is None, s["first_date"] or "", s["id"]))
    return {**found[0], "stories": stories}


def label_coverage(ws, story_id: int, pages: list[dict] | None = None) -> dict[str, dict]:
    """For each user label (e.g. country): which groups carried the story, which first,
    and which labeled groups never carried it (a "blindspot")."""
    pages = story_pages(ws, story_id) if pages is None else pages
    rows = ws.conn.execute("SELECT outlet, label, value FROM outlet_labels").fetchall()
    values: dict[str, dict[str, str]] = defaultdict(dict)  # label -> outlet -> value
    for row in rows:
        values[row["label"]][row["outlet"]] = row["value"]
    coverage = {}
    for label, by_outlet in sorted(values.items()):
        carried: dict[str, int] = Counter()
        first: dict[str, str] = {}
        for page in pages:
            group = by_outlet.get(page["outlet"])
            if group is None:
                continue
            carried[group] += 1
            if page["published"] and (group not in first or page["published"] < first[group]):
                first[group] = page["published"]
        earliest = min(first.values(), default=None)
        coverage[label] = {
            "carried": dict(carried.most_common()),
            "first": sorted(g for g, d in first.items() if d == earliest),
            "never": sorted(set(by_outlet.values()) - set(carried)),
        }
    return coverage
