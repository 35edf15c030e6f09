"""The cluster stage: families -> stories -> narratives, written to the workspace.

`run(ws, None)` rebuilds everything; `run(ws, new_ids)` restores the saved stories, lets
the new pages' families join them or open new ones (see `stories.py`), then re-clusters
the neighbourhood of the new families in arrival order so that the ingest order matters
little. Summaries are refreshed and narratives recomputed (cheap: one point per story).
"""

from __future__ import annotations

import json
from collections import defaultdict

from rich.progress import Progress

from storytrace.cluster.features import Unit
from storytrace.cluster.narratives import (
    StoryPoint,
    cluster_narratives,
    narrative_labels,
    stable_numbers,
)
from storytrace.cluster.stories import StoryClusterer, StoryParams
from storytrace.cluster.units import build_units, family_members, family_of, has_table

DIM_FALLBACK = 384
#: Up to this many families an incremental run places every story again (about 20 s at
#: 100,000 pages on 2 cores, benchmarks/bench_stories.py); see `_to_refine`.
REFINE_ALL_FAMILIES = 200_000


def run(ws, new_ids: list[str] | None, progress: Progress | None = None) -> dict:
    """Cluster pages into stories and narratives; return counts for the CLI."""
    task = progress.add_task("stories", total=None) if progress else None
    if new_ids is None:
        _clear(ws)
        saved: dict[str, int] = {}
        grown: set[str] = set()
        pending = family_members(ws, family_of(ws, ws.page_ids()).values())
    else:
        saved = _saved_families(ws)
        pending = _new_families(ws, new_ids, saved)
        grown = {f for f in family_of(ws, new_ids).values() if f in saved}
    known_units = build_units(ws, family_members(ws, saved)) if saved else []
    new_units = build_units(ws, pending)
    dim = (known_units or new_units)[0].vec.shape[0] if (known_units or new_units) else 0
    clusterer = StoryClusterer(dim or DIM_FALLBACK, StoryParams())
    _restore(clusterer, known_units, saved)
    clusterer.add(new_units)
    if saved and (new_units or grown):
        clusterer.refine(_to_refine(clusterer, new_units, grown))
    if progress:
        progress.update(task, description="narratives")
    units = {u.id: u for u in [*known_units, *new_units]}
    previous_narratives = _saved_narratives(ws)
    _write_stories(ws, clusterer, units)
    n_narratives = _write_narratives(ws, clusterer, units, previous_narratives)
    if progress:
        progress.update(task, total=1, completed=1)
    return {
        "stories": len(clusterer.stories),
        "narratives": n_narratives,
        "families_added": len(new_units),
        "pages": sum(len(u.pages) for u in units.values()),
    }


def _to_refine(clusterer: StoryClusterer, new_units: list[Unit], grown: set[str]) -> set[int]:
    """The stories an incremental run places again, in arrival order, as a batch would.

    All of them up to REFINE_ALL_FAMILIES families: placing a subset again is not what a
    batch run does (the subset's units meet the other stories fully grown, undated
    families included, where a batch run meets them as they were at that date), and dev
    ingested 11 pages at a time ended with three Altman stories of one week merged
    (BCubed agreement with one run 0.954; 1.000 when everything is placed again). Beyond
    that size, the stories of the new families, of the families that gained pages (a new
    vector, perhaps a first date), and of their nearest neighbours.
    """
    if len(clusterer.units) <= REFINE_ALL_FAMILIES:
        return set(clusterer.stories)
    changed = [u.id for u in new_units] + [f for f in grown if f in clusterer.story_of]
    touched = {clusterer.story_of[f] for f in changed}
    return clusterer.neighbourhood([m for sid in touched for m in clusterer.stories[sid].units])


def _clear(ws) -> None:
    with ws.transaction() as conn:
        for table in ("stories", "story_pages", "story_families", "narratives"):
            conn.execute(f"DELETE FROM {table}")  # noqa: S608


def _saved_families(ws) -> dict[str, int]:
    return {row[0]: row[1] for row in ws.conn.execute("SELECT family, story FROM story_families")}


def _new_families(ws, new_ids: list[str], saved: dict[str, int]) -> dict[str, list[str]]:
    """Families that no saved story holds yet: those of the new pages, and older pages'
    families renamed by the match stage (a new page can change which member is the
    original, and so the family id, of pages it is not linked to: a site name learned)."""
    families = {f for f in family_of(ws, new_ids).values() if f not in saved}
    if has_table(ws.conn, "families"):
        rows = ws.conn.execute("SELECT DISTINCT family FROM families")
        families |= {row[0] for row in rows if row[0] not in saved}
    return family_members(ws, families)


def _saved_narratives(ws) -> dict[int, int]:
    """Narrative number of each saved story (empty after a rebuild from scratch)."""
    sql = "SELECT id, narrative FROM stories WHERE narrative IS NOT NULL"
    return {row[0]: row[1] for row in ws.conn.execute(sql)}


def _restore(clusterer: StoryClusterer, units: list[Unit], saved: dict[str, int]) -> None:
    by_story: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_story[saved[unit.id]].append(unit)
    for story_id, members in sorted(by_story.items()):
        clusterer.add_story(story_id, members)


