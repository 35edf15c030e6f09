"""Read the workspace into story units: one `Unit` per article family.

Inputs are the tables of earlier stages: `families` (match; a page without one is its own
family), `embeddings` through `storytrace.match.embed.page_vectors` (pages without a
stored vector are embedded here, from title and lead), and `mentions` (actors; optional:
when it has rows for a page, its actor ids are the page's names, otherwise names come
from capitalised words of the text).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from storytrace.cluster.features import Unit, mean_vector, text_names
from storytrace.model import Page, day_number

NAME_TEXT_CHARS = 1500  # names are read from the title and lead, where the event is told


def family_of(ws, page_ids: Iterable[str]) -> dict[str, str]:
    """Family of each page; a page the match stage did not place is a family of its own."""
    ids = list(page_ids)
    found = {pid: pid for pid in ids}
    if not has_table(ws.conn, "families"):
        return found
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT page_id, family FROM families WHERE page_id IN ({marks})"  # noqa: S608
        for row in ws.conn.execute(sql, chunk):
            found[row[0]] = str(row[1])
    return found


def family_members(ws, families: Iterable[str]) -> dict[str, list[str]]:
    """All pages of the given families, including pages ingested in earlier runs."""
    wanted = list(dict.fromkeys(families))
    members: dict[str, list[str]] = defaultdict(list)
    if has_table(ws.conn, "families"):
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT page_id, family FROM families WHERE family IN ({marks})"  # noqa: S608
            for row in ws.conn.execute(sql, chunk):
                members[str(row[1])].append(row[0])
    for family in wanted:
        if family not in members:
            members[family] = [family]  # a page that is its own family
    return dict(members)


def build_units(ws, members: dict[str, list[str]]) -> list[Unit]:
    """One unit per family, from its pages' vectors, dates and names."""
    page_ids = [pid for pids in members.values() for pid in pids]
    pages = {page.id: page for page in ws.pages(page_ids)}
    vectors = _page_vectors(ws, pages)
    actor_names, actor_places = _actor_names(ws, page_ids)
    units = []
    for family, pids in members.items():
        present = [pid for pid in pids if pid in vectors]
        if not present:
            continue
        days = [d for d in (day_number(pages[pid].published) for pid in present) if d]
        names: set[str] = set()
        places: set[str] = set()
        for pid in present:
            names |= actor_names.get(pid) or text_names(_name_text(pages[pid]))
            places |= actor_places.get(pid, set())
        units.append(
            Unit(
                id=family,
                vec=mean_vector([vectors[pid] for pid in present]),
                day=min(days) if days else None,
                names=frozenset(names),
                places=frozenset(places),
                pages=present,
                langs=frozenset(pages[pid].lang for pid in present if pages[pid].lang),
            )
        )
    return units


def _page_vectors(ws, pages: dict[str, Page]) -> dict[str, np.ndarray]:
    """Stored vectors of the match stage; pages without one are embedded now."""
    from storytrace.match.embed import get_embedder, lead, page_vectors

    vectors = page_vectors(ws, list(pages)) if has_table(ws.conn, "embeddings") else {}
    missing = [p for pid, p in pages.items() if pid not in vectors and (p.text or p.title)]
    if missing:
        texts = [lead(" ".join(filter(None, [p.title, p.text]))) for p in missing]
        encoded = get_embedder().encode(texts)
        vectors.update({p.id: encoded[i] for i, p in enumerate(missing)})
    return vectors


def _actor_names(ws, page_ids: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Actor ids mentioned per page, places apart, when the actors stage has run.

    Places are kept out of story names: every event in a region names the same country
    and capital, so a shared place says little about one event, and once the actors stage
    resolves places across languages (Libya / Libye / ليبيا) they made every Libya story
    look alike (dev story BCubed F1 0.851 with places, 0.868 without). Narratives, long
    threads about a region, still use them.
    """
    names: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    if not has_table(ws.conn, "mentions"):
        return names, places
    for chunk in _chunks(page_ids):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT m.page_id, m.actor_id, a.type FROM mentions m"
            f" LEFT JOIN actors a ON a.id = m.actor_id WHERE m.page_id IN ({marks})"  # noqa: S608
        )
        for page_id, actor_id, kind in ws.conn.execute(sql, chunk):
            (places if kind == "place" else names)[page_id].add(f"actor:{actor_id}")
    return names, places


def _name_text(page: Page) -> str:
    return "\n".join(filter(None, [page.title, (page.text or "")[:NAME_TEXT_CHARS]]))


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
    return row.fetchone() is not None


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
