"""The clean stage over a workspace: fields written, profiles learned, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.clean import stage
from storytrace.ingest import ingest_paths
from storytrace.store import Workspace

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(
    not (CORPUS / "seeds").is_dir(), reason=f"labelled corpus not found at {CORPUS}"
)

FIELDS = ("text", "title", "published", "author", "outlet", "lang", "genre", "credits")


def snapshot(ws: Workspace) -> dict:
    return {page.id: tuple(str(getattr(page, f)) for f in FIELDS) for page in ws.pages()}


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    # Dev rows of one outlet with several articles, written without their labels.
    rows = [json.loads(line) for line in (CORPUS / "dev.jsonl").open(encoding="utf-8")]
    unlabeled = tmp_path / "pages.jsonl"
    with unlabeled.open("w", encoding="utf-8") as handle:
        for row in rows[:60]:
            handle.write(json.dumps({k: row[k] for k in ("id", "url", "text")}) + "\n")
    ws = Workspace.open(tmp_path / "ws")
    ingest_paths(ws, [CORPUS / "seeds", unlabeled])
    yield ws
    ws.close()


def test_run_writes_clean_fields(workspace: Workspace):
    summary = stage.run(workspace, None)
    assert summary["pages"] == len(workspace.page_ids())
    rt = workspace.page("001_7f4da93e7288df3c")
    assert rt.title.startswith("Tripoli govt invites Pentagon")
    assert rt.published == "2020-02-23"
    assert rt.outlet == "rt.com"
    assert "Also on rt.com" not in rt.text
    assert workspace.page("003_cb1eed41c2725daf").credits == ["Asharq Al-Awsat"]
    aawsat = workspace.page("libya-2021-aawsat-en-p3")
    assert aawsat.outlet == "english.aawsat.com"
    assert aawsat.lang == "en"
    cleaned = workspace.conn.execute("SELECT count(*) FROM pages WHERE cleaned = 1").fetchone()[0]
    assert cleaned == summary["pages"]


def test_run_is_idempotent_and_incremental(workspace: Workspace):
    stage.run(workspace, None)
    first = snapshot(workspace)
    docs = workspace.count("clean_outlet_docs")
    stage.run(workspace, None)
    assert snapshot(workspace) == first
    # Re-running on pages already counted changes neither profiles nor fields.
    stage.run(workspace, workspace.page_ids()[:10])
    assert workspace.count("clean_outlet_docs") == docs
    assert snapshot(workspace) == first


def test_url_variants_count_as_one_article(workspace: Workspace):
    stage.run(workspace, None)
    # ?page=3 and ?page=7 of one article, and two URLs of another: two articles.
    rows = workspace.conn.execute(
        "SELECT count(*) FROM clean_outlet_docs WHERE outlet = 'english.aawsat.com'"
    ).fetchone()[0]
    assert rows == 2
