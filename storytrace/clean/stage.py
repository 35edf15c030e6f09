"""The clean stage over a workspace: learn outlet boilerplate, then clean the pages.

Profiles are updated before any page is cleaned so that lines recurring across the
pages of this very batch already count as boilerplate. Both steps are deterministic and
idempotent: an article already counted for its outlet is not counted again, and cleaning
writes the same fields for the same inputs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from rich.progress import Progress

from storytrace.clean.core import clean_page
from storytrace.clean.profile import MIN_DOCS, OutletProfile, page_observation, page_outlet
from storytrace.engine.parallel import batched, choose_engine, map_items
from storytrace.model import Page
from storytrace.store import Workspace

BATCH = 200
PARALLEL_MIN_PAGES = 2000  # below this a process pool costs more than it saves


def run(ws: Workspace, new_ids: list[str] | None, progress: Progress | None = None) -> dict:
    """Clean `new_ids` (all pages when None) and write the clean fields to `pages`."""
    ids = ws.page_ids() if new_ids is None else list(new_ids)
    with ws.transaction() as conn:
        if new_ids is None:
            conn.execute("DELETE FROM clean_outlet_docs")
            conn.execute("DELETE FROM clean_outlet_lines")
        outlets = update_profiles(conn, ws.pages(ids))
    profiles = load_profiles(ws, outlets)
    task = progress.add_task("clean", total=len(ids)) if progress else None
    work = ((page, profiles.get(page_outlet(page) or "")) for page in ws.pages(ids))
    engine = choose_engine(len(ids), PARALLEL_MIN_PAGES)
    counts = {"pages": 0, "dated": 0, "titled": 0}
    for cleaned in batched(map_items(clean_pairs, work, engine, BATCH), BATCH):
        with ws.transaction() as conn:
            write_pages(conn, cleaned)
        counts["pages"] += len(cleaned)
        counts["dated"] += sum(1 for page in cleaned if page.published)
        counts["titled"] += sum(1 for page in cleaned if page.title)
        if progress is not None:
            progress.advance(task, len(cleaned))
    counts["outlets_profiled"] = len(profiles)
    counts["boilerplate_lines_learned"] = sum(len(p.line_docs) for p in profiles.values())
    return counts


def clean_pairs(batch: list[tuple[Page, OutletProfile | None]]) -> list[Page]:
    """Batch function for the engine: each page travels with its own outlet profile."""
    return [clean_page(page, profile) for page, profile in batch]


def update_profiles(conn, pages: Iterable[Page]) -> set[str]:
    """Count each new (outlet, article) once into the line statistics; return the outlets."""
    outlets: set[str] = set()
    increments: dict[tuple[str, str], int] = defaultdict(int)
    for page in pages:
        observed = page_observation(page)
        if observed is None:
            continue
        outlet, key, line_keys = observed
        outlets.add(outlet)
        inserted = conn.execute(
            "INSERT OR IGNORE INTO clean_outlet_docs VALUES (?, ?)", (outlet, key)
        ).rowcount
        if inserted:
            for line in line_keys:
                increments[(outlet, line)] += 1
    conn.executemany(
        "INSERT INTO clean_outlet_lines VALUES (?, ?, ?) "
        "ON CONFLICT(outlet, line_hash) DO UPDATE SET n_docs = n_docs + excluded.n_docs",
        [(outlet, line, n) for (outlet, line), n in sorted(increments.items())],
    )
    return outlets


def load_profiles(ws: Workspace, outlets: Iterable[str]) -> dict[str, OutletProfile]:
    """Profiles of `outlets`, holding only the lines frequent enough to matter."""
    profiles = {}
    for outlet in sorted(outlets):
        n_docs = ws.conn.execute(
            "SELECT count(*) FROM clean_outlet_docs WHERE outlet = ?", (outlet,)
        ).fetchone()[0]
        if n_docs < MIN_DOCS:
            continue
        rows = ws.conn.execute(
            "SELECT line_hash, n_docs FROM clean_outlet_lines WHERE outlet = ? AND n_docs >= ?",
            (outlet, MIN_DOCS),
        )
        profiles[outlet] = OutletProfile(outlet, n_docs, {row[0]: row[1] for row in rows})
    return profiles


def write_pages(conn, pages: list[Page]) -> None:
    conn.executemany(
        "UPDATE pages SET text = ?, title = ?, published = ?, published_month = ?, "
        "author = ?, outlet = ?, lang = ?, genre = ?, credits = ?, site_name = ?, cleaned = 1 "
        "WHERE id = ?",
        [
            (
                page.text,
                page.title,
                page.published,
                page.published_month,
                page.author,
                page.outlet,
                page.lang,
                page.genre,
                json.dumps(page.credits, ensure_ascii=False),
                page.site_name,
                page.id,
            )
            for page in pages
        ],
    )
