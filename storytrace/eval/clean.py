"""Metrics of the clean stage: date and title accuracy, line-level content precision/recall.

Accuracy counts null == null as correct and a value predicted where the gold is null as
wrong: a page whose date cannot be known from its text or URL must stay undated. When the
input supplied titles or dates, the `extracted_*` metrics re-clean each page with them
removed, so they measure our extraction even when the input file carries the gold values.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from storytrace.clean.core import clean_page, line_labels
from storytrace.model import Page

_SPACES = re.compile(r"\s+")
_EDGE = "\"'“”‘’«»„‚`´*•·-–—:;,.!?…()[]{} "


def normalise_title(title: str | None) -> str | None:
    """Casefolded, space-collapsed, with quotes and punctuation stripped at both ends."""
    if title is None:
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", title).casefold()).strip(_EDGE)
    return text or None


def accuracy(pairs: list[tuple[Any, Any]]) -> float:
    return sum(1 for gold, pred in pairs if gold == pred) / len(pairs) if pairs else 0.0


def field_scores(name: str, pairs: list[tuple[Any, Any]]) -> dict[str, float]:
    """Accuracy over all pages and over the pages whose gold value is known."""
    known = [(gold, pred) for gold, pred in pairs if gold is not None]
    return {
        f"{name}_accuracy": accuracy(pairs),
        f"{name}_accuracy_known": accuracy(known),
        f"{name}_predicted_when_null": sum(
            1 for gold, pred in pairs if gold is None and pred is not None
        ),
    }


def score_pages(gold: dict[str, dict], pages: dict[str, Page], prefix: str = "") -> dict:
    dates, titles = [], []
    for page_id, row in gold.items():
        page = pages.get(page_id)
        if page is None:
            continue
        dates.append((row.get("published"), page.published))
        titles.append((normalise_title(row.get("title")), normalise_title(page.title)))
    scores = {"pages": len(dates)}
    scores.update(field_scores("date", dates))
    scores.update(field_scores("title", titles))
    return {f"{prefix}{key}": value for key, value in scores.items()}


def score_lines(lines_gold: dict[str, dict[int, str]], pages: dict[str, Page]) -> dict:
    """Precision, recall and F1 of the `content` label over the labelled lines."""
    tp = fp = fn = scored = 0
    for page_id, labels in lines_gold.items():
        page = pages.get(page_id)
        if page is None or page.raw_format != "text":
            continue
        scored += 1
        predicted = line_labels(page)
        for index, gold_label in labels.items():
            pred = predicted[int(index)] if int(index) < len(predicted) else None
            if gold_label == "content" and pred == "content":
                tp += 1
            elif gold_label == "content":
                fn += 1
            elif pred == "content":
                fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "lines_content_precision": precision,
        "lines_content_recall": recall,
        "lines_content_f1": f1,
        "lines_pages": scored,
    }


def load_line_labels(path: Path) -> dict[str, dict[int, str]]:
    """dev-lines.jsonl as {page id: {line index: label}}."""
    out = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = {int(k): v for k, v in row["labels"].items()}
    return out


def score(gold: dict[str, dict], ws, lines_gold: dict[str, dict[int, str]] | None = None) -> dict:
    """Stored-field accuracy, extraction accuracy (given title/date removed), line F1."""
    stored = {page.id: page for page in ws.pages(list(gold))}
    result = score_pages(gold, stored)
    if any(page.given_title or page.given_published for page in stored.values()):
        blind = {
            page_id: clean_page(dataclasses.replace(page, given_title=None, given_published=None))
            for page_id, page in stored.items()
        }
        result.update(score_pages(gold, blind, prefix="extracted_"))
    if lines_gold:
        pages = {pid: page for pid in lines_gold if (page := ws.page(pid)) is not None}
        result.update(score_lines(lines_gold, pages))
    return result
