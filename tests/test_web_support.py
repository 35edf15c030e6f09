"""A small real workspace and a live explorer server for the web tests (plus index tests).

The workspace is built once per test process (the whole pipeline runs on it: slow
embeddings), from the five seed pages, one dev story (a rewrite, translations, the
"Shoygu" spelling) ingested with only id/url/text like `storytrace eval` does, and one
hostile page whose text and title carry script.
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
import uvicorn

from storytrace.engine.pipeline import run_stages
from storytrace.eval.runner import unlabeled_rows
from storytrace.ingest import ingest_paths
from storytrace.store import Workspace
from storytrace.web.app import create_app

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
#: The dev story the web tests browse: a wire story with a rewrite and translations.
DEV_STORY_PAGES = (
    "libya-2021-defensepost-afp",
    "libya-2021-aawsat-en-p3",
    "libya-2021-minbarlibya",
    "libya-2021-azvision-ar",
    "libya-2021-marsad",
    "libya-2021-almaghribalarabi-ar",
    "libya-2021-libyaalahrar",
    "libya-2021-agenzianova-it",
    "libya-2021-libyanexpress",
)
HOSTILE_ID = "https://evil.example/news/2021/04/hostile?x=1&y=<b>"
HOSTILE_TEXT = (
    'Breaking: <script>window.__pwned = 1;</script> and <img src=x onerror="window.__pwned=2">'
    " are shown as text.\n\nThe defence minister met the prime minister in Moscow on Friday."
)


def require_corpus() -> None:
    if not (CORPUS / "dev.jsonl").exists() or not (CORPUS / "seeds").is_dir():
        pytest.skip(f"labeled corpus not found at {CORPUS} (../shared beside the repo)")


@lru_cache(maxsize=1)
def dev_workspace() -> Path:
    """Build (once per process) the test workspace; returns its folder."""
    folder = Path(tempfile.mkdtemp(prefix="storytrace-web-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    rows = {row["id"]: row for row in unlabeled_rows(CORPUS / "dev.jsonl", DEV_STORY_PAGES)}
    rows[HOSTILE_ID] = {
        "id": HOSTILE_ID,
        "url": HOSTILE_ID,
        "text": HOSTILE_TEXT,
        "title": "<script>window.__pwned = 3;</script>Hostile title",
    }
    jsonl = folder / "pages.jsonl"
    jsonl.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.values()),
        encoding="utf-8",
    )
    with Workspace.open(folder / "ws") as ws:
        ingest_paths(ws, [CORPUS / "seeds", jsonl])
        run_stages(ws, from_scratch=True)
    return folder / "ws"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(workspace: Path):
    """Serve `workspace` with uvicorn on 127.0.0.1 in a thread; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the explorer did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# Tests of the search index itself -------------------------------------------------------


def test_fts_index_follows_inserts_updates_and_deletes(tmp_path):
    """The triggers keep `pages_fts` in step with `pages`, without any rebuild step."""
    folder = tmp_path / "texts"
    folder.mkdir()
    text = "Shoygu met Haftar in Moscow on Friday to discuss military cooperation. " * 5
    (folder / "a.txt").write_text(text, encoding="utf-8")
    with Workspace.open(tmp_path / "ws") as ws:
        ingest_paths(ws, [folder])
        seq = ws.conn.execute("SELECT seq FROM pages").fetchone()[0]
        ws.conn.execute("UPDATE pages SET text = raw WHERE seq = ?", (seq,))
        hits = ws.conn.execute(
            "SELECT rowid FROM pages_fts WHERE pages_fts MATCH 'shoygu'"
        ).fetchall()
        assert [h[0] for h in hits] == [seq]
        ws.conn.execute("UPDATE pages SET text = 'Nothing here.' WHERE seq = ?", (seq,))
        assert not ws.conn.execute(
            "SELECT 1 FROM pages_fts WHERE pages_fts MATCH 'shoygu'"
        ).fetchall()
        ws.conn.execute("DELETE FROM pages WHERE seq = ?", (seq,))
        assert not ws.conn.execute(
            "SELECT 1 FROM pages_fts WHERE pages_fts MATCH 'nothing'"
        ).fetchall()
        ws.conn.execute("INSERT INTO pages_fts(pages_fts, rank) VALUES ('integrity-check', 1)")
