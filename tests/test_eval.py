"""`storytrace eval` on the bundled demo corpus: every stage is scored, labels stay hidden."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import storytrace
from storytrace.cli import app
from storytrace.demo import demo_labels
from storytrace.eval.metrics import adjusted_rand_index, bcubed, pairwise_prf
from storytrace.eval.runner import INPUT_FIELDS, load_labels, write_unlabeled


def test_metrics_on_a_known_case():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert adjusted_rand_index(gold, gold) == 1.0
    assert pairwise_prf(gold, gold)["f1"] == 1.0
    split = {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert pairwise_prf(gold, split)["recall"] == 0.0
    assert bcubed(gold, split)["precision"] == 1.0
    assert bcubed(gold, split)["recall"] == 0.5


def test_labels_never_reach_the_pipeline(tmp_path):
    gold = load_labels(demo_labels())
    path = write_unlabeled(gold, tmp_path)
    for line in path.read_text().splitlines():
        assert set(json.loads(line)) <= set(INPUT_FIELDS)


def test_eval_scores_every_stage_on_the_demo(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(demo_labels()), "--json",
                                      "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{"):])
    assert scores["ingest"]["ingested"] == scores["pages"]
    assert scores["clean"]["date_accuracy"] >= 0.9
    assert scores["families"]["family_ari"] > 0.5
    # The wire pages are credited by acronym ("Source: MPA") and only the agency's HTML
    # pages carry its name ("Meridian Press Agency"): the outlet's site name is shared.
    ws = storytrace.open(tmp_path / "ws")
    relation = dict(ws.conn.execute("SELECT page_id, relation FROM families"))
    assert relation["mpa-drought-emergency"] == relation["mpa-corvane-recall"] == "original"
    assert "story_bcubed_f1" in scores["stories"]
    assert "entity_f1" in scores["actors"] or scores["actors"]
