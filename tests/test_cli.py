"""The core commands end to end: ingest, export in every format, rejects, info, help."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.store.export import PAGE_FIELDS

runner = CliRunner()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, corpus):
    folder = tmp_path_factory.mktemp("cli")
    ws = folder / "ws"
    result = runner.invoke(app, ["ingest", str(corpus / "seeds"), "-w", str(ws)])
    assert result.exit_code == 0, result.output
    return folder, ws


def test_every_command_has_help_with_an_example():
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name


def test_export_jsonl_has_the_contract_fields(seeded):
    folder, ws = seeded
    out = folder / "pages.jsonl"
    result = runner.invoke(app, ["export", "-w", str(ws), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 5
    assert all(set(PAGE_FIELDS) <= set(row) for row in rows)
    assert all(row["family"] and row["story"] for row in rows)
    entities = [json.loads(line) for line in (folder / "pages.entities.jsonl").open()]
    quotes = [json.loads(line) for line in (folder / "pages.quotes.jsonl").open()]
    assert any("Shoigu" in e["actor"] for e in entities)
    assert quotes and {q["page_id"] for q in quotes} <= {row["id"] for row in rows}
    links = [json.loads(line) for line in (folder / "pages.links.jsonl").open()]
    rewrite = next(row for row in rows if row["relation"] == "rewrite")
    link = next(lk for lk in links if rewrite["id"] in (lk["a"], lk["b"]))
    assert {link["a"], link["b"]} == {rewrite["id"], rewrite["derived_from"]}
    assert link["in_family"] and link["why"].startswith("linked as rewrite")


def test_export_csv_and_parquet_agree(seeded):
    folder, ws = seeded
    runner.invoke(app, ["export", "-w", str(ws), "-f", "csv", "-o", str(folder / "p.csv")])
    runner.invoke(app, ["export", "-w", str(ws), "-f", "parquet", "-o", str(folder / "p.parquet")])
    with (folder / "p.csv").open() as handle:
        csv_ids = [row["id"] for row in csv.DictReader(handle)]
    table = pq.read_table(folder / "p.parquet")
    assert csv_ids == table.column("id").to_pylist()
    assert set(PAGE_FIELDS) <= set(table.schema.names)
    links = pq.read_table(folder / "p.links.parquet").to_pylist()
    assert links and all(isinstance(row["score"], float) for row in links)


def test_errors_say_what_to_do(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing"), "-w", str(tmp_path / "w")])
    assert result.exit_code == 2
    result = runner.invoke(app, ["export", "-w", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "storytrace ingest" in result.output


def test_rejects_lists_reasons(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    ws = str(tmp_path / "ws")
    runner.invoke(app, ["ingest", str(tmp_path / "empty.txt"), "-w", ws, "--no-analyze"])
    result = runner.invoke(app, ["rejects", "-w", ws, "--json"])
    assert result.exit_code == 0
    assert '"reason": "empty"' in result.output


def test_python_api_does_what_the_cli_does(tmp_path, corpus):
    import storytrace

    with storytrace.open(tmp_path / "ws") as ws:
        summary = ws.ingest(corpus / "seeds", analyze=False)
        assert summary["ingested"] == 5
        assert [row["id"] for row in ws.rows()] == ws.page_ids()


def test_actor_and_quote_commands_on_an_analysed_workspace(seeded):
    _, ws = seeded
    actor = runner.invoke(app, ["actor", "Shoygu", "-w", str(ws)], env={"COLUMNS": "200"})
    assert actor.exit_code == 0, actor.output
    assert "Sergei Shoigu" in actor.output and "stories:" in actor.output
    story = json.loads(runner.invoke(app, ["stories", "-w", str(ws), "--json"]).output)[0]
    quotes = runner.invoke(app, ["quotes", "--story", str(story["id"]), "-w", str(ws)])
    assert quotes.exit_code == 0, quotes.output
    listed = runner.invoke(app, ["actors", "--story", str(story["id"]), "-w", str(ws)])
    assert listed.exit_code == 0, listed.output
