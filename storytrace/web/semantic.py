"""Semantic search: the query's embedding against the page vectors the match stage stored.

The vectors are loaded into one numpy matrix on first use (100k pages x 384 floats is
150 MB) and reloaded when the embeddings table changes size; the model is loaded once
per process. Both happen only when someone asks for a semantic search.
"""

from __future__ import annotations

import threading

import numpy as np

from storytrace.web.db import Database

_lock = threading.Lock()
_cache: dict[str, tuple[int, list[str], np.ndarray]] = {}


def available(db: Database) -> bool:
    return db.has("embeddings") and bool(db.scalar("SELECT 1 FROM embeddings LIMIT 1"))


def _matrix(db: Database) -> tuple[list[str], np.ndarray]:
    from storytrace.match.embed import from_blob

    count = db.scalar("SELECT count(*) FROM embeddings")
    key = str(db.path)
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != count:
            rows = db.conn.execute("SELECT page_id, vec FROM embeddings").fetchall()
            ids = [row[0] for row in rows]
            matrix = np.vstack([from_blob(row[1]) for row in rows]) if rows else np.zeros((0, 1))
            cached = (count, ids, matrix.astype(np.float32))
            _cache[key] = cached
    return cached[1], cached[2]


def nearest(db: Database, q: str, limit: int = 20) -> list[dict]:
    """Pages whose stored vector is closest to the query's (cosine), best first."""
    if not q.strip() or not available(db):
        return []
    from storytrace.match.embed import get_embedder

    ids, matrix = _matrix(db)
    query = get_embedder().encode([q])[0]
    if query.shape[0] != matrix.shape[1]:
        return []
    scores = matrix @ query
    top = np.argsort(-scores)[:limit]
    results = []
    for index in top:
        row = db.one(
            "SELECT id, title, outlet, lang, published FROM pages WHERE id = ?", [ids[index]]
        )
        if row:
            results.append(row | {"score": round(float(scores[index]), 4)})
    return results