def _write_stories(ws, clusterer: StoryClusterer, units: dict[str, Unit]) -> None:
    pages = {
        row["id"]: dict(row)
        for row in ws.conn.execute(
            "SELECT p.seq, p.id, p.title, p.published, p.outlet, p.lang, f.relation "
            "FROM pages p LEFT JOIN families f ON f.page_id = p.id"
        )
    }
    with ws.transaction() as conn:
        for table in ("stories", "story_pages", "story_families"):
            conn.execute(f"DELETE FROM {table}")  # noqa: S608
        for story_id, family_ids in clusterer.partition().items():
            members = [units[f] for f in family_ids if f in units]
            page_rows = [pages[p] for u in members for p in u.pages if p in pages]
            if not page_rows:
                continue
            conn.executemany(
                "INSERT INTO story_families (family, story) VALUES (?, ?)",
                [(u.id, story_id) for u in members],
            )
            conn.executemany(
                "INSERT INTO story_pages (page_id, story) VALUES (?, ?)",
                [(p["id"], story_id) for p in page_rows],
            )
            summary = _summary(members, pages, page_rows)
            headline = summary[0] or _lead_line(ws, summary[1])
            conn.execute(
                "INSERT INTO stories (id, headline, origin_page, first_date, last_date, "
                "n_pages, n_outlets, n_langs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (story_id, headline, *summary[1:]),
            )


def _summary(members: list[Unit], pages: dict[str, dict], page_rows: list[dict]) -> tuple:
    """headline, origin page, first and last date, and counts of one story.

    The headline is the title of the root of the story's biggest family: the text most
    outlets chose to carry. The origin is the earliest dated page (ingest order breaks
    ties); with no date at all, that same root.
    """
    biggest = max(members, key=lambda u: (len(u.pages), -min(pages[p]["seq"] for p in u.pages)))
    family_pages = sorted((pages[p] for p in biggest.pages), key=lambda p: p["seq"])
    root = next((p for p in family_pages if p["relation"] == "original"), family_pages[0])
    titled = [p for p in [root, *family_pages, *page_rows] if p["title"]]
    dated = sorted(
        (p for p in page_rows if p["published"]), key=lambda p: (p["published"], p["seq"])
    )
    origin = dated[0] if dated else root
    return (
        titled[0]["title"] if titled else None,
        origin["id"],
        dated[0]["published"][:10] if dated else None,
        dated[-1]["published"][:10] if dated else None,
        len(page_rows),
        len({p["outlet"] for p in page_rows if p["outlet"]}),
        len({p["lang"] for p in page_rows if p["lang"]}),
    )


def _actor_names(ws) -> dict[str, str]:
    """Readable names of the actor keys used as story names ("actor:<id>")."""
    if not ws.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'actors'").fetchone():
        return {}
    return {f"actor:{row[0]}": row[1] for row in ws.conn.execute("SELECT id, name FROM actors")}


def _lead_line(ws, page_id: str, limit: int = 100) -> str | None:
    """A stand-in headline for a story none of whose pages has a title: its origin's
    first words."""
    page = ws.page(page_id)
    if page is None or not page.text:
        return None
    from storytrace.match.embed import lead

    return lead(page.text.split("\n\n", 1)[0], limit)


def _write_narratives(
    ws, clusterer: StoryClusterer, units: dict[str, Unit], previous: dict[int, int]
) -> int:
    points = [
        StoryPoint(
            story.id,
            story.centroid(),
            frozenset().union(
                *(units[f].names | units[f].places for f in story.units if f in units)
            ),
        )
        for story in clusterer.stories.values()
    ]
    groups = cluster_narratives(points)
    headlines = {
        row[0]: row[1] or "" for row in ws.conn.execute("SELECT id, headline FROM stories")
    }
    spans = {
        row[0]: (row[1], row[2])
        for row in ws.conn.execute("SELECT id, first_date, last_date FROM stories")
    }
    actor_names = _actor_names(ws)
    documents = [
        " ".join(
            [headlines.get(s, "") for s in group]
            + [actor_names.get(n, "") for s in group for n in clusterer.stories[s].names]
        )
        for group in groups
    ]
    labels = narrative_labels(documents)
    numbers = stable_numbers(groups, previous)
    with ws.transaction() as conn:
        conn.execute("DELETE FROM narratives")
        conn.execute("UPDATE stories SET narrative = NULL")
        for number, group, terms in zip(numbers, groups, labels, strict=True):
            firsts = [spans[s][0] for s in group if spans.get(s, (None,))[0]]
            lasts = [spans[s][1] for s in group if spans.get(s, (None, None))[1]]
            conn.execute(
                "INSERT INTO narratives (id, label, terms, n_stories, first_date, last_date) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    number,
                    " / ".join(terms) or f"narrative {number}",
                    json.dumps(terms),
                    len(group),
                    min(firsts, default=None),
                    max(lasts, default=None),
                ),
            )
            conn.executemany(
                "UPDATE stories SET narrative = ? WHERE id = ?", [(number, s) for s in group]
            )
    return len(groups)
