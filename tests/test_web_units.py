"""The explorer's pure helpers: timeline geometry, word diff, family trees, search input."""

from __future__ import annotations

import json

import pytest
from test_web_support import CORPUS, require_corpus

from storytrace.web.charts import MAX_BARS, timeline
from storytrace.web.diff import similarity, word_diff
from storytrace.web.queries import family_tree, fts_phrase, snippet_parts, spellings


def dev_rows() -> dict[str, dict]:
    require_corpus()
    with (CORPUS / "dev.jsonl").open(encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, handle)}


def test_word_diff_of_a_real_rewrite_rebuilds_both_texts():
    rows = dev_rows()
    old, new = rows["libya-2021-defensepost-afp"]["text"], rows["libya-2021-minbarlibya"]["text"]
    parts = word_diff(old, new)
    assert "".join(p["text"] for p in parts if p["op"] != "insert") == old
    assert "".join(p["text"] for p in parts if p["op"] != "delete") == new
    assert {p["op"] for p in parts} == {"equal", "insert", "delete"}
    assert 0.3 < similarity(parts) < 1.0
    assert similarity(word_diff(old, old)) == 1.0


def test_timeline_stacks_pages_per_day_by_outlet():
    rows = [
        {"day": "2021-04-16", "outlet": "a.example", "n": 3},
        {"day": "2021-04-16", "outlet": "b.example", "n": 1},
        {"day": "2021-04-18", "outlet": "b.example", "n": 2},
        {"day": None, "outlet": "c.example", "n": 5},
    ]
    chart = timeline(rows)
    assert chart["first"] == "2021-04-16" and chart["last"] == "2021-04-18"
    assert chart["peak"] == 4 and chart["bucket_days"] == 1
    first_day = [b for b in chart["bars"] if b["title"].startswith("2021-04-16")]
    assert len(first_day) == 2
    assert sum(b["h"] for b in first_day) == pytest.approx(chart["axis_y"] - 10, abs=0.2)
    assert {item["outlet"] for item in chart["legend"]} == {"a.example", "b.example"}
    assert timeline([{"day": None, "outlet": "x", "n": 1}]) is None


def test_timeline_buckets_long_stories():
    rows = [{"day": f"202{y}-{m:02d}-01", "outlet": "a", "n": 1}
            for y in range(3) for m in range(1, 13)]
    chart = timeline(rows)
    assert chart["bucket_days"] > 1
    assert len(chart["bars"]) <= MAX_BARS


def test_family_tree_nests_children_and_survives_cycles():
    members = [
        {"id": "o", "derived_from": None},
        {"id": "r", "derived_from": "o"},
        {"id": "t", "derived_from": "r"},
        {"id": "x", "derived_from": "y"},
        {"id": "y", "derived_from": "x"},
    ]
    roots = family_tree(members)
    by_id = {root["id"]: root for root in roots}
    assert by_id["o"]["children"][0]["id"] == "r"
    assert by_id["o"]["children"][0]["children"][0]["id"] == "t"
    shown = set()

    def walk(nodes):
        for node in nodes:
            shown.add(node["id"])
            walk(node["children"])

    walk(roots)
    assert shown == {"o", "r", "t", "x", "y"}


def test_search_input_becomes_one_quoted_phrase():
    assert fts_phrase('Shoigu" OR title:x NEAR(a b)') == '"Shoigu OR title x NEAR a b"'
    assert fts_phrase("Шойгу") == '"Шойгу"'
    assert fts_phrase('"*()') is None


def test_snippet_parts_and_spellings_formats():
    parts = snippet_parts("…met \x02Shoygu\x03 in \x02Moscow\x03.")
    assert [p["text"] for p in parts if p["hit"]] == ["Shoygu", "Moscow"]
    assert "".join(p["text"] for p in parts) == "…met Shoygu in Moscow."
    assert spellings('[["Shoigu", 3], ["Shoygu", 1]]') == ["Shoigu", "Shoygu"]
    assert spellings('["Haftar"]') == ["Haftar"]
    assert spellings("not json") == []


def test_serve_command_is_registered_with_help_and_clear_errors(tmp_path):
    from typer.testing import CliRunner

    from storytrace.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["serve", "--help"])
    assert shown.exit_code == 0
    assert "Example" in shown.output and "127.0.0.1" in shown.output
    missing = runner.invoke(app, ["serve", "--workspace", str(tmp_path / "none")])
    assert missing.exit_code == 2
    assert "storytrace ingest" in missing.output


def test_word_diff_of_chinese_text_marks_the_changed_characters_only():
    parts = word_diff(
        "俄罗斯国防部长周二会见了东部军事指挥官哈夫塔尔。",
        "俄罗斯国防部长本周二会见了东部军事强人哈夫塔尔。",
    )
    changed = [(p["op"], p["text"]) for p in parts if p["op"] != "equal"]
    assert changed == [("insert", "本"), ("delete", "指挥官"), ("insert", "强人")]


def test_page_view_shows_a_month_only_date_also_in_an_older_workspace(tmp_path):
    from storytrace.engine.pipeline import run_stages
    from storytrace.ingest import ingest_paths
    from storytrace.store import Workspace
    from storytrace.web.db import Database
    from storytrace.web.queries import page

    text = tmp_path / "m.txt"
    text.write_text(" date 2024-08 Les séparatistes armés du nord du Mali affirment. " * 4, "utf-8")
    with Workspace.open(tmp_path / "ws") as ws:
        ingest_paths(ws, [text])
        run_stages(ws, stages=("clean",))
    found = page(Database(tmp_path / "ws"), "m")
    assert (found["published"], found["published_month"]) == (None, "2024-08")
    with Workspace.open(tmp_path / "ws") as ws, ws.transaction() as conn:  # as 0.4 left it
        conn.execute("ALTER TABLE pages DROP COLUMN published_month")
    assert page(Database(tmp_path / "ws"), "m")["published_month"] is None
